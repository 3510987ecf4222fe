"""Varied, schema-valid events from a `random.Random(seed)`: the generator behind `samples()`.

The schema is compiled once into a tree of nodes (`accord.samples.nodes`) whose choices come
round in turn over a run; the rest of each value is drawn at random. The same seed gives
the same events.

Every event is checked with the schema's validator (Python jsonschema, built once). A draw
the generator cannot satisfy (lookarounds, `not`, tangled `allOf`) is retried, then replaced
by one of the contract's examples.
"""

from __future__ import annotations

import copy
import math
import random
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from accord.samples.errors import SampleError
from accord.samples.fields import TYPES, deref, merge, types_of_keyword
from accord.samples.nodes import (
    SAFE_INT,
    Any_,
    Array,
    Boolean,
    Const,
    Enum,
    Integer,
    Lazy,
    Node,
    Nothing,
    Null,
    Number,
    Object,
    String,
    Union,
)
from accord.validation import validator

JSON = Any
RETRIES = 25
EXAMPLE_EVERY = 5
"""Every fifth sample is one of the contract's examples, in turn."""


MAX_GENERATED = 100_000
"""The most characters or items a drawn value may be made to hold: a schema asking for more
(`minLength: 1e9`, from an untrusted contract) is refused rather than exhausting memory."""


def _capped(s: dict[str, JSON], keyword: str) -> int:
    value = s.get(keyword, 0)
    low = int(value) if isinstance(value, int | float) else 0
    if low > MAX_GENERATED:
        raise SampleError(f"{keyword}: {value} asks for values larger than samples are "
                                f"drawn ({MAX_GENERATED:,} at most); events of this schema "
                                "cannot be generated")
    return low


class Compiler:
    """Turns a bundled schema (local `#/...` refs only) into a node tree, once."""

    def __init__(self, root: JSON) -> None:
        self.root = root
        self._refs: dict[str, Lazy] = {}

    def compile(self, schema: JSON) -> Node:
        if schema is True or schema == {}:
            return Any_()
        if schema is False or not isinstance(schema, dict):
            return Nothing()
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#") and not _constrains(schema, "$ref"):
            lazy = self._refs.get(ref)
            if lazy is None:
                lazy = self._refs[ref] = Lazy(self, ref)
            return lazy
        schema = deref(self.root, schema)
        if not isinstance(schema, dict):
            return self.compile(schema)
        for part in schema.get("allOf") or ():
            part = deref(self.root, part)
            if isinstance(part, dict):
                schema = merge({k: v for k, v in schema.items() if k != "allOf"}, part)
        alternatives = schema.get("oneOf") or schema.get("anyOf")
        if alternatives:
            base = {k: v for k, v in schema.items() if k not in ("oneOf", "anyOf", "allOf")}
            nodes = []
            for alternative in alternatives:
                alternative = deref(self.root, alternative)
                if isinstance(alternative, dict):
                    nodes.append(self.compile(merge(base, alternative)))
            return Union(nodes) if nodes else Nothing()
        if "const" in schema:
            return Const(schema["const"])
        if isinstance(schema.get("enum"), list):
            allowed = types_of_keyword(schema.get("type"))
            values = [v for v in schema["enum"] if _fits_type(v, allowed)]
            return Enum(values) if values else Nothing()
        kinds = schema.get("type")
        if kinds is None:
            kinds = _infer(schema)
        if isinstance(kinds, list):
            nodes = [self._typed(schema, kind) for kind in kinds if kind in TYPES]
            return nodes[0] if len(nodes) == 1 else Union(nodes)
        return self._typed(schema, kinds)

    def _typed(self, s: dict[str, JSON], kind: str) -> Node:
        if kind == "null":
            return Null()
        if kind == "boolean":
            return Boolean()
        if kind == "integer":
            return self._integer(s)
        if kind == "number":
            return self._number(s)
        if kind == "string":
            return String(_capped(s, "minLength"), s.get("maxLength"), s.get("pattern"),
                          s.get("format"))
        if kind == "array":
            items = s.get("items")
            prefix = s.get("prefixItems")
            if isinstance(items, list):  # draft-07 tuple form
                prefix, items = items, s.get("additionalItems")
            node = self.compile(items) if items is not None and items is not False else None
            if items is None and not prefix:
                node = Any_()
            prefix_nodes = [self.compile(p) for p in prefix or ()]
            low = _capped(s, "minItems")
            high = int(s.get("maxItems", max(low, 6)))
            if node is None:
                high = min(high, len(prefix_nodes))
            return Array(node, prefix_nodes, low, high, bool(s.get("uniqueItems")))
        if kind == "object":
            return self._object(s)
        return Any_()

    def _integer(self, s: dict[str, JSON]) -> Node:
        low = s.get("minimum", -SAFE_INT)
        high = s.get("maximum", SAFE_INT)
        if isinstance(s.get("exclusiveMinimum"), int | float) \
                and not isinstance(s["exclusiveMinimum"], bool):
            low = max(low, math.floor(s["exclusiveMinimum"]) + 1)
        if isinstance(s.get("exclusiveMaximum"), int | float) \
                and not isinstance(s["exclusiveMaximum"], bool):
            high = min(high, math.ceil(s["exclusiveMaximum"]) - 1)
        multiple = s.get("multipleOf")
        return Integer(math.ceil(low), math.floor(high),
                       int(multiple) if isinstance(multiple, int) and multiple > 0 else None)

    def _number(self, s: dict[str, JSON]) -> Node:
        low, high = float(s.get("minimum", -1e9)), float(s.get("maximum", 1e9))
        exclusive_low = exclusive_high = False
        if isinstance(s.get("exclusiveMinimum"), int | float) \
                and not isinstance(s["exclusiveMinimum"], bool):
            low, exclusive_low = max(low, float(s["exclusiveMinimum"])), True
        if isinstance(s.get("exclusiveMaximum"), int | float) \
                and not isinstance(s["exclusiveMaximum"], bool):
            high, exclusive_high = min(high, float(s["exclusiveMaximum"])), True
        multiple = s.get("multipleOf")
        return Number(low, high, exclusive_low, exclusive_high,
                      float(multiple) if isinstance(multiple, int | float) else None)

    def _object(self, s: dict[str, JSON]) -> Node:
        properties = s.get("properties") or {}
        required_names = [n for n in s.get("required") or () if isinstance(n, str)]
        required = [(n, self.compile(properties.get(n, True))) for n in required_names]
        optional = [(n, self.compile(sub)) for n, sub in properties.items()
                    if n not in required_names]
        additional = s.get("additionalProperties", True)
        names = s.get("propertyNames")
        pattern = names.get("pattern") if isinstance(names, dict) else None
        extra: Node | None = None
        pattern_props = s.get("patternProperties") or {}
        if pattern_props:
            pattern, sub = next(iter(pattern_props.items()))
            extra = self.compile(sub)
        elif isinstance(additional, dict) and additional:
            extra = self.compile(additional)
        elif additional is not False and not properties:
            # A free-form map: a few entries make a consumer meet one.
            extra = Any_()
        dependent = {k: list(v) for k, v in (s.get("dependentRequired") or {}).items()}
        return Object(required, optional, extra, pattern, int(s.get("minProperties", 0)),
                      s.get("maxProperties"), dependent)


