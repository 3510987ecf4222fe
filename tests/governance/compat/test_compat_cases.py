"""The case table: verdicts from set semantics, with witnesses that prove the breaking ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from jsonschema.validators import validator_for

from accord.governance.compat import compare

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "cases.yaml").read_text(encoding="utf-8")
)
_MISSING = object()


def _valid(schema: Any, instance: Any) -> bool:
    cls = validator_for(schema, default=Draft202012Validator)
    return bool(cls(schema).is_valid(instance))


def _verdicts(case: dict[str, Any]) -> tuple[bool, bool, set[str]]:
    changes = compare(
        case["old"], case["new"], assume_absent=case.get("undeclared") == "assume-absent"
    )
    backward = not any(c.breaks_backward for c in changes)
    forward = not any(c.breaks_forward for c in changes)
    return backward, forward, {c.kind for c in changes}


def test_table_is_large_and_ids_unique() -> None:
    ids = [c["id"] for c in CASES]
    assert len(ids) >= 150
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_verdict(case: dict[str, Any]) -> None:
    backward, forward, kinds = _verdicts(case)
    conservative = set(case.get("conservative", []))
    # Where the engine cannot prove a true inclusion it must say "incompatible", never more.
    assert backward == (case["backward"] and "backward" not in conservative), kinds
    assert forward == (case["forward"] and "forward" not in conservative), kinds
    assert set(case.get("kinds", [])) <= kinds


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if "bw_witness" in c or "fw_witness" in c],
    ids=[c["id"] for c in CASES if "bw_witness" in c or "fw_witness" in c],
)
def test_witness_proves_the_break(case: dict[str, Any]) -> None:
    for key, direction, source, target in (
        ("bw_witness", "backward", "old", "new"),
        ("fw_witness", "forward", "new", "old"),
    ):
        witness = case.get(key, _MISSING)
        if witness is _MISSING:
            continue
        assert case[direction] is False
        assert _valid(case[source], witness), f"{key} must be valid under {source}"
        assert not _valid(case[target], witness), f"{key} must be invalid under {target}"


def test_every_incompatible_case_has_a_witness_or_reason() -> None:
    unproven = [
        c["id"]
        for c in CASES
        for d, key in (("backward", "bw_witness"), ("forward", "fw_witness"))
        if c[d] is False and key not in c and not {"ref-unresolvable"} & set(c.get("kinds", []))
    ]
    assert unproven == []


def test_changes_are_deterministic() -> None:
    for case in CASES[::7]:
        first = compare(case["old"], case["new"])
        assert compare(case["old"], case["new"]) == first
