"""The rule interface, shared by built-in and third-party rules."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import ClassVar

from accord.registry.model import JSON, Contract, Policy, Registry, SourceMap
from accord.registry.pointer import escape


@dataclass(frozen=True, slots=True)
class Issue:
    """What a rule found: a message at a JSON pointer of the file it was given."""

    message: str
    pointer: str = ""
    fix: str | None = None


@dataclass(frozen=True)
class SchemaDoc:
    """A schema as written, wherever it lives: a version of a contract, or a shared file."""

    schema: JSON
    at: str
    """The pointer of the schema inside its file (`/versions/2/schema`, or `` for shared)."""
    source: SourceMap
    contract: Contract | None = None

    @cached_property
    def nodes(self) -> tuple[tuple[str, dict[str, JSON]], ...]:
        """Every object subschema with its pointer, walked once for all rules."""
        return tuple(walk(self.schema, self.at))


@dataclass(frozen=True, slots=True)
class Context:
    """What a rule may look at besides its target."""

    registry: Registry
    policy: Policy
    options: Mapping[str, JSON] = field(default_factory=dict)


class Rule:
    """A lint rule. Override `check_contract`, `check_schema`, or both.

    Class attributes: ``id`` (stable, kebab-case), ``severity`` (the default: error or
    warning), ``summary`` (one line: why the rule exists) and ``description`` (the rule's
    documentation page, Markdown).
    """

    id: ClassVar[str]
    severity: ClassVar[str] = "error"
    summary: ClassVar[str]
    description: ClassVar[str] = ""

    def check_contract(self, contract: Contract, ctx: Context) -> Iterable[Issue]:
        return ()

    def check_schema(self, doc: SchemaDoc, ctx: Context) -> Iterable[Issue]:
        return ()


_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_ONES = (
    "not", "items", "additionalProperties", "additionalItems", "contains", "if", "then",
    "else", "propertyNames", "unevaluatedProperties", "unevaluatedItems",
)  # fmt: skip


def walk(schema: JSON, at: str = "") -> Iterator[tuple[str, dict[str, JSON]]]:
    """Every (pointer, subschema) that is an object schema, outermost first."""
    stack = [(at, schema)]
    while stack:
        pointer, node = stack.pop()
        if not isinstance(node, dict):
            continue
        yield pointer, node
        children: list[tuple[str, JSON]] = []
        for key in _SCHEMA_MAPS:
            value = node.get(key)
            if isinstance(value, dict):
                children.extend((f"{pointer}/{key}/{escape(k)}", v) for k, v in value.items())
        for key in _SCHEMA_LISTS:
            value = node.get(key)
            if isinstance(value, list):
                children.extend((f"{pointer}/{key}/{i}", v) for i, v in enumerate(value))
        for key in _SCHEMA_ONES:
            value = node.get(key)
            if isinstance(value, dict):
                children.append((f"{pointer}/{key}", value))
            elif key == "items" and isinstance(value, list):  # draft-07 tuple form
                children.extend((f"{pointer}/items/{i}", v) for i, v in enumerate(value))
        stack.extend(reversed(children))