def _constrains(schema: dict[str, JSON], besides: str) -> bool:
    return any(k in schema for k in ("type", "enum", "const", "properties", "allOf", "anyOf",
                                     "oneOf", "items", "pattern", "required") if k != besides)


def _fits_type(value: JSON, allowed: frozenset[str]) -> bool:
    from accord.samples.fields import covers, json_type

    return covers(allowed, frozenset({json_type(value)}))


def _infer(s: dict[str, JSON]) -> str | list[str]:
    if any(k in s for k in ("properties", "required", "additionalProperties",
                            "patternProperties", "propertyNames")):
        return "object"
    if any(k in s for k in ("items", "prefixItems", "minItems", "maxItems")):
        return "array"
    if any(k in s for k in ("pattern", "minLength", "maxLength", "format")):
        return "string"
    if any(k in s for k in ("minimum", "maximum", "multipleOf")):
        return "number"
    return ["null", "boolean", "integer", "string"]


def tolerant_variant(event: JSON, rng: random.Random) -> JSON:
    """The event plus one property no version declares: a tolerant reader must ignore it."""
    if not isinstance(event, dict):
        return event
    name = UNDECLARED
    while name in event:
        name += "_"
    return {**event, name: rng.choice(("added by a later version", 7, {"nested": True}))}


UNDECLARED = "accord_undeclared_field"


class SampleStream:
    """Seeded, validated events of one schema; ``next_event()`` gives the next one."""

    def __init__(self, schema: JSON, *, seed: int | str = 0, examples: Sequence[JSON] = (),
                 validate: Callable[[JSON], bool] | None = None, label: str = "") -> None:
        self.rng = random.Random(f"accord:{seed}:{label}")
        self.root = Compiler(schema).compile(schema)
        self.examples = list(examples)
        self.is_valid = validate or validator(schema).is_valid
        self.label = label
        self.index = 0
        self._schema = schema

    def next_event(self) -> JSON:
        i = self.index
        self.index += 1
        if self.examples and i % EXAMPLE_EVERY == EXAMPLE_EVERY - 1:
            example = self.examples[(i // EXAMPLE_EVERY) % len(self.examples)]
            if self.is_valid(example):
                return copy.deepcopy(example)
        for _ in range(RETRIES):
            event = self.root.gen(self.rng, 0)
            if self.is_valid(event):
                return event
        for example in self.examples:
            if self.is_valid(example):
                return copy.deepcopy(example)
        why = next(iter(validator(self._schema).errors(event, limit=1)), "valid")
        raise SampleError(
            f"cannot generate a valid event for {self.label or 'the schema'} "
            f"({why}); add an example to the contract version"
        )

    def __iter__(self) -> Iterator[JSON]:
        while True:
            yield self.next_event()

    def take(self, n: int) -> list[JSON]:
        return [self.next_event() for _ in range(n)]
