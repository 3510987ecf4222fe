"""Varied, schema-valid events from a `random.Random(seed)`: the generator behind `samples()`.

The schema is compiled once into a tree of nodes. Each node that makes a choice (an enum
value, a union branch, an optional property, a length, a boundary) keeps a turn counter
starting at a seeded offset, so over a run every choice comes round instead of being left to
chance; the rest of each value is drawn at random. The same seed gives the same events.

Every event is checked with the schema's validator (Python jsonschema, built once). A draw
the generator cannot satisfy (lookarounds, `not`, tangled `allOf`) is retried, then replaced
by one of the contract's examples.
"""

from __future__ import annotations

import copy
import math
import random
import re
import string
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from accord.testing import regexgen
from accord.testing.errors import ContractTestError
from accord.testing.fields import TYPES, deref, merge, types_of_keyword
from accord.testing.formats import FORMATS

JSON = Any
MAX_DEPTH = 12
RETRIES = 25
EXAMPLE_EVERY = 5
"""Every fifth sample is one of the contract's examples, in turn."""
LONG_STRING = 256
"""Longest plain string drawn, except when minLength asks for more."""
SAFE_INT = 2**53 - 1
"""Largest integer every JSON reader keeps exactly (JavaScript's Number.MAX_SAFE_INTEGER)."""

_ALPHABETS = (
    string.ascii_letters + string.digits + " ",
    "àéîõüßçñÅØæœ ÀÉ",
    "中文字符日本語한국어 ",
    "🙂🚀💡✓€ e\u0301 שלום مرحبا",
)


class Node:
    """One compiled schema position; ``turn`` rotates its choices.

    Turns come in blocks of ``k`` that each show every choice once, rotated by a seeded
    offset drawn per block: a node reached from two places (a shared `$ref`) would otherwise
    give one place only the even turns.
    """

    __slots__ = ("_count", "_offset")

    def __init__(self) -> None:
        self._count = -1
        self._offset = 0

    def turn(self, rng: random.Random, k: int) -> int:
        count = self._count + 1
        if count % k == 0:
            self._offset = rng.randrange(k)
        self._count = count
        return (count + self._offset) % k

    def gen(self, rng: random.Random, depth: int) -> JSON:
        raise NotImplementedError


class Const(Node):
    __slots__ = ("value",)

    def __init__(self, value: JSON) -> None:
        super().__init__()
        self.value = value

    def gen(self, rng: random.Random, depth: int) -> JSON:
        return copy.deepcopy(self.value)


class Enum(Node):
    __slots__ = ("values",)

    def __init__(self, values: Sequence[JSON]) -> None:
        super().__init__()
        self.values = list(values)

    def gen(self, rng: random.Random, depth: int) -> JSON:
        return copy.deepcopy(self.values[self.turn(rng, len(self.values))])


class Union(Node):
    __slots__ = ("alternatives",)

    def __init__(self, alternatives: list[Node]) -> None:
        super().__init__()
        self.alternatives = alternatives

    def gen(self, rng: random.Random, depth: int) -> JSON:
        if depth > MAX_DEPTH:  # recursion: prefer leaves
            for alternative in self.alternatives:
                if not isinstance(alternative, Object | Array | Lazy):
                    return alternative.gen(rng, depth)
        return self.alternatives[self.turn(rng, len(self.alternatives))].gen(rng, depth + 1)


class Lazy(Node):
    """A `$ref` compiled on first use, so recursive schemas compile."""

    __slots__ = ("compiler", "ref", "target")

    def __init__(self, compiler: Compiler, ref: str) -> None:
        super().__init__()
        self.compiler, self.ref = compiler, ref
        self.target: Node | None = None

    def gen(self, rng: random.Random, depth: int) -> JSON:
        target = self.target
        if target is None:
            target = self.target = self.compiler.compile(
                deref(self.compiler.root, {"$ref": self.ref}))
        return target.gen(rng, depth)


class Null(Node):
    __slots__ = ()

    def gen(self, rng: random.Random, depth: int) -> JSON:
        return None


