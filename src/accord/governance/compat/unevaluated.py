"""`unevaluated*` where the evaluated set is static: rewritten to the keyword it equals.

In a schema object with no in-place applicator (`$ref`, `allOf`, `anyOf`, `oneOf`, `if`,
`dependentSchemas`, `$dynamicRef`), what `properties`, `patternProperties` and
`additionalProperties` evaluate is all there is: `unevaluatedProperties: X` then means
`additionalProperties: X`, and is vacuous beside an `additionalProperties`. Likewise
`unevaluatedItems: X` is `items: X` (after any `prefixItems`) when there is no `contains`
(which evaluates items too). The annotations the rewritten keyword produces are the same,
so schemas around it see no difference. The engine models `additionalProperties` and
`items`; elsewhere `unevaluated*` stays, and stays unprovable unless mirrored.
"""

from __future__ import annotations

from typing import Any

_IN_PLACE = frozenset({"$ref", "$dynamicRef", "$recursiveRef", "allOf", "anyOf", "oneOf",
                       "if", "then", "else", "dependentSchemas", "dependencies"})
_VALUES = frozenset({"enum", "const", "examples", "default"})


def static_unevaluated(schema: Any) -> Any:
    """``schema`` with each static `unevaluated*` rewritten (a new object; unchanged parts
    are shared)."""
    if isinstance(schema, list):
        return [static_unevaluated(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: v if k in _VALUES else static_unevaluated(v) for k, v in schema.items()}
    if _IN_PLACE.isdisjoint(out):
        if "unevaluatedProperties" in out:
            extra = out.pop("unevaluatedProperties")
            out.setdefault("additionalProperties", extra)
        if "unevaluatedItems" in out and "contains" not in out:
            extra = out.pop("unevaluatedItems")
            out.setdefault("items", extra)
    return out
