"""Soundness of the inclusions proven for issue 21 (`not` by contraposition, `contains`
monotonicity, `dependentSchemas`, `if`/`then`/`else`, static `unevaluated*`): whenever the
engine calls a pair BACKWARD compatible, no instance valid under the old schema is rejected
by the new one, under python-jsonschema as the reference, on many small random instances
over the vocabulary the schemas use."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from accord.governance.compat import check_compatibility

_LEAVES: list[Any] = [
    {}, True, False, {"type": "string"}, {"type": "integer"}, {"type": "number"},
    {"const": "a"}, {"enum": ["a", "b"]}, {"minimum": 1}, {"required": ["a"]},
    {"properties": {"a": {"type": "string"}}}, {"type": "object", "required": ["b"]},
    {"properties": {"kind": {"const": "a"}}, "required": ["kind"]},
]


def _leaf(r: random.Random) -> Any:
    return r.choice(_LEAVES)


def _schema(r: random.Random) -> Any:
    pick = r.randrange(7)
    if pick == 0:
        return {"not": _leaf(r)}
    if pick == 1:
        out: dict[str, Any] = {"type": "array", "contains": _leaf(r)}
        if r.random() < 0.6:
            out["minContains"] = r.randrange(3)
        if r.random() < 0.4:
            out["maxContains"] = r.randrange(1, 4)
        return out
    if pick == 2:
        return {"type": "object", "dependentSchemas": {
            r.choice("ab"): _leaf(r) for _ in range(r.randrange(3))}}
    if pick == 3:
        out = {"if": _leaf(r)}
        for key in ("then", "else"):
            if r.random() < 0.7:
                out[key] = _leaf(r)
        return out
    if pick == 4:
        return {"type": "object", "properties": {"a": _leaf(r), "b": _leaf(r)},
                "unevaluatedProperties": r.choice([False, {"type": "string"}, True])}
    if pick == 5:
        return {"type": "array", "prefixItems": [_leaf(r)],
                "unevaluatedItems": r.choice([False, {"type": "integer"}, True])}
    return {"allOf": [_schema_leafish(r), _schema_leafish(r)]}


def _schema_leafish(r: random.Random) -> Any:
    return _leaf(r) if r.random() < 0.5 else {"not": _leaf(r)}


def _pair(r: random.Random) -> tuple[Any, Any]:
    old = _schema(r)
    if r.random() < 0.5:
        return old, _schema(r)
    # A close relative: the same construct with one part redrawn.
    new = dict(old) if isinstance(old, dict) else old
    keys = sorted(k for k in new if k in _REDRAWN) if isinstance(new, dict) else []
    if keys:
        key = r.choice(keys)
        new[key] = _REDRAWN[key](r)
    return old, new


_REDRAWN: dict[str, Any] = {
    "not": _leaf, "contains": _leaf, "if": _leaf, "then": _leaf, "else": _leaf,
    "minContains": lambda r: r.randrange(3), "maxContains": lambda r: r.randrange(1, 4),
    "dependentSchemas": lambda r: {r.choice("ab"): _leaf(r) for _ in range(r.randrange(3))},
    "unevaluatedProperties": lambda r: r.choice([False, {"type": "string"}, True]),
    "unevaluatedItems": lambda r: r.choice([False, {"type": "integer"}, True]),
    "prefixItems": lambda r: [_leaf(r)],
}


def _value(r: random.Random, depth: int = 0) -> Any:
    pick = r.randrange(9 if depth < 2 else 6)
    if pick == 0:
        return None
    if pick == 1:
        return r.choice([True, False])
    if pick == 2:
        return r.choice([0, 1, 2, -1])
    if pick == 3:
        return r.choice([1.5, 2.0])
    if pick in (4, 5):
        return r.choice(["a", "b", "", "card"])
    if pick in (6, 7):
        return [_value(r, depth + 1) for _ in range(r.randrange(4))]
    return {k: _value(r, depth + 1) for k in r.sample(["a", "b", "kind", "c"], r.randrange(4))}


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.randoms(use_true_random=False))
def test_a_proven_inclusion_holds_on_random_instances(r: random.Random) -> None:
    old, new = _pair(r)
    if not check_compatibility(old, new, "BACKWARD").compatible:
        return
    before, after = Draft202012Validator(old), Draft202012Validator(new)
    for _ in range(300):
        instance = _value(r)
        if before.is_valid(instance):
            assert after.is_valid(instance), (old, new, instance)