class Boolean(Node):
    __slots__ = ()

    def gen(self, rng: random.Random, depth: int) -> JSON:
        return self.turn(rng, 2) == 0


class Integer(Node):
    __slots__ = ("high", "low", "multiple")

    def __init__(self, low: int, high: int, multiple: int | None) -> None:
        super().__init__()
        self.low, self.high, self.multiple = low, high, multiple

    def gen(self, rng: random.Random, depth: int) -> JSON:
        low, high = self.low, self.high
        choice = self.turn(rng, 6)
        if choice == 0:
            value = low
        elif choice == 1:
            value = high
        elif choice == 2:
            value = min(max(0, low), high)
        elif choice == 3:
            value = min(low + 1, high)
        else:  # mostly small numbers, like real events; now and then anywhere in range
            span_high = min(high, max(low, 0) + 1000) if rng.random() < 0.8 else high
            value = rng.randint(low, max(low, span_high))
        if self.multiple:
            value = (value // self.multiple) * self.multiple
            if value < low:
                value += self.multiple
        return value


class Number(Node):
    __slots__ = ("exclusive_high", "exclusive_low", "high", "low", "multiple")

    def __init__(self, low: float, high: float, exclusive_low: bool, exclusive_high: bool,
                 multiple: float | None) -> None:
        super().__init__()
        self.low, self.high = low, high
        self.exclusive_low, self.exclusive_high = exclusive_low, exclusive_high
        self.multiple = multiple

    def gen(self, rng: random.Random, depth: int) -> JSON:
        low, high = self.low, self.high
        choice = self.turn(rng, 6)
        if choice == 0 and not self.exclusive_low:
            value: float = low
        elif choice == 1 and not self.exclusive_high:
            value = high
        elif choice == 2 and low <= 0 <= high:
            value = 0
        elif choice == 3:  # an integer-valued number: consumers must not expect a fraction
            value = float(math.ceil(low + (high - low) / 3))
        else:
            value = round(rng.uniform(low, min(high, low + 2000)), rng.choice((1, 2, 6)))
        if self.multiple:
            value = math.ceil(value / self.multiple) * self.multiple
            value = round(value, 10)
        if (value <= low and self.exclusive_low) or value < low:
            value = (low + min(high, low + 1)) / 2
        if (value >= high and self.exclusive_high) or value > high:
            value = (max(low, high - 1) + high) / 2
        return int(value) if isinstance(value, float) and value.is_integer() and choice == 2 \
            else value


class String(Node):
    __slots__ = ("fmt", "high", "low", "pattern", "regex")

    def __init__(self, low: int, high: int | None, pattern: str | None, fmt: str | None) -> None:
        super().__init__()
        self.low, self.high, self.pattern, self.fmt = low, high, pattern, fmt
        self.regex = re.compile(pattern) if pattern else None

    def _fits(self, value: str) -> bool:
        if len(value) < self.low or (self.high is not None and len(value) > self.high):
            return False
        return self.regex is None or self.regex.search(value) is not None

    def gen(self, rng: random.Random, depth: int) -> JSON:
        make = FORMATS.get(self.fmt or "")
        if make is not None:
            for _ in range(4):
                value = make(rng)
                if self._fits(value):
                    return value
        if self.pattern is not None:
            value = ""
            for attempt in range(12):
                value = regexgen.generate(self.pattern, rng, extra=2 if attempt % 2 else 6)
                if self._fits(value):
                    return value
            return value
        return self._plain(rng)

    def _plain(self, rng: random.Random) -> str:
        low = self.low
        high = self.high if self.high is not None else max(low, 24)
        choice = self.turn(rng, 8)
        if choice == 0:
            size = low
        elif choice == 1:
            size = max(low, min(high, LONG_STRING))
        else:
            size = rng.randint(low, max(low, min(high, low + 16)))
        if size == 0:
            return ""
        alphabet = _ALPHABETS[choice % len(_ALPHABETS)] if choice > 1 else _ALPHABETS[0]
        return "".join(rng.choice(alphabet) for _ in range(size))


class Array(Node):
    __slots__ = ("high", "items", "low", "prefix", "unique")

    def __init__(self, items: Node | None, prefix: list[Node], low: int, high: int,
                 unique: bool) -> None:
        super().__init__()
        self.items, self.prefix = items, prefix
        self.low, self.high, self.unique = low, high, unique

    def gen(self, rng: random.Random, depth: int) -> JSON:
        low, high = self.low, self.high
        if depth > MAX_DEPTH:
            size = low
        else:
            choice = self.turn(rng, 4)
            # The maximum is a boundary worth reaching only while it is small.
            size = low if choice == 0 else high if choice == 1 and high <= 8 else \
                rng.randint(low, max(low, min(high, low + 4)))
        out: list[JSON] = []
        for i in range(size):
            node: Node | None = self.prefix[i] if i < len(self.prefix) else self.items
            if node is None:
                break
            value = node.gen(rng, depth + 1)
            if self.unique and value in out:
                continue
            out.append(value)
        return out


class Object(Node):
    __slots__ = ("dependent", "extra", "extra_names", "high", "low", "optional", "required")

    def __init__(self, required: list[tuple[str, Node]], optional: list[tuple[str, Node]],
                 extra: Node | None, extra_names: str | None, low: int, high: int | None,
                 dependent: dict[str, list[str]]) -> None:
        super().__init__()
        self.required, self.optional = required, optional
        self.extra, self.extra_names = extra, extra_names
        self.low, self.high, self.dependent = low, high, dependent

    def gen(self, rng: random.Random, depth: int) -> JSON:
        out: dict[str, JSON] = {}
        for name, node in self.required:
            out[name] = node.gen(rng, depth + 1)
        if self.optional:
            # One turn per object picks which optional properties appear: all, none, or a
            # seeded mix, so that each is seen both absent and present.
            mode = self.turn(rng, 4) if depth <= MAX_DEPTH else 1
            for i, (name, node) in enumerate(self.optional):
                if mode == 0 or (mode >= 2 and rng.random() < 0.5 + (i % 2) * 0.1):
                    out[name] = node.gen(rng, depth + 1)
        for name, needs in self.dependent.items():
            if name in out:
                for need in needs:
                    if need not in out:
                        dependency = dict(self.optional).get(need)
                        if dependency is not None:
                            out[need] = dependency.gen(rng, depth + 1)
        if self.extra is not None:
            room = (self.high if self.high is not None else len(out) + 3) - len(out)
            wanted = max(self.low - len(out), rng.randint(0, max(0, min(room, 3))))
            for _ in range(wanted * 3):
                if wanted <= 0:
                    break
                name = regexgen.generate(self.extra_names, rng) if self.extra_names \
                    else rng.choice(("note", "ref", "x", "label", "kind", "ü"))
                if name not in out:
                    out[name] = self.extra.gen(rng, depth + 1)
                    wanted -= 1
        return out


class Any_(Node):
    """A value of any type, kept shallow."""

    __slots__ = ()

    def gen(self, rng: random.Random, depth: int) -> JSON:
        return rng.choice((None, True, 0, -1, 3.5, "", "text", "ü", [], [1, "a"], {}, {"k": 1}))


class Nothing(Node):
    """`false`: no value fits; the caller's validation retry sorts it out."""

    __slots__ = ()

    def gen(self, rng: random.Random, depth: int) -> JSON:
        return None


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
            return String(int(s.get("minLength", 0)), s.get("maxLength"), s.get("pattern"),
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
            low = int(s.get("minItems", 0))
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
    from accord.testing.fields import covers, json_type

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
        from accord.testing.contract import validator_for_schema

        self.rng = random.Random(f"accord:{seed}:{label}")
        self.root = Compiler(schema).compile(schema)
        self.examples = list(examples)
        self.is_valid = validate or validator_for_schema(schema).is_valid
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
        from accord.testing.contract import first_error

        raise ContractTestError(
            f"cannot generate a valid event for {self.label or 'the schema'} "
            f"({first_error(self._schema, event)}); add an example to the contract version"
        )

    def __iter__(self) -> Iterator[JSON]:
        while True:
            yield self.next_event()

    def take(self, n: int) -> list[JSON]:
        return [self.next_event() for _ in range(n)]
