"""`unevaluatedProperties` with patterns matched by the regex policy (RE2).

jsonschema's own implementation matches `patternProperties` with Python's `re`, which
backtracks; this one follows the same rules of 2020-12 (§11.3: a property is evaluated
when an adjacent or in-place applicator that succeeded evaluated it) and matches through
`accord.validation.regex`, so that it ends in linear time on any pattern.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from jsonschema import ValidationError

from accord.validation import regex
from accord.validation.regex import PatternUnsupported


def _passes(validator: Any, instance: Any, schema: Any) -> bool:
    return next(validator.descend(instance, schema), None) is None


def _follow(validator: Any, instance: Any, ref: str) -> set[str]:
    resolved = validator._resolver.lookup(ref)
    inner = validator.evolve(schema=resolved.contents, _resolver=resolved.resolver)
    return evaluated(inner, instance, resolved.contents)


def evaluated(validator: Any, instance: dict[str, Any], schema: Any) -> set[str]:
    """The names of ``instance``'s properties that ``schema`` evaluates."""
    if not isinstance(schema, dict):
        return set()
    names: set[str] = set()
    for key in ("$ref", "$dynamicRef"):
        if isinstance(schema.get(key), str):
            names |= _follow(validator, instance, schema[key])
    declared = schema.get("properties")
    if isinstance(declared, dict):
        names |= declared.keys() & instance.keys()
    for key in ("additionalProperties", "unevaluatedProperties"):
        if key in schema:
            names |= {n for n, v in instance.items() if _passes(validator, v, schema[key])}
    patterns = schema.get("patternProperties")
    if isinstance(patterns, dict):
        for pattern in patterns:
            # An unsupported pattern evaluates nothing: left to unevaluatedProperties.
            with contextlib.suppress(PatternUnsupported):
                names |= {n for n in instance if regex.search(pattern, n)}
    dependent = schema.get("dependentSchemas")
    if isinstance(dependent, dict):
        for name, sub in dependent.items():
            if name in instance:
                names |= evaluated(validator, instance, sub)
    for key in ("allOf", "oneOf", "anyOf"):
        for sub in schema.get(key, ()) if isinstance(schema.get(key), list) else ():
            if _passes(validator, instance, sub):
                names |= evaluated(validator, instance, sub)
    if "if" in schema:
        if validator.evolve(schema=schema["if"]).is_valid(instance):
            names |= evaluated(validator, instance, schema["if"])
            if "then" in schema:
                names |= evaluated(validator, instance, schema["then"])
        elif "else" in schema:
            names |= evaluated(validator, instance, schema["else"])
    return names


def unevaluated_properties(validator: Any, extra: Any, instance: Any,
                           schema: Any) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    seen = evaluated(validator, instance, schema)
    bad = [name for name in instance if name not in seen
           and not _passes(validator.evolve(schema=extra), instance[name], extra)]
    if bad:
        listed = ", ".join(repr(n) for n in sorted(bad))
        verb = "was" if len(bad) == 1 else "were"
        if extra is False:
            yield ValidationError(f"Unevaluated properties are not allowed ({listed} {verb} "
                                  "unexpected)")
        else:
            yield ValidationError(f"Unevaluated properties are not valid under the given "
                                  f"schema ({listed} {verb} unevaluated and invalid)")
