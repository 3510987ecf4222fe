"""What JSON Schema keywords mean to codegen: which are refused, which annotate, and the
IR of the scalar ones (strings, numbers, enums), as pure functions of a schema.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import jsonschema

from accord.codegen import model as m
from accord.codegen import runtime
from accord.codegen.patterns import PatternError, translate

ANNOTATIONS = frozenset({
    "$schema", "$id", "$comment", "$defs", "definitions", "title", "description", "examples",
    "default", "deprecated", "readOnly", "writeOnly", "contentMediaType", "contentEncoding",
})
UNSUPPORTED = frozenset({
    "not", "if", "then", "else", "dependentSchemas", "dependentRequired", "dependencies",
    "patternProperties", "contains", "minContains", "maxContains",
    "unevaluatedProperties", "unevaluatedItems", "prefixItems", "additionalItems",
    "$dynamicRef", "$recursiveRef", "$anchor", "$dynamicAnchor", "$recursiveAnchor",
    "contentSchema",
})
NOT_ON_CLASSES = UNSUPPORTED | {"propertyNames"}
BY_TYPE = {
    "string": frozenset({"minLength", "maxLength", "pattern", "format"}),
    "number": frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
                         "multipleOf"}),
    "object": frozenset({"properties", "required", "additionalProperties", "minProperties",
                         "maxProperties", "propertyNames"}),
    "array": frozenset({"items", "minItems", "maxItems", "uniqueItems"}),
}
TYPE_SPECIFIC = frozenset().union(*BY_TYPE.values())


def _format_checker() -> jsonschema.FormatChecker:
    """The formats generated code asserts, with the very functions it uses."""
    checker = jsonschema.FormatChecker(())
    for name, check in (("date-time", runtime.load_datetime), ("date", runtime.load_date),
                        ("uuid", runtime.load_uuid), ("decimal", runtime.load_decimal)):
        checker.checks(name, raises=runtime.ValidationError)(_on_strings(check))
    return checker


def _on_strings(check: Callable[[str], object]) -> Callable[[object], bool]:
    return lambda value: not isinstance(value, str) or check(value) is not None


FORMATS = _format_checker()
JSON_TYPES = ("null", "boolean", "object", "array", "number", "string")


class Unsupported(Exception):
    """A schema (at ``pointer``) that generated checks cannot reproduce exactly."""

    def __init__(self, pointer: str, message: str) -> None:
        super().__init__(message)
        self.pointer = pointer
        self.message = message


def string(schema: dict[str, Any], pointer: str) -> m.Str:
    pattern = schema.get("pattern")
    python_pattern = None
    if pattern is not None:
        if not isinstance(pattern, str):
            raise Unsupported(pointer, "pattern must be a string")
        try:
            python_pattern = translate(pattern)
        except PatternError as exc:
            raise Unsupported(f"{pointer}/pattern", f"pattern {pattern!r}: {exc}") from None
    fmt = schema.get("format")
    return m.Str(count(schema, "minLength", pointer), count(schema, "maxLength", pointer),
                 pattern, python_pattern, fmt if fmt in m.CONVERTED_FORMATS else None)


def names(schema: dict[str, Any], pointer: str) -> m.Str | None:
    """propertyNames, when it only constrains strings (keys always are)."""
    spec = schema.get("propertyNames", True)
    if spec is True:
        return None
    where = f"{pointer}/propertyNames"
    if not isinstance(spec, dict) or set(spec) - ANNOTATIONS - BY_TYPE["string"] - {
            "type"} or spec.get("type", "string") != "string":
        raise Unsupported(where, "propertyNames may only use string keywords")
    return string(spec, where)


def number(schema: dict[str, Any], integer: bool, pointer: str) -> m.Num:
    bounds: dict[str, float | None] = {}
    for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"):
        value = schema.get(key)
        if value is not None and (isinstance(value, bool)
                                  or not isinstance(value, int | float)):
            raise Unsupported(f"{pointer}/{key}", f"{key} must be a number")
        bounds[key] = value
    return m.Num(integer, bounds["minimum"], bounds["maximum"], bounds["exclusiveMinimum"],
                 bounds["exclusiveMaximum"], bounds["multipleOf"])


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    if isinstance(instance, str) and re.search(translate(pattern), instance, re.ASCII) is None:
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


# jsonschema reads `pattern` with Python's re; the contracts mean ECMA-262.
_ECMA = jsonschema.validators.extend(jsonschema.Draft202012Validator,
                                     {"pattern": _ecma_pattern})


def enum_values(schema: dict[str, Any], pointer: str) -> list[Any]:
    """The values an enum or const allows, deduplicated, filtered by its siblings."""
    values: list[Any] = [schema["const"]] if "const" in schema else list(schema["enum"])
    if "const" in schema and "enum" in schema:
        keys = {json_key(v) for v in schema["enum"]}
        values = [v for v in values if json_key(v) in keys]
    siblings = {k: v for k, v in schema.items()
                if k not in ANNOTATIONS and k not in ("enum", "const")}
    if siblings:
        if set(siblings) - TYPE_SPECIFIC - {"type"} or any(
                k in siblings for k in ("properties", "items", "additionalProperties")):
            raise Unsupported(pointer, "enum next to structural keywords is not supported")
        if set(siblings) == {"type"}:  # the common case, without building a validator
            wanted = siblings["type"]
            types = {wanted} if isinstance(wanted, str) else set(wanted)
            values = [v for v in values if value_types(v) & types]
        else:
            try:
                checker = _ECMA(siblings, format_checker=FORMATS)
                values = [v for v in values if checker.is_valid(v)]
            except PatternError as exc:
                raise Unsupported(pointer, f"pattern: {exc}") from None
    if all(isinstance(v, str) for v in values):
        values = list(dict.fromkeys(values))
    else:
        unique: dict[object, Any] = {}
        for value in values:
            unique.setdefault(json_key(value), value)
        values = list(unique.values())
    if not values:
        raise Unsupported(pointer, "this enum accepts no value")
    return values


def count(schema: Mapping[str, Any], key: str, pointer: str) -> int | None:
    value = schema.get(key)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise Unsupported(f"{pointer}/{key}", f"{key} must be a non-negative integer")
    return value


def value_types(value: Any) -> set[str]:
    """The JSON Schema types ``value`` belongs to (1.0 is an integer and a number)."""
    if value is None:
        return {"null"}
    if isinstance(value, bool):
        return {"boolean"}
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return {"integer", "number"}
    if isinstance(value, float):
        return {"number"}
    if isinstance(value, str):
        return {"string"}
    return {"array"} if isinstance(value, list) else {"object"}


def json_key(value: Any) -> object:
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, int | float):
        return ("n", value)
    if isinstance(value, str):
        return ("s", value)
    if value is None:
        return ("z",)
    if isinstance(value, list):
        return ("l", tuple(json_key(v) for v in value))
    return ("d", frozenset((k, json_key(v)) for k, v in value.items()))
