"""Strings that match a regular expression, drawn from a `random.Random`.

Walks the tree of Python's own regex parser, so it understands whatever `re` does. Classes
like `\\d` and `\\w` yield ASCII only: those strings match under both Python's `re` and the
ECMA-262 semantics JSON Schema prescribes. Lookarounds are ignored; callers check the result.
"""

from __future__ import annotations

import importlib
import random
import string
from functools import lru_cache
from typing import Any

from accord.samples.errors import SampleError

# The parser is private but stable since Python 3.0 (as sre_parse); its public alias
# sre_parse warns on import, and the test suite turns warnings into errors.
_parser: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")

_DIGITS = string.digits
_WORD = string.ascii_letters + string.digits + "_"
_SPACE = " \t"
_ANY = string.ascii_letters + string.digits + " -_.,:;!?/@#é中"
_CATEGORIES = {
    _c.CATEGORY_DIGIT: _DIGITS,
    _c.CATEGORY_NOT_DIGIT: string.ascii_letters + " -_",
    _c.CATEGORY_WORD: _WORD,
    _c.CATEGORY_NOT_WORD: " -.,!/",
    _c.CATEGORY_SPACE: _SPACE,
    _c.CATEGORY_NOT_SPACE: _WORD + "-.",
}
MAX_REPEAT_EXTRA = 6


def _set_chars(items: Any) -> tuple[str, bool]:
    """The characters a character class names, and whether it is negated."""
    chars: list[str] = []
    negated = False
    for op, arg in items:
        if op is _c.NEGATE:
            negated = True
        elif op is _c.LITERAL:
            chars.append(chr(arg))
        elif op is _c.RANGE:
            low, high = arg
            # Wide ranges (e.g. \u0000-\uffff) are sampled at both ends and a few between.
            if high - low > 200:
                chars.extend(chr(c) for c in (low, high, (low + high) // 2) if c >= 32 or c == 9)
                chars.extend(chr(c) for c in range(max(low, 48), min(high, 122) + 1))
            else:
                chars.extend(chr(c) for c in range(low, high + 1))
        elif op is _c.CATEGORY:
            chars.extend(_CATEGORIES.get(arg, _WORD))
    return "".join(dict.fromkeys(chars)), negated


@lru_cache(maxsize=2048)
def _class(items: Any) -> str:
    chars, negated = _set_chars(items)
    if not negated:
        return chars
    pool = string.ascii_letters + string.digits + " -_.,:;/é"
    return "".join(c for c in pool if c not in chars) or "\u00e9"


@lru_cache(maxsize=1024)
def _program(pattern: str) -> tuple[Any, ...]:
    """The parse tree of ``pattern`` as plain tuples, character classes as strings."""
    return _compile(_parser.parse(pattern))


def _compile(tree: Any) -> tuple[Any, ...]:
    out: list[Any] = []
    for op, arg in tree:
        if op is _c.LITERAL:
            if out and out[-1][0] == "lit":
                out[-1] = ("lit", out[-1][1] + chr(arg))
            else:
                out.append(("lit", chr(arg)))
        elif op is _c.NOT_LITERAL:
            out.append(("lit", "a" if arg != ord("a") else "b"))
        elif op is _c.ANY:
            out.append(("set", _ANY))
        elif op is _c.IN:
            out.append(("set", _class(tuple(arg))))
        elif op is _c.CATEGORY:
            out.append(("set", _CATEGORIES.get(arg, _WORD)))
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            low, high, sub = arg
            out.append(("rep", low, None if high is _c.MAXREPEAT else high, _compile(sub)))
        elif op is _c.SUBPATTERN:
            out.append(("grp", arg[0], _compile(arg[3])))
        elif op is _c.ATOMIC_GROUP:
            out.append(("grp", None, _compile(arg)))
        elif op is _c.BRANCH:
            out.append(("alt", tuple(_compile(alt) for alt in arg[1])))
        elif op is _c.GROUPREF:
            out.append(("ref", arg))
        elif op is _c.GROUPREF_EXISTS:
            group, yes, no = arg
            out.append(("if", group, _compile(yes), _compile(no or [])))
        # AT (anchors), ASSERT and ASSERT_NOT emit nothing.
    return tuple(out)


MAX_LENGTH = 100_000
"""Longest string drawn for a pattern: `a{4294967294}` from an untrusted contract is
refused, not built in memory."""


def pattern_of(step: tuple[Any, ...]) -> str:
    return f"repeat {{{step[1]},{step[2] if step[2] is not None else ''}}}"


def generate(pattern: str, rng: random.Random, *, extra: int = MAX_REPEAT_EXTRA) -> str:
    """A string that `re.search(pattern, ...)` accepts, in most cases; callers verify."""
    out: list[str] = []
    _run(_program(pattern), rng, out, {}, extra)
    return "".join(out)


def _run(program: tuple[Any, ...], rng: random.Random, out: list[str], groups: dict[int, str],
         extra: int) -> None:
    for step in program:
        kind = step[0]
        if kind == "lit":
            out.append(step[1])
        elif kind == "set":
            chars = step[1]
            out.append(chars[int(rng.random() * len(chars))])
        elif kind == "rep":
            low, high = step[1], step[2]
            if low > MAX_LENGTH or len(out) > MAX_LENGTH:
                raise SampleError(
                    f"pattern {pattern_of(step)} asks for strings longer than samples are "
                    f"drawn ({MAX_LENGTH:,} characters at most)")
            high = low + extra if high is None else min(high, low + extra)
            for _ in range(rng.randint(low, max(low, high))):
                _run(step[3], rng, out, groups, extra)
        elif kind == "grp":
            start = len(out)
            _run(step[2], rng, out, groups, extra)
            if step[1] is not None:
                groups[step[1]] = "".join(out[start:])
        elif kind == "alt":
            _run(step[1][int(rng.random() * len(step[1]))], rng, out, groups, extra)
        elif kind == "ref":
            out.append(groups.get(step[1], ""))
        elif kind == "if":
            _run(step[2] if step[1] in groups else step[3], rng, out, groups, extra)
