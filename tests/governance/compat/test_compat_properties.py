"""Laws of the engine, checked on generated schemas and generated instances.

Schemas come from a small random generator over the supported keywords, and pairs from
mutating one keyword (tightening or loosening it), so both verdicts occur. Instances come
from hypothesis-jsonschema's ``from_schema`` (hypothesis is pinned below 6.170.10 because
hypothesis-jsonschema 0.23.1 breaks on object schemas from that release on).
"""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis_jsonschema import from_schema
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from accord.errors import UsageError
from accord.governance.compat import (
    KINDS,
    MODES,
    check_chain,
    check_compatibility,
    check_history,
    compare,
    is_equivalent,
)

NAMES = ["a", "b", "c"]
PATTERNS = ["^[a-z]+$", "^[0-9]*$", "x"]
STRINGS = ["", "a", "bb", "x1", "zzz"]


# -- a random schema generator -------------------------------------------------------------


def gen_schema(
    r: random.Random, depth: int = 2, refs: bool = False, combinators: bool = True
) -> Any:
    """A schema over the supported keywords; ``refs`` allows ``#/$defs/d`` references."""
    roll = r.random()
    if refs and roll < 0.08:
        return {"$ref": "#/$defs/d"}
    if depth <= 0 or roll < 0.45:
        return _leaf(r)
    if roll < 0.7 or (not combinators and roll < 0.85):
        return _object(r, depth, refs, combinators)
    if roll < 0.85 or not combinators:
        return _array(r, depth, refs, combinators)
    kw = r.choice(["anyOf", "oneOf", "allOf"])
    return {kw: [gen_schema(r, depth - 1, refs) for _ in range(r.randint(1, 3))]}


def _leaf(r: random.Random) -> Any:
    pick = r.randrange(9)
    if pick == 0:
        s: dict[str, Any] = {"type": "string"}
        if r.random() < 0.5:
            s["minLength"] = r.randint(0, 3)
        if r.random() < 0.5:
            s["maxLength"] = r.randint(2, 6)
        if r.random() < 0.2:
            s["pattern"] = r.choice(PATTERNS)
        return s
    if pick in (1, 2):
        s = {"type": r.choice(["integer", "number"])}
        for kw in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            if r.random() < 0.3:
                s[kw] = r.choice([-2, 0, 0.5, 1, 3, 10])
        if r.random() < 0.25:
            s["multipleOf"] = r.choice([1, 2, 3, 0.5])
        return s
    if pick == 3:
        return {"enum": r.sample([*STRINGS, 0, 1, 2.5, None, True], r.randint(1, 4))}
    if pick == 4:
        return {"const": r.choice([*STRINGS, 1, None, False])}
    if pick == 5:
        return {"type": r.sample(["string", "integer", "null", "boolean"], r.randint(1, 3))}
    if pick == 6:
        return {"type": r.choice(["boolean", "null"])}
    if pick == 7:
        return r.choice(
            [True, {}, {"not": {"type": "string"}}, {"type": "string", "format": "email"}]
        )
    return {"type": "string", "enum": r.sample(STRINGS, 2)}


def _object(r: random.Random, depth: int, refs: bool, combinators: bool) -> dict[str, Any]:
    names = r.sample(NAMES, r.randint(0, 3))
    s: dict[str, Any] = {"type": "object"}
    if names:
        s["properties"] = {n: gen_schema(r, depth - 1, refs, combinators) for n in names}
        if r.random() < 0.6:
            s["required"] = r.sample(names, r.randint(0, len(names)))
    pick = r.random()
    if pick < 0.3:
        s["additionalProperties"] = False
    elif pick < 0.4:
        s["additionalProperties"] = _leaf(r)
    elif pick < 0.5:
        s["patternProperties"] = {"^x": _leaf(r)}
    if r.random() < 0.15:
        s["maxProperties"] = r.randint(1, 3)
    if r.random() < 0.1 and len(names) >= 2:
        s["dependentRequired"] = {names[0]: [names[1]]}
    return s


def _array(r: random.Random, depth: int, refs: bool, combinators: bool) -> dict[str, Any]:
    s: dict[str, Any] = {"type": "array"}
    if r.random() < 0.3:
        s["prefixItems"] = [
            gen_schema(r, depth - 1, refs, combinators) for _ in range(r.randint(1, 2))
        ]
    if r.random() < 0.7:
        s["items"] = gen_schema(r, depth - 1, refs, combinators) if r.random() < 0.85 else False
    if r.random() < 0.3:
        s["minItems"] = r.randint(0, 2)
    if r.random() < 0.3:
        s["maxItems"] = r.randint(1, 4)
    if r.random() < 0.15:
        s["uniqueItems"] = True
    return s


