"""Support code copied verbatim into every generated package as ``_runtime.py``.

Standard library only: generated checks call these small helpers, but never walk a schema
at run time. Values parsed from formatted strings (date-time, date, uuid, decimal) are
subclasses that remember the text they came from, so that ``to_dict`` gives back exactly
the payload, while a value a producer builds itself is formatted afresh.
"""

from __future__ import annotations

import datetime as _dt
import decimal as _decimal
import enum
import importlib
import json
import re
import uuid as _uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Final, TypeAlias

from accord.validation.compiler import (
    FORMATS,
    Compiled,
    compile_schema,
    is_decimal,
    is_multiple,
    is_uuid,
    json_key,
    parse_date,
    parse_datetime,
)

JsonValue: TypeAlias = "dict[str, JsonValue] | list[JsonValue] | str | int | float | bool | None"
Segment: TypeAlias = "str | int"


class Absent(enum.Enum):
    """The marker of a property that is absent, where null is a value of its own."""

    ABSENT = "ABSENT"

    def __repr__(self) -> str:
        return "ABSENT"

    def __bool__(self) -> bool:
        return False


ABSENT: Final = Absent.ABSENT


class ValidationError(ValueError):
    """A payload breaks its contract: ``path`` says where, ``rule`` which keyword."""

    def __init__(self, rule: str, message: str, path: Sequence[Segment] = ()) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.segments: list[Segment] = list(path)

    def within(self, segment: Segment) -> ValidationError:
        """Prefix the path with ``segment`` (called on the way out of a nested check)."""
        self.segments.insert(0, segment)
        return self

    @property
    def path(self) -> str:
        """The JSON path of the offending value, e.g. ``$.items[0].sku``."""
        out = "$"
        for segment in self.segments:
            if isinstance(segment, int):
                out += f"[{segment}]"
            elif segment.isidentifier():
                out += f".{segment}"
            else:
                out += f"[{segment!r}]"
        return out

    def __str__(self) -> str:
        return f"{self.path}: {self.rule}: {self.message}"


def fail(rule: str, message: str) -> ValidationError:
    return ValidationError(rule, message)


def missing(key: str) -> ValidationError:
    return ValidationError("required", f"missing required property {key!r}")


def extra(data: dict[str, Any], known: frozenset[str]) -> ValidationError:
    unknown = sorted((k for k in data if k not in known), key=repr)  # keys may not be str
    return ValidationError("additionalProperties", f"unexpected property {unknown[0]!r}",
                           [unknown[0]])


def undeclared(data: dict[str, Any], known: frozenset[str]) -> dict[str, Any]:
    """The properties of ``data`` the schema does not declare."""
    return {k: v for k, v in data.items() if k not in known}


# -- scalars ---------------------------------------------------------------------------


def as_int(value: object) -> int:
    """JSON Schema's integer: an int that is not a bool, or a float with no fraction."""
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise ValidationError("type", f"expected an integer, got {_kind(value)}")


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def multiple_of(value: float, factor: float) -> bool:
    """JSON Schema's multipleOf, in decimal as the JSON text reads (as the validators)."""
    return is_multiple(value, factor)


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def type_error(expected: str, value: object) -> ValidationError:
    return ValidationError("type", f"expected {expected}, got {_kind(value)}")


# -- formats: parsed values that remember their text --------------------------------------


class DateTime(_dt.datetime):
    __slots__ = ("text",)
    text: str


class Date(_dt.date):
    __slots__ = ("text",)
    text: str


class UUID(_uuid.UUID):
    __slots__ = ("text",)
    text: str


class Decimal(_decimal.Decimal):
    __slots__ = ("text",)
    text: str


def load_datetime(text: str) -> _dt.datetime:
    value = parse_datetime(text, DateTime)
    if value is None:
        raise ValidationError("format", f"{text!r} is not an RFC 3339 date-time")
    value.text = text
    return value


def load_date(text: str) -> _dt.date:
    value = parse_date(text, Date)
    if value is None:
        raise ValidationError("format", f"{text!r} is not an RFC 3339 full-date")
    value.text = text
    return value


def load_uuid(text: str) -> _uuid.UUID:
    if not is_uuid(text):
        raise ValidationError("format", f"{text!r} is not a UUID")
    value = UUID(text)
    object.__setattr__(value, "text", text)  # UUID refuses plain attribute assignment
    return value


def load_decimal(text: str) -> _decimal.Decimal:
    if not is_decimal(text):
        raise ValidationError("format", f"{text!r} is not a decimal number")
    value = Decimal(text)
    value.text = text
    return value


def dump_datetime(value: _dt.datetime) -> str:
    text: str | None = getattr(value, "text", None)
    if text is not None:
        return text
    out = value.isoformat()
    return out[:-6] + "Z" if out.endswith("+00:00") else out


