"""Finite value sets (enum, const, booleans, small integer ranges) and exact validation of them.

When one side accepts finitely many values, inclusion is decided exactly by validating each
value against the other side, which is cheaper and more precise than any structural rule.
"""

from __future__ import annotations

import json
from typing import Any

from accord.governance.compat.conj import IGNORED, Conj, json_type, number, types
from accord.governance.compat.numbers import lower, upper
from accord.validation import regex
from accord.validation.regex import PatternUnsupported

_SMALL_RANGE = 64
_FAST_KEYWORDS = frozenset(
    {
        "type", "enum", "const", "minLength", "maxLength", "pattern", "minimum", "maximum",
        "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
    }
) | (IGNORED - {"$ref", "allOf", "$id", "$anchor", "$dynamicAnchor"})  # fmt: skip
_TYPE_OK = {
    "null": ("null",),
    "boolean": ("boolean",),
    "object": ("object",),
    "array": ("array",),
    "string": ("string",),
    "integer": ("integer",),
    "fraction": (),
}


def canon(value: Any) -> Any:
    """A form where JSON-equal values are Python-equal and ``true`` differs from ``1``."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return (type(value).__name__, value)
    if isinstance(value, int | float):
        n = number(value)
        return ("n", n if n is not None else repr(value))
    if isinstance(value, list):
        return ("a", tuple(canon(v) for v in value))
    if isinstance(value, dict):
        return ("o", tuple(sorted((k, canon(v)) for k, v in value.items())))
    return ("?", repr(value))


def explicit_values(c: Conj) -> list[Any] | None:
    """The values A may take when some node has ``const`` or ``enum``; None when unbounded."""
    found: dict[Any, Any] | None = None
    for n in c.nodes:
        options: list[Any] | None = None
        if "const" in n.schema and c.doc.draft >= 6:
            options = [n.schema["const"]]
        elif isinstance(n.schema.get("enum"), list):
            options = n.schema["enum"]
        if options is None:
            continue
        keyed = {canon(v): v for v in options}
        found = keyed if found is None else {k: v for k, v in found.items() if k in keyed}
    if found is None:
        return None
    # Keep only values the whole conjunction accepts; when unsure, keep (a larger A is sound).
    return [v for v in found.values() if valid(v, c, on_error=True)]


def implicit_values(c: Conj) -> list[Any] | None:
    """Finite value sets implied by types alone: null, booleans, small integer ranges."""
    ts = types(c)
    if ts <= {"null", "boolean"}:
        out: list[Any] = [None] if "null" in ts else []
        if "boolean" in ts:
            out += [False, True]
        return [v for v in out if valid(v, c, on_error=True)]
    if ts == {"integer"}:
        lo, hi = lower(c, integral=True), upper(c, integral=True)
        if lo is None or hi is None or hi[0] - lo[0] > _SMALL_RANGE:
            return None
        values = range(int(lo[0]), int(hi[0]) + 1)
        return [v for v in values if valid(v, c, on_error=True)]
    return None


def valid(value: Any, c: Conj, *, on_error: bool) -> bool:
    """Whether ``value`` satisfies every node; ``on_error`` answers for broken refs."""
    if c.false:
        return False
    if c.bad_refs:
        return on_error
    for n in c.nodes:
        # Draft-04 validators do not count 1.0 as an integer: leave those to jsonschema.
        fast = _fast(value, n.schema, c.doc._cache) if c.doc.draft > 4 else None
        if fast is None:
            fast = c.doc.is_valid(value, n.schema, on_error)
        if not fast:
            return False
    return True


def _fast(value: Any, s: dict[str, Any], cache: dict[Any, Any]) -> bool | None:
    """Validate against the common scalar keywords without jsonschema; None if not simple."""
    for k in s:
        if k not in _FAST_KEYWORDS and not k.startswith("x-"):
            return None
    kind = json_type(value)
    t = s.get("type")
    if t is not None:
        names = [t] if isinstance(t, str) else t
        allowed = {"number"} if kind in ("integer", "fraction") else set()
        allowed.update(_TYPE_OK.get(kind, ()))
        if not isinstance(names, list) or not any(name in allowed for name in names):
            return False
    key = canon(value)
    if "const" in s and canon(s["const"]) != key:
        return False
    if "enum" in s:
        options = s["enum"]
        if not isinstance(options, list):
            return None
        # Large enums (currencies, countries) are probed once per value: hash them once.
        keys = cache.get(("enum", id(options)))
        if keys is None:
            keys = frozenset(canon(v) for v in options)
            cache[("enum", id(options))] = keys
        if key not in keys:
            return False
    if kind == "string":
        return _fast_string(value, s)
    if kind in ("integer", "fraction"):
        return _fast_number(value, s)
    return True


def _fast_string(value: str, s: dict[str, Any]) -> bool | None:
    if isinstance(s.get("minLength"), int) and len(value) < s["minLength"]:
        return False
    if isinstance(s.get("maxLength"), int) and len(value) > s["maxLength"]:
        return False
    pattern = s.get("pattern")
    if pattern is not None:
        try:
            return regex.search(pattern, value)
        except (PatternUnsupported, TypeError):
            return None
    return True


def _fast_number(value: Any, s: dict[str, Any]) -> bool | None:
    x = number(value)
    if x is None:
        return None
    for key, sign in (
        ("minimum", 1),
        ("maximum", -1),
        ("exclusiveMinimum", 2),
        ("exclusiveMaximum", -2),
    ):
        if key in s:
            bound = number(s[key])
            if bound is None:
                return None  # draft-04 boolean forms and odd values: let jsonschema decide
            below, above, equal = x < bound, x > bound, x == bound
            if (sign > 0 and below) or (sign < 0 and above) or (abs(sign) == 2 and equal):
                return False
    if "multipleOf" in s:
        m = number(s["multipleOf"])
        if m is None or m <= 0:
            return None
        if isinstance(value, float) or isinstance(s["multipleOf"], float):
            return None  # validators divide floats here; let jsonschema give its answer
        if (x / m).denominator != 1:
            return False
    return True


def dump_value(value: Any) -> str:
    """A short rendering of a value for messages."""
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= 40 else text[:37] + "..."
