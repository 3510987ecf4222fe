"""The compiled form of a schema: one node per position, each drawing values.

Each node that makes a choice (an enum value, a union branch, an optional property, a
length, a boundary) rotates through its choices with ``turn`` instead of leaving them to
chance, so that a run of samples shows every one; the rest of each value is random.
"""

from __future__ import annotations

import copy
import math
import random
import string
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from accord.samples import regexgen
from accord.samples.fields import deref
from accord.samples.formats import FORMATS
from accord.validation import regex
from accord.validation.regex import PatternUnsupported

if TYPE_CHECKING:
    from accord.samples.stream import Compiler

JSON = Any
MAX_DEPTH = 12
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
        self.regex = pattern

    def _fits(self, value: str) -> bool:
        if len(value) < self.low or (self.high is not None and len(value) > self.high):
            return False
        if self.regex is None:
            return True
        try:  # linear time: the pattern may come from an untrusted contract
            return regex.search(self.regex, value)
        except PatternUnsupported:
            return False

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
