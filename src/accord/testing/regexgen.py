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


@lru_cache(maxsize=512)
def _parse(pattern: str) -> Any:
    return _parser.parse(pattern)


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


def generate(pattern: str, rng: random.Random, *, extra: int = MAX_REPEAT_EXTRA) -> str:
    """A string that `re.search(pattern, ...)` accepts, in most cases; callers verify."""
    out: list[str] = []
    groups: dict[int, str] = {}
    _emit(_parse(pattern), rng, out, groups, extra)
    return "".join(out)


def _emit(tree: Any, rng: random.Random, out: list[str], groups: dict[int, str],
          extra: int) -> None:
    for op, arg in tree:
        if op is _c.LITERAL:
            out.append(chr(arg))
        elif op is _c.NOT_LITERAL:
            out.append("a" if arg != ord("a") else "b")
        elif op is _c.ANY:
            out.append(rng.choice(_ANY))
        elif op is _c.IN:
            key = tuple(arg)
            out.append(rng.choice(_class(key)))
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            low, high, sub = arg
            high = min(high, low + extra) if high is not _c.MAXREPEAT else low + extra
            for _ in range(rng.randint(low, max(low, high))):
                _emit(sub, rng, out, groups, extra)
        elif op is _c.SUBPATTERN:
            group, _add, _del, sub = arg
            start = len(out)
            _emit(sub, rng, out, groups, extra)
            if group is not None:
                groups[group] = "".join(out[start:])
        elif op is _c.ATOMIC_GROUP:
            _emit(arg, rng, out, groups, extra)
        elif op is _c.BRANCH:
            _emit(rng.choice(arg[1]), rng, out, groups, extra)
        elif op is _c.GROUPREF:
            out.append(groups.get(arg, ""))
        elif op is _c.CATEGORY:
            out.append(rng.choice(_CATEGORIES.get(arg, _WORD)))
        elif op is _c.GROUPREF_EXISTS:
            group, yes, no = arg
            _emit(yes if group in groups else (no or []), rng, out, groups, extra)
        # AT (anchors), ASSERT and ASSERT_NOT emit nothing.