def dump_date(value: _dt.date) -> str:
    text: str | None = getattr(value, "text", None)
    return text if text is not None else value.isoformat()


def dump_uuid(value: _uuid.UUID) -> str:
    text: str | None = getattr(value, "text", None)
    return text if text is not None else str(value)


def dump_decimal(value: _decimal.Decimal) -> str:
    text: str | None = getattr(value, "text", None)
    return text if text is not None else format(value, "f")


# -- containers and combinators -----------------------------------------------------------


def check_unique(items: list[Any]) -> None:
    seen: set[object] = set()
    for index, item in enumerate(items):
        key = json_key(item)
        if key in seen:
            raise ValidationError("uniqueItems", f"item {index} repeats an earlier item")
        seen.add(key)


def at_index(error: ValidationError, items: list[Any],
             load: Callable[[object], object]) -> ValidationError:
    """The error of the first item ``load`` refuses, with its index (the slow path)."""
    for index, item in enumerate(items):
        try:
            load(item)
        except ValidationError as found:
            return found.within(index)
    return error


def at_key(error: ValidationError, values: dict[str, Any],
           load: Callable[[object], object]) -> ValidationError:
    """The error of the first value ``load`` refuses, with its key (the slow path)."""
    for key, value in values.items():
        try:
            load(value)
        except ValidationError as found:
            return found.within(key)
    return error


def schema_check(root: str, pointer: str, patterns: Mapping[str, str]
                 ) -> Callable[[object], None]:
    """A check of values against the schema at ``pointer`` of ``root`` (JSON text), run by
    the validation compiler (``_schema.py``), compiled on first use; ``patterns`` maps each
    ECMA-262 pattern to its Python translation, made when the package was generated."""
    compiled: list[Compiled] = []

    def regex(pattern: str) -> Callable[[str], bool]:
        search = re.compile(patterns[pattern], re.ASCII).search
        return lambda text: search(text) is not None

    def check(value: object) -> None:
        if not compiled:
            schema = json.loads(root)
            compiled.append(compile_schema(schema, regex=regex, formats=FORMATS,
                                           pointer=pointer))
        found = compiled[0].problems(value, 1)
        if found:
            where, message = found[0]
            path = [p.replace("~1", "/").replace("~0", "~") for p in where.split("/")[1:]]
            raise ValidationError("schema", message, path)

    return check


def is_json(value: object) -> bool:
    """Whether ``value`` is made of JSON values only (a payload, not Python objects)."""
    if value is None or isinstance(value, str | bool | int | float):
        return True
    if isinstance(value, list):
        return all(is_json(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and is_json(v) for k, v in value.items())
    return False


def fields_of(model: Any) -> dict[str, Any]:
    """A pydantic model's field values by name (for its own constructor to take as they are)."""
    return {name: getattr(model, name) for name in type(model).model_fields}


def constructed(instance: Any, load: Callable[[object], object]) -> None:
    """Hold a dataclass built by hand to its contract, as ``from_dict`` would."""
    try:
        data = instance.to_dict()
    except (TypeError, ValueError, AttributeError) as exc:
        raise ValidationError("type", f"cannot be written as JSON: {exc}") from None
    load(data)


def parse_json(text: str | bytes) -> object:
    """JSON text to a value; NaN and Infinity are not JSON and are refused."""
    try:
        return json.loads(text, parse_constant=_no_constant)
    except ValueError as exc:
        raise ValidationError("json", f"not valid JSON: {exc}") from None


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not a JSON value")


def to_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def json_in(value: object, allowed: frozenset[object]) -> bool:
    """enum membership with JSON equality (true is not 1; 1.0 is 1)."""
    return json_key(value) in allowed


def keys(values: Sequence[object]) -> frozenset[object]:
    return frozenset(json_key(v) for v in values)


def one_of(value: object, options: Sequence[Callable[[object], object]]) -> Any:
    """Exactly one option accepts ``value``: its result (typed by the caller's variable)."""
    found: list[object] = []
    for option in options:
        try:
            found.append(option(value))
        except ValidationError:
            continue
    if len(found) != 1:
        what = "no option" if not found else f"{len(found)} options"
        raise ValidationError("oneOf", f"{what} of the oneOf accepted the value")
    return found[0]


def any_of(value: object, options: Sequence[Callable[[object], object]]) -> Any:
    """The first option that accepts ``value``: its result."""
    for option in options:
        try:
            return option(value)
        except ValidationError:
            continue
    raise ValidationError("anyOf", "no option of the anyOf accepted the value")


class LazyClasses(Mapping[tuple[str, int], Any]):
    """(event, version) -> class; a domain module is imported when first asked for."""

    def __init__(self, package: str, where: dict[tuple[str, int], tuple[str, str]]) -> None:
        self._package = package
        self._where = where

    def __getitem__(self, key: tuple[str, int]) -> Any:
        module, name = self._where[key]
        return getattr(importlib.import_module(f"{self._package}.{module}"), name)

    def __iter__(self) -> Iterator[tuple[str, int]]:
        return iter(self._where)

    def __len__(self) -> int:
        return len(self._where)


def dump(value: object) -> Any:
    """Any generated value back to JSON (for unions, where the option is known only now)."""
    to_dict = getattr(value, "to_dict", None)
    if to_dict is not None:
        return to_dict()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list):
        return [dump(item) for item in value]
    if isinstance(value, dict):
        return {k: dump(v) for k, v in value.items()}
    if isinstance(value, _dt.datetime):
        return dump_datetime(value)
    if isinstance(value, _dt.date):
        return dump_date(value)
    if isinstance(value, _uuid.UUID):
        return dump_uuid(value)
    if isinstance(value, _decimal.Decimal):
        return dump_decimal(value)
    return value


