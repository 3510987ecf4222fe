"""jsonschema validators confined to the schema itself: no network, no files.

A contract's schema arrives bundled (every shared `$ref` is under `$defs`), so a validator
never needs another resource. jsonschema's default, when a reference names an unknown URI,
is to fetch it over the network (with a deprecation warning) or to follow `file://`;
from a pull request's contract that is a request to any host, or a read of any file.
Every validator Accord builds gets `CLOSED` as its registry, whose retrieval refuses.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import referencing
import referencing.exceptions
from jsonschema import Draft202012Validator, ValidationError, validators
from jsonschema.validators import validator_for

from accord.validation import regex
from accord.validation.regex import PatternUnsupported
from accord.validation.unevaluated import unevaluated_properties

NotFetched = referencing.exceptions.NoSuchResource
"""A reference to a resource outside the schema: Accord never fetches one."""


def _refuse(uri: str) -> referencing.Resource[Any]:
    raise NotFetched(ref=uri)  # type: ignore[call-arg]


CLOSED: referencing.Registry[Any] = referencing.Registry(retrieve=_refuse)  # type: ignore[call-arg]


def _search(pattern: str, text: str) -> bool | str:
    """True/False, or why the pattern cannot be evaluated (which never passes)."""
    try:
        return regex.search(pattern, text)
    except PatternUnsupported as exc:
        return exc.message


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    if not validator.is_type(instance, "string"):
        return
    hit = _search(pattern, instance)
    if isinstance(hit, str):
        yield ValidationError(f"{hit}; not evaluated, so not accepted")
    elif not hit:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(validator: Any, patterns: Any, instance: Any,
                        schema: Any) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for name, value in instance.items():
            hit = _search(pattern, name)
            if isinstance(hit, str):
                yield ValidationError(f"{hit}; not evaluated, so not accepted")
                return
            if hit:
                yield from validator.descend(value, subschema, path=name,
                                             schema_path=pattern)


def _additional_properties(validator: Any, extra_schema: Any, instance: Any,
                           schema: Any) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    declared = schema.get("properties", {})
    patterns = list(schema.get("patternProperties", {}))
    extras = [name for name in instance if name not in declared]
    if patterns and extras:
        kept = []
        for name in extras:
            hits = [_search(p, name) for p in patterns]
            if any(isinstance(h, str) for h in hits):
                yield ValidationError("a patternProperties pattern cannot be evaluated; "
                                      "not accepted")
                return
            if not any(hits):
                kept.append(name)
        extras = kept
    if validator.is_type(extra_schema, "object"):
        for name in extras:
            yield from validator.descend(instance[name], extra_schema, path=name)
    elif not extra_schema and extras:
        listed = ", ".join(repr(n) for n in sorted(extras))
        yield ValidationError(f"Additional properties are not allowed ({listed} "
                              f"{'was' if len(extras) == 1 else 'were'} unexpected)")


_LINEAR = {"pattern": _pattern, "patternProperties": _pattern_properties,
           "additionalProperties": _additional_properties}
_LINEAR_2020 = {**_LINEAR, "unevaluatedProperties": unevaluated_properties}
_EXTENDED: dict[Any, Any] = {}


def _linear(cls: Any) -> Any:
    """``cls`` with every keyword that runs a regex running it through RE2."""
    extended = _EXTENDED.get(cls)
    if extended is None:
        keywords = _LINEAR_2020 if "unevaluatedProperties" in cls.VALIDATORS else _LINEAR
        extended = _EXTENDED[cls] = validators.extend(cls, keywords)
    return extended


def closed_validator(schema: Any, *, format_checker: Any = None) -> Any:
    """A jsonschema validator for ``schema`` (its `$schema`, else 2020-12) that resolves
    references only inside ``schema`` and evaluates patterns in linear time."""
    cls = _linear(validator_for(schema, default=Draft202012Validator))
    if format_checker is None:
        return cls(schema, registry=CLOSED)
    return cls(schema, registry=CLOSED, format_checker=format_checker)
