"""What a finding says: kinds, pointers, directions, messages, fixes; and the docs page."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from accord.errors import UsageError
from accord.governance.compat import (
    KINDS,
    Change,
    check_chain,
    check_compatibility,
    compare,
    is_equivalent,
)

DOCS = Path(__file__).parents[3] / "site" / "docs" / "change-kinds.md"
OBJ = {"type": "object", "properties": {"a": {"type": "string"}}}


def _one(changes: list[Change], kind: str) -> Change:
    [found] = [c for c in changes if c.kind == kind]
    return found


def test_property_added_points_into_new_only() -> None:
    new = {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}}
    change = _one(compare(OBJ, new), "property-added")
    assert (change.path, change.old_path, change.new_path) == (
        "/properties/b",
        None,
        "/properties/b",
    )
    assert (change.breaks_backward, change.breaks_forward) == (True, False)
    assert "'b'" in change.message
    assert change.fix is not None and "assume-absent" in change.fix


def test_property_removed_points_into_old() -> None:
    old = {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}}
    change = _one(compare(old, OBJ), "property-removed")
    assert (change.path, change.old_path, change.new_path) == (
        "/properties/b",
        "/properties/b",
        None,
    )
    assert (change.breaks_backward, change.breaks_forward) == (False, True)


def test_change_breaking_both_ways_is_reported_once() -> None:
    [change] = compare({"const": "a"}, {"const": "b"})
    assert change.kind == "const-changed"
    assert change.breaks_backward and change.breaks_forward


def test_paths_follow_refs_to_their_definitions() -> None:
    old = {"$defs": {"zip": {"type": "string", "maxLength": 10}}, "$ref": "#/$defs/zip"}
    new = {"$defs": {"zip": {"type": "string", "maxLength": 5}}, "$ref": "#/$defs/zip"}
    change = _one(compare(old, new), "max-length-decreased")
    assert change.path == "/$defs/zip"
    assert change.message == "maxLength 10 in old, 5 in new"


def test_every_difference_is_reported_in_one_run() -> None:
    old = {
        "type": "object",
        "properties": {
            "name": {"type": "string", "maxLength": 10},
            "age": {"type": "integer", "minimum": 0},
            "tier": {"enum": ["gold", "silver"]},
        },
        "required": ["name"],
    }
    new = {
        "type": "object",
        "properties": {
            "name": {"type": "string", "maxLength": 5, "pattern": "^[a-z]+$"},
            "age": {"type": "number", "minimum": 0},
            "tier": {"enum": ["gold", "bronze"]},
        },
        "required": ["name", "age"],
    }
    kinds = [c.kind for c in compare(old, new)]
    assert sorted(kinds) == sorted(
        [
            "required-added",
            "type-widened",
            "max-length-decreased",
            "pattern-added",
            "enum-value-removed",
            "enum-value-added",
        ]
    )


def test_widening_is_listed_but_only_breaks_forward() -> None:
    result = check_compatibility(
        {"type": "string", "maxLength": 5}, {"type": "string", "maxLength": 50}, "BACKWARD"
    )
    assert result.compatible
    [change] = result.changes
    assert change.kind == "max-length-increased"
    assert (change.breaks_backward, change.breaks_forward) == (False, True)
    assert result.breaking == []
    assert not check_compatibility(
        {"type": "string", "maxLength": 5}, {"type": "string", "maxLength": 50}, "FULL"
    ).compatible


def test_none_mode_lists_changes_but_is_always_compatible() -> None:
    result = check_compatibility({"type": "string"}, {"type": "integer"}, "NONE")
    assert result.compatible
    assert [c.kind for c in result.changes] == ["type-changed"]


def test_mode_names_are_case_insensitive() -> None:
    assert check_compatibility({}, {}, "full_transitive").mode == "FULL_TRANSITIVE"


def test_draft03_is_rejected() -> None:
    with pytest.raises(UsageError):
        compare({"$schema": "http://json-schema.org/draft-03/schema#"}, {})


def test_equivalence_ignores_annotations_but_not_widening() -> None:
    assert is_equivalent(
        {"type": "string", "format": "date"},
        {"type": "string", "format": "date-time", "description": "when", "x-pii": True},
    )
    assert not is_equivalent({"type": "string"}, {"type": ["string", "null"]})


def test_chain_changes_say_which_version_they_were_found_against() -> None:
    chain = [{"type": "string", "maxLength": 5}, {"type": "string"}, {"type": "string"}]
    result = check_chain(chain, "FORWARD_TRANSITIVE")
    assert not result.compatible
    assert [(c.kind, c.against) for c in result.changes] == [("max-length-increased", 0)]
    assert result.to_json()["changes"][0]["against"] == 0


def test_unprovable_message_names_the_keyword() -> None:
    change = _one(
        compare({"type": "object"}, {"type": "object", "propertyNames": {"maxLength": 3}}),
        "unprovable",
    )
    assert "propertyNames" in change.message
    assert change.breaks_backward and not change.breaks_forward


def test_recursive_schema_with_deep_change_terminates_and_reports() -> None:
    def tree(max_len: int) -> dict[str, Any]:
        return {
            "$defs": {
                "node": {
                    "type": "object",
                    "properties": {
                        "label": {"type": "string", "maxLength": max_len},
                        "kids": {"type": "array", "items": {"$ref": "#/$defs/node"}},
                        "parent": {"$ref": "#"},
                    },
                }
            },
            "$ref": "#/$defs/node",
        }

    change = _one(compare(tree(10), tree(20)), "max-length-increased")
    assert change.path == "/$defs/node/properties/label"
    assert check_compatibility(tree(10), tree(20), "BACKWARD_TRANSITIVE").compatible


# -- the reference page --------------------------------------------------------------------

_SECTION = re.compile(r"^### `([a-z-]+)`$", re.M)
_ROW = re.compile(r"^\| `(.+)` \| `(.+)` \| (breaks|ok) \| (breaks|ok) \|$", re.M)


def _doc_sections() -> dict[str, str]:
    text = DOCS.read_text(encoding="utf-8")
    parts = _SECTION.split(text)[1:]
    return dict(zip(parts[::2], parts[1::2], strict=True))


def test_docs_list_every_kind_once() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert sorted(_SECTION.findall(text)) == sorted(KINDS)
    assert "format` is treated as an annotation" in text.replace("**", "")


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_docs_example_matches_the_engine(kind: str) -> None:
    [(before, after, backward, forward)] = _ROW.findall(_doc_sections()[kind])
    changes = compare(json.loads(before), json.loads(after))
    assert kind in {c.kind for c in changes}
    assert any(c.breaks_backward for c in changes) == (backward == "breaks")
    assert any(c.breaks_forward for c in changes) == (forward == "breaks")


def test_unguarded_recursion_is_not_assumed() -> None:
    # Validators never finish on this schema, so co-induction must not "prove" anything.
    looping = {"anyOf": [{"$ref": "#"}, {"type": "string"}]}
    changes = compare({"type": "integer"}, looping)
    assert any(c.kind == "unprovable" and c.breaks_backward for c in changes)


def test_property_findings_point_at_the_declaration_not_the_ref_target() -> None:
    tree = {
        "$defs": {"n": {"type": "object", "properties": {"c": {"$ref": "#/$defs/n"}}}},
        "$ref": "#/$defs/n",
    }
    flat = {"type": "object", "properties": {"c": {"type": "object"}}}
    change = _one(compare(tree, flat), "property-removed")
    assert change.old_path == "/$defs/n/properties/c"
    assert change.breaks_forward and not change.breaks_backward


def test_malformed_schema_is_a_usage_error_not_a_traceback() -> None:
    with pytest.raises(UsageError, match=r"old schema is not valid JSON Schema: .* at /pattern"):
        compare({"type": "string", "pattern": ["x"]}, {"type": "string", "pattern": "y"})