# -- CloudEvents 1.0 envelopes -------------------------------------------------------------
# As strict as `accord.interop.cloudevents.parse` + `validate` (the cloudevents SDK): the
# tests compare the two on mutated envelopes.
CE_REQUIRED: Final = ("specversion", "id", "source", "type")
CE_OPTIONAL: Final = ("dataschema", "time", "subject", "datacontenttype")
_CE_EXTENSION = re.compile(r"[a-z0-9]+\Z", re.ASCII).match


def load_cloudevent(data: object, event: str, dataschema: str, sources: frozenset[str]
                    ) -> tuple[dict[str, Any], dict[str, Any], object]:
    """A structured-mode CloudEvent's checked context attributes, its extensions, its data."""
    if not isinstance(data, dict):
        raise type_error("an object", data)
    attributes: dict[str, Any] = {}
    extensions: dict[str, Any] = {}
    for name in CE_REQUIRED:
        if name not in data:
            raise ValidationError("required", f"missing required attribute {name!r}", [name])
    for name, value in data.items():
        if name == "data":
            continue
        if name not in CE_REQUIRED and name not in CE_OPTIONAL:
            if _CE_EXTENSION(name) is None:
                raise ValidationError("cloudevents", "an extension attribute name has only "
                                      "lowercase letters and digits", [name])
            extensions[name] = value
            continue
        if not isinstance(value, str):
            raise ValidationError("type", f"{_kind(value)} is not a string", [name])
        if value == "":
            raise ValidationError("cloudevents", "must not be empty", [name])
        attributes[name] = value
    expected = {"specversion": "1.0", "type": event, "dataschema": dataschema}
    for name, want in expected.items():
        if name in attributes and attributes[name] != want:
            raise ValidationError("const", f"{attributes[name]!r} is not {want!r}", [name])
    if sources and attributes["source"] not in sources:
        raise ValidationError("enum", f"{attributes['source']!r} is not a producer of {event} "
                              f"({', '.join(sorted(sources))})", ["source"])
    if "time" in attributes:
        try:
            attributes["time"] = load_datetime(attributes["time"])
        except ValidationError as e:
            raise e.within("time") from None
    for name in CE_OPTIONAL:  # absent stays absent when the envelope is written back
        attributes.setdefault(name, None)
    return attributes, extensions, data.get("data")


def dump_cloudevent(attributes: dict[str, object], extensions: Mapping[str, object],
                    data: object) -> dict[str, Any]:
    """A structured-mode CloudEvent; attributes that are None are left out."""
    out: dict[str, Any] = {k: dump_datetime(v) if isinstance(v, _dt.datetime) else v
                           for k, v in attributes.items() if v is not None}
    out.update(extensions)
    out["data"] = data
    return out


def cloudevent_from_binary(headers: Mapping[str, bytes | str], body: bytes | str
                           ) -> dict[str, Any]:
    """Binary mode (`ce_` headers as in Kafka, `ce-` as in HTTP) as a structured-mode dict."""
    out: dict[str, Any] = {}
    for key, value in headers.items():
        name = key.lower()
        text = value.decode() if isinstance(value, bytes) else value
        if name.startswith(("ce_", "ce-")):
            out[name[3:]] = text
        elif name == "content-type":
            out["datacontenttype"] = text
    try:
        out["data"] = json.loads(body, parse_constant=_no_constant)
    except ValueError as exc:
        raise ValidationError("json", f"the data is not JSON: {exc}", ["data"]) from None
    return out


def cloudevent_to_binary(event: Mapping[str, Any]) -> tuple[dict[str, bytes], bytes]:
    """A structured-mode dict as binary mode: (`ce_` headers, JSON body)."""
    # Header values are text: strings as they are, other extension values as JSON (true, 5).
    headers = {("content-type" if k == "datacontenttype" else f"ce_{k}"):
               (v if isinstance(v, str) else json.dumps(v)).encode()
               for k, v in event.items() if k != "data" and v is not None}
    return headers, json.dumps(event.get("data"), separators=(",", ":")).encode()
