"""ECMA-262 `pattern`s as Python `re` patterns with the same meaning.

JSON Schema patterns are ECMA-262 regular expressions (without the `u` flag), searched
anywhere in the string. Python's `re` differs in a few places, so each construct is
rewritten to the explicit form ECMA means: `\\d`, `\\w` are ASCII only; `\\s` is
ECMA's own whitespace set; `.` stops at every ECMA line terminator; `$` matches only
at the very end (Python's also matches before a final newline). Anything this module
cannot translate exactly raises `PatternError`: a pattern is never loosened quietly.
Compile the result with `re.ASCII` (for `\\b`) and use `.search`.
"""

from __future__ import annotations

import functools
import re

_SPACE = (r"\t\n\x0b\x0c\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff")
_CLASS_ESCAPES = {"d": "0-9", "w": "A-Za-z0-9_", "s": _SPACE}
_NEGATED = {"D": "d", "W": "w", "S": "s"}
_SIMPLE_ESCAPES = {"t", "n", "r", "v", "f", "b", "B"}
_SYNTAX = set("^$\\.*+?()[]{}|/-")
_QUANTIFIER = re.compile(r"\{[0-9]+(?:,[0-9]*)?\}")


class PatternError(ValueError):
    """A pattern that cannot be translated exactly."""


def _escape(pattern: str, i: int, in_class: bool) -> tuple[str, int]:
    """Translate the escape starting at ``pattern[i] == '\\\\'``; return (text, next index)."""
    if i + 1 >= len(pattern):
        raise PatternError("pattern ends with a lone backslash")
    c = pattern[i + 1]
    if c in _CLASS_ESCAPES:
        body = _CLASS_ESCAPES[c]
        return (body if in_class else f"[{body}]"), i + 2
    if c in _NEGATED:
        if in_class:
            raise PatternError(f"\\{c} inside a character class is not supported")
        return f"[^{_CLASS_ESCAPES[_NEGATED[c]]}]", i + 2
    if c in _SIMPLE_ESCAPES:
        if c in "bB" and in_class:
            return ("\\x08" if c == "b" else "B"), i + 2
        return f"\\{c}", i + 2
    if c == "0" and not pattern[i + 2:i + 3].isdigit():
        return "\\x00", i + 2
    if c.isdigit():
        if in_class:
            raise PatternError("octal escapes are not supported")
        j = i + 1
        while j < len(pattern) and pattern[j].isdigit():
            j += 1
        return f"(?:\\{pattern[i + 1:j]})", j
    if c == "x" and re.fullmatch(r"[0-9A-Fa-f]{2}", pattern[i + 2:i + 4]):
        return pattern[i:i + 4], i + 4
    if c == "u" and re.fullmatch(r"[0-9A-Fa-f]{4}", pattern[i + 2:i + 6]):
        return pattern[i:i + 6], i + 6
    if c == "k" and not in_class:
        m = re.match(r"<([A-Za-z_][A-Za-z0-9_]*)>", pattern[i + 2:])
        if m:
            return f"(?P={m.group(1)})", i + 2 + m.end()
    if c in _SYNTAX:
        return re.escape(c), i + 2
    raise PatternError(f"escape \\{c} has no exact Python equivalent")


def _char_class(pattern: str, i: int) -> tuple[str, int]:
    """Translate ``[...]`` starting at ``pattern[i] == '['``."""
    j = i + 1
    out = "["
    if pattern[j:j + 1] == "^":
        out += "^"
        j += 1
    if pattern[j:j + 1] == "]":
        # ECMA: [] matches nothing and [^] anything; Python reads ] as a literal.
        raise PatternError("empty character classes are not supported")
    while j < len(pattern):
        c = pattern[j]
        if c == "]":
            return out + "]", j + 1
        if c == "\\":
            text, j = _escape(pattern, j, in_class=True)
            out += text
            continue
        if c == "[":
            out += "\\["  # a literal in ECMA, a nested-set warning in Python
        elif c in "&~|" and pattern[j + 1:j + 2] == c:
            out += f"\\{c}"  # doubled set operators are reserved in Python
        else:
            out += c
        j += 1
    raise PatternError("unterminated character class")


@functools.lru_cache(maxsize=16384)
def translate(pattern: str) -> str:
    """The Python `re` pattern (for `re.ASCII` and `.search`) meaning ``pattern``."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            text, i = _escape(pattern, i, in_class=False)
            out.append(text)
        elif c == "[":
            text, i = _char_class(pattern, i)
            out.append(text)
        elif c == ".":
            out.append("[^\\n\\r\\u2028\\u2029]")
            i += 1
        elif c == "$":
            out.append("\\Z")  # end of input only
            i += 1
        elif c == "{" and not _QUANTIFIER.match(pattern, i):
            out.append("\\{")  # ECMA reads a brace that starts no quantifier as itself
            i += 1
        elif c == "(" and pattern.startswith("(?<", i) and pattern[i + 3:i + 4] not in "=!":
            m = re.match(r"\(\?<([A-Za-z_][A-Za-z0-9_]*)>", pattern[i:])
            if not m:
                raise PatternError("bad named group")
            out.append(f"(?P<{m.group(1)}>")
            i += m.end()
        elif c == "(" and pattern.startswith("(?", i) and pattern[i + 2:i + 3] not in (":", "=",
                                                                                      "!", "<"):
            raise PatternError(f"group syntax {pattern[i:i + 3]!r} is not ECMA-262")
        else:
            out.append(c)
            i += 1
    translated = "".join(out)
    try:
        re.compile(translated, re.ASCII)
    except re.error as exc:
        raise PatternError(f"not a valid regular expression: {exc}") from None
    return translated
