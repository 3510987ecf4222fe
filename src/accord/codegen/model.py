"""The intermediate representation: what a schema means, in terms an emitter can print.

`build` turns bundled JSON Schemas into these frozen values; the emitters never look at
a schema again. Every node says exactly which instances it accepts, so an emitter that
checks each node's constraints checks the whole schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JSON = Any

CONVERTED_FORMATS = ("date-time", "date", "uuid", "decimal")
"""Formats whose strings become Python values; they are asserted, the others annotate."""


@dataclass(frozen=True, slots=True)
class Str:
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    """The ECMA-262 pattern as written (for messages)."""
    python_pattern: str | None = None
    """The same pattern translated for Python's `re` (compile with re.ASCII, search)."""
    format: str | None = None
    """One of CONVERTED_FORMATS, or None (other formats are annotations)."""


@dataclass(frozen=True, slots=True)
class Num:
    integer: bool
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    exclusive_maximum: float | None = None
    multiple_of: float | None = None


@dataclass(frozen=True, slots=True)
class Bool:
    pass


@dataclass(frozen=True, slots=True)
class Null:
    pass


@dataclass(frozen=True, slots=True)
class AnyValue:
    """Every JSON value (the schema `{}` or `true`)."""


@dataclass(frozen=True, slots=True)
class Enum:
    values: tuple[JSON, ...]
    name: str | None = None
    """The StrEnum's class name when every value is a string (two or more of them)."""
    members: tuple[tuple[str, str], ...] = ()
    """(member identifier, value) pairs of that StrEnum."""
    doc: str | None = None
    module: str = ""


@dataclass(frozen=True, slots=True)
class Array:
    items: Type
    min_items: int | None = None
    max_items: int | None = None
    unique: bool = False


@dataclass(frozen=True, slots=True)
class Map:
    """An object with no declared properties: a dict from key to one value type."""

    values: Type
    min_properties: int | None = None
    max_properties: int | None = None
    keys: Str | None = None
    """What every key must be (propertyNames)."""


@dataclass(frozen=True, slots=True)
class Ref:
    """A named type (a class, or an alias for a recursive non-object type)."""

    name: str
    module: str
    is_class: bool = True


@dataclass(frozen=True, slots=True)
class Union:
    options: tuple[Type, ...]
    kind: str
    """'type' (options told apart by JSON type), 'tag' (by a const property), 'oneOf',
    'anyOf' (tried in turn)."""
    tag: str | None = None
    """The discriminating property, for kind 'tag'."""
    tags: tuple[str, ...] = ()
    """The tag value of each option, for kind 'tag'."""


@dataclass(frozen=True, slots=True)
class Checked:
    """Any JSON value, held to the schema at ``pointer`` of the version's schema by the
    validation layer's compiler (``_schema.py`` in the package): for what no Python type
    says (a tuple, `not`, `if`, `unevaluatedProperties`...). Typing wider, acceptance not."""

    root: str
    """The version's whole schema, as JSON text (references resolve inside it)."""
    pointer: str
    patterns: tuple[tuple[str, str], ...] = ()
    """Each ECMA-262 pattern the check may run, with its Python `re` translation."""


Type = Str | Num | Bool | Null | AnyValue | Enum | Array | Map | Ref | Union | Checked


@dataclass(frozen=True, slots=True)
class Field:
    json_name: str
    name: str
    type: Type
    required: bool
    doc: str | None = None


@dataclass(frozen=True, slots=True)
class EventInfo:
    event: str
    version: int
    channel: str | None
    schema_id: str
    status: str
    wrapper: str | None = None
    """The CloudEvents envelope class (`envelope: cloudevents` contracts only)."""
    dataschema: str = ""
    sources: tuple[str, ...] = ()
    """The contract's producers: the `source` values the envelope accepts (any if empty)."""


@dataclass(frozen=True, slots=True)
class ClassDef:
    name: str
    module: str
    fields: tuple[Field, ...]
    doc: str | None = None
    additional: Type | None = None
    """The type of undeclared properties, or None when the object is closed."""
    extra_name: str = "extra"
    """The attribute holding undeclared properties (when `additional` is not None)."""
    min_properties: int | None = None
    max_properties: int | None = None
    event: EventInfo | None = None
    checked: Checked | None = None
    """The whole object is also held to its schema this way (keywords beyond properties)."""


@dataclass(frozen=True, slots=True)
class AliasDef:
    """A named non-object type; only needed where such a type refers to itself."""

    name: str
    module: str
    type: Type


@dataclass(slots=True)
class ModuleDef:
    name: str
    doc: str
    classes: list[ClassDef] = field(default_factory=list)
    aliases: list[AliasDef] = field(default_factory=list)
    enums: list[Enum] = field(default_factory=list)
    latest: dict[str, str] = field(default_factory=dict)
    """Alias -> class: `OrderPlaced` -> `OrderPlacedV2` (latest active version)."""
    sources: list[str] = field(default_factory=list)


def json_types(t: Type) -> frozenset[str]:
    """The JSON types (null, boolean, object, array, number, string) ``t`` may accept."""
    fixed = _FIXED_TYPES.get(type(t))
    if fixed is not None:
        return fixed
    if isinstance(t, Ref):
        return _OBJECT if t.is_class else ALL_TYPES
    if isinstance(t, Enum):
        return frozenset(_value_type(v) for v in t.values)
    if isinstance(t, Union):
        return frozenset().union(*(json_types(o) for o in t.options))
    return ALL_TYPES


ALL_TYPES = frozenset({"null", "boolean", "object", "array", "number", "string"})
_OBJECT = frozenset({"object"})
_FIXED_TYPES: dict[type, frozenset[str]] = {
    Str: frozenset({"string"}), Num: frozenset({"number"}), Bool: frozenset({"boolean"}),
    Null: frozenset({"null"}), Array: frozenset({"array"}), Map: _OBJECT,
}


def _value_type(value: JSON) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"