def gen_root(r: random.Random) -> Any:
    if r.random() < 0.2:
        root = gen_schema(r, 2, refs=True)
        if not isinstance(root, dict):
            root = {"allOf": [root]}
        return {**root, "$defs": {"d": gen_schema(r, 1)}}
    return gen_schema(r, 2)


# -- mutations: tighten or loosen one keyword somewhere -------------------------------------


def _nodes(schema: Any, out: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every schema object (not keyword containers such as ``properties``) in the tree."""
    if not isinstance(schema, dict):
        return out
    out.append(schema)
    for key, value in schema.items():
        if key in ("properties", "patternProperties", "$defs") and isinstance(value, dict):
            for sub in value.values():
                _nodes(sub, out)
        elif key in ("items", "additionalProperties", "not"):
            _nodes(value, out)
        elif key in ("anyOf", "allOf", "oneOf", "prefixItems") and isinstance(value, list):
            for sub in value:
                _nodes(sub, out)
    return out


def mutate(schema: Any, r: random.Random) -> Any:
    new = copy.deepcopy(schema)
    if not isinstance(new, dict):
        return r.choice([{}, {"type": "string"}, not new])
    node = r.choice(_nodes(new, []))
    pick = r.randrange(12)
    if pick == 0:
        kw = r.choice(["minLength", "maxLength", "minItems", "maxItems", "maxProperties"])
        node[kw] = max(0, node.get(kw, 2) + r.choice([-1, 1]))
    elif pick == 1:
        kw = r.choice(["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"])
        node[kw] = node.get(kw, 0) + r.choice([-1, 0.5, 1])
    elif pick == 2 and node:
        node.pop(r.choice(sorted(node)))
    elif pick == 3:
        t = node.get("type", [])
        types = [t] if isinstance(t, str) else list(t)
        extra = r.choice(["string", "integer", "number", "null", "object", "array"])
        node["type"] = [*types, extra] if extra not in types else [x for x in types if x != extra]
        if not node["type"]:
            del node["type"]  # an empty type list is not a valid schema
    elif pick == 4 and isinstance(node.get("enum"), list):
        values = node["enum"]
        node["enum"] = values[1:] if len(values) > 1 and r.random() < 0.5 else [*values, "new"]
    elif pick == 5:
        props = node.setdefault("properties", {})
        name = r.choice(NAMES)
        if name in props:
            del props[name]
        else:
            props[name] = _leaf(r)
    elif pick == 6:
        req = node.get("required", [])
        name = r.choice(NAMES)
        node["required"] = [n for n in req if n != name] if name in req else [*req, name]
    elif pick == 7:
        node["additionalProperties"] = r.choice([True, False, {"type": "string"}])
    elif pick == 8:
        node["pattern"] = r.choice(PATTERNS)
    elif pick == 9:
        node["multipleOf"] = r.choice([1, 2, 0.5])
    elif pick == 10:
        union = node.get("anyOf")
        if isinstance(union, list) and len(union) > 1:
            union.pop()
        else:
            node["anyOf"] = [{"type": "null"}, copy.deepcopy({k: v for k, v in node.items()})]
    else:
        node["uniqueItems"] = not node.get("uniqueItems", False)
    return new


def annotate(schema: Any) -> Any:
    """The same schema with annotations on its nodes: equal meaning, different bytes."""
    if isinstance(schema, dict):
        out = {
            k: (
                [annotate(x) for x in v]
                if k in ("anyOf", "allOf", "prefixItems") and isinstance(v, list)
                else v
                if k in ("enum", "const", "oneOf", "not", "$defs")
                else {n: annotate(x) for n, x in v.items()}
                if k in ("properties", "patternProperties") and isinstance(v, dict)
                else annotate(v)
                if k in ("items", "additionalProperties")
                else v
            )
            for k, v in schema.items()
        }
        out["description"] = "annotated"
        return out
    return schema


# -- the laws ------------------------------------------------------------------------------

randoms = st.randoms(use_true_random=False)
schemas = randoms.map(gen_root)
pairs = randoms.map(lambda r: (lambda a: (a, mutate(a, r)))(gen_root(r)))
_FAST = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))

RECURSIVE = {
    "$defs": {"n": {"type": "object", "properties": {"next": {"$ref": "#/$defs/n"}}}},
    "$ref": "#/$defs/n",
}
# Pairs the engine proves included that once looked like traps (numeric spellings, integers).
EDGE_INCLUSIONS = [
    ({"type": "integer", "minimum": 1}, {"type": "integer", "exclusiveMinimum": 0}),
    ({"type": "integer"}, {"type": "number", "multipleOf": 1}),
    ({"const": 1}, {"const": 1.0}),
    ({"type": "integer"}, {"type": "integer", "multipleOf": 0.5}),
    ({"type": ["string", "null"]}, {"anyOf": [{"type": "null"}, {"type": "string"}]}),
    ({"type": "array", "items": False}, {"type": "array", "maxItems": 0}),
    ({"enum": [1, 2, 3]}, {"type": "integer", "minimum": 1, "maximum": 3}),
    (
        {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": False},
        {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}},
    ),
]


@_FAST
@given(schemas)
@example(True)
@example(False)
@example(RECURSIVE)
@example({"oneOf": [{"type": "number"}, {"type": "integer"}]})
@example({"type": "string", "pattern": "^(a|b)+$", "not": {"const": "ab"}})
@example({"type": "object", "patternProperties": {"^x": {"type": "string"}, "^y": {}}})
def test_every_schema_is_full_compatible_with_itself(schema: Any) -> None:
    assert check_compatibility(schema, copy.deepcopy(schema), "FULL").compatible
    assert is_equivalent(schema, schema)


@_FAST
@given(randoms)
def test_annotations_never_change_a_verdict(r: random.Random) -> None:
    schema = gen_schema(r, 2)
    result = check_compatibility(schema, annotate(schema), "FULL")
    assert result.compatible, [c.to_json() for c in result.changes]


def _inline(schema: Any, defs: Any = None) -> Any:
    """Replace ``#/$defs/d`` refs by their (non-recursive) target, for hypothesis-jsonschema."""
    if defs is None:
        defs = schema.get("$defs", {}) if isinstance(schema, dict) else {}
    if isinstance(schema, list):
        return [_inline(x, defs) for x in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _inline(v, defs) for k, v in schema.items() if k not in ("$ref", "$defs")}
    if "$ref" in schema:
        target = _inline(defs[schema["$ref"].rsplit("/", 1)[1]], defs)
        return {"allOf": [target, out]} if out else target
    return out


def _sample_inclusion(data: st.DataObject, sub: Any, sup: Any) -> None:
    try:
        strategy = from_schema(_inline(sub))
        if strategy.is_empty:
            return
    except Exception:  # hypothesis-jsonschema cannot build this one (e.g. minLength > maxLength)
        return
    # hypothesis-jsonschema follows draft-07 (no prefixItems, ...): keep only true instances.
    source, target = Draft202012Validator(sub), Draft202012Validator(sup)
    for _ in range(3):
        try:
            instance = data.draw(strategy)
        except (InvalidArgument, SchemaError):  # e.g. minLength > maxLength: nothing to draw
            return
        if source.is_valid(instance):
            assert target.is_valid(instance), (sub, sup, instance)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(pairs, st.data())
def test_proven_inclusion_holds_on_sampled_instances(
    pair: tuple[Any, Any], data: st.DataObject
) -> None:
    a, b = pair
    changes = compare(a, b)
    if not any(c.breaks_backward for c in changes):
        _sample_inclusion(data, a, b)
    if not any(c.breaks_forward for c in changes):
        _sample_inclusion(data, b, a)


def close(schema: Any) -> Any:
    """What producers send under ``assume-absent``: every absent additionalProperties is false.

    Faithful for schemas without combinators or refs (one node per object), which is what
    the strategy below generates.
    """
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in ("properties", "patternProperties"):
            out[key] = {name: close(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties"):
            out[key] = close(value)
        elif key == "prefixItems":
            out[key] = [close(sub) for sub in value]
        else:
            out[key] = value
    out.setdefault("additionalProperties", False)
    return out


plain_pairs = randoms.map(
    lambda r: (lambda a: (a, mutate(a, r)))(gen_schema(r, 3, combinators=False))
)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(plain_pairs, st.data())
def test_assume_absent_inclusion_holds_for_closed_producers(
    pair: tuple[Any, Any], data: st.DataObject
) -> None:
    a, b = pair
    changes = compare(a, b, assume_absent=True)
    # The producing side sends only declared properties; the reading side is as written.
    if not any(c.breaks_backward for c in changes):
        _sample_inclusion(data, close(a), b)
    if not any(c.breaks_forward for c in changes):
        _sample_inclusion(data, close(b), a)


@pytest.mark.parametrize(("sub", "sup"), EDGE_INCLUSIONS)
def test_edge_case_inclusions_hold(sub: Any, sup: Any) -> None:
    assert check_compatibility(sub, sup, "BACKWARD").compatible
    validator = Draft202012Validator(sup)

    @settings(max_examples=30, deadline=None)
    @given(from_schema(copy.deepcopy(sub)))
    def holds(instance: Any) -> None:
        assert validator.is_valid(instance)

    holds()


def test_mutations_produce_both_verdicts() -> None:
    r = random.Random(7)
    outcomes = set()
    for _ in range(300):
        a = gen_root(r)
        changes = compare(a, mutate(a, r))
        outcomes.add(not any(c.breaks_backward for c in changes))
    assert outcomes == {True, False}


@_FAST
@given(randoms)
def test_kinds_are_catalogued_and_results_deterministic(r: random.Random) -> None:
    a = gen_root(r)
    b = mutate(a, r)
    first = compare(a, b)
    assert compare(copy.deepcopy(a), copy.deepcopy(b)) == first
    assert {c.kind for c in first} <= KINDS.keys()
    for c in first:
        assert c.breaks_backward or c.breaks_forward
        assert c.path == (c.new_path if c.new_path is not None else c.old_path or "")


# -- levels and chains ---------------------------------------------------------------------


@_FAST
@given(randoms)
def test_chain_levels_agree_with_pairwise_checks(r: random.Random) -> None:
    v1 = gen_root(r)
    v2 = mutate(v1, r)
    v3 = mutate(v2, r)
    chain = [v1, v2, v3]
    for base in ("BACKWARD", "FORWARD", "FULL"):
        pairwise = [check_compatibility(v, v3, base).compatible for v in (v1, v2)]
        assert check_chain(chain, base).compatible == pairwise[1]
        assert check_chain(chain, base + "_TRANSITIVE").compatible == all(pairwise)
        if check_chain(chain, base + "_TRANSITIVE").compatible:
            assert check_chain(chain, base).compatible
    assert check_chain(chain, "NONE").compatible


@pytest.mark.parametrize(
    ("chain", "mode"),
    [
        # v2 came in under NONE; v3 follows v2 but cannot read v1's data.
        ([{"type": "integer"}, {"type": "string"}, {"type": ["string", "null"]}], "BACKWARD"),
        # v3 equals v2, but its longer strings are ones v1's consumers reject.
        (
            [
                {"type": "string", "maxLength": 5},
                {"type": "string", "maxLength": 10},
                {"type": "string", "maxLength": 10, "minLength": 0},
            ],
            "FORWARD",
        ),
        (
            [
                {"type": "object", "properties": {"a": {"type": "string"}}},
                {"type": "object", "properties": {"a": {"type": "integer"}}},
                {"type": "object", "properties": {"a": {"type": "integer"}}},
            ],
            "FULL",
        ),
    ],
)
def test_transitive_rejects_what_latest_only_accepts(chain: list[Any], mode: str) -> None:
    assert check_chain(chain, mode).compatible
    result = check_chain(chain, mode + "_TRANSITIVE")
    assert not result.compatible
    assert {c.against for c in result.breaking} == {0}


def test_history_checks_each_version_against_its_predecessors() -> None:
    chain = [{"type": "string"}, {"type": ["string", "null"]}, {"type": "string"}]
    verdicts = [r.compatible for r in check_history(chain, "BACKWARD")]
    assert verdicts == [True, False]
    assert [r.compatible for r in check_history(chain, "FORWARD_TRANSITIVE")] == [False, True]


def test_modes_and_policy_are_validated() -> None:
    assert set(MODES) == {
        "NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE",
        "FULL", "FULL_TRANSITIVE",
    }  # fmt: skip
    with pytest.raises(UsageError):
        check_compatibility({}, {}, "SIDEWAYS")
    with pytest.raises(UsageError):
        check_compatibility({}, {}, undeclared_properties="lenient")
    with pytest.raises(UsageError):
        check_chain([{}, {}], "SIDEWAYS")
    with pytest.raises(UsageError):
        check_compatibility([], {})  # type: ignore[arg-type]


def test_result_json_shape() -> None:
    result = check_compatibility(
        {"type": "string", "maxLength": 10}, {"type": "string", "maxLength": 5}, "FULL"
    )
    payload = result.to_json()
    assert payload["compatible"] is False
    assert payload["mode"] == "FULL"
    [change] = payload["changes"]
    assert {"kind", "path", "breaks_backward", "breaks_forward", "message"} <= change.keys()
    assert change["kind"] == "max-length-decreased"
    assert change["breaks_backward"] is True
    assert change["breaks_forward"] is False
    assert "fix" in change
