"""The one regex policy: JSON Schema patterns are ECMA-262, evaluated in linear time.

Python's `re` backtracks: `^(a+)+$` against forty `a`s and a `b` runs for minutes, and
both the pattern and the string can come from an untrusted pull request (a contract's
`pattern` and its examples, or two schema versions). Every pattern Accord evaluates goes
through RE2 (google-re2), whose matching is linear in the input. RE2 has no
backreferences and no lookaround; a pattern that needs them cannot be evaluated safely,
so it is refused with the construct named (a lint error, `pattern-supported`), never run.

ECMA-262 and RE2 agree on `\\d`, `\\w`, `\\b` (ASCII) and on `$` (end of input only, unlike
Python's `re`); they differ on `\\s` (ECMA-262 includes the Unicode spaces) and on
`\\uXXXX`, which are translated here.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import re2
from re2 import _re2

from accord.errors import AccordError
from accord.validation.memo import remembered

MAX_MEMORY = 8 << 20
"""RE2's memory budget per pattern: a pattern past it (`a{4294967294}`) is refused."""

_ECMA_SPACE = (r"\t\n\x{0B}\f\r \x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}"
               r"\x{202F}\x{205F}\x{3000}\x{FEFF}")
_UNANCHORED = re2._Anchor.UNANCHORED
_OPTIONS = re2.Options()
_OPTIONS.log_errors = False
_OPTIONS.max_mem = MAX_MEMORY
_BACKREF = re.compile(r"\\[1-9]|\\k<")
_LOOKAROUND = re.compile(r"\(\?<?[=!]")
_REPEAT = re.compile(r"(?<!\\)\{(\d+)(?:,(\d*))?\}")
MAX_REPEAT = 1000
"""RE2's limit on `{n,m}`; ECMA-262 has none, so a larger count is refused, not misread."""


# ECMA-262's long General_Category names, as RE2 spells them (it knows the short ones).
_CATEGORIES = {
    "Letter": "L", "Cased_Letter": "L", "Uppercase_Letter": "Lu", "Lowercase_Letter": "Ll",
    "Titlecase_Letter": "Lt", "Modifier_Letter": "Lm", "Other_Letter": "Lo", "Mark": "M",
    "Nonspacing_Mark": "Mn", "Spacing_Mark": "Mc", "Enclosing_Mark": "Me", "Number": "N",
    "Decimal_Number": "Nd", "digit": "Nd", "Letter_Number": "Nl", "Other_Number": "No",
    "Punctuation": "P", "punct": "P", "Connector_Punctuation": "Pc",
    "Dash_Punctuation": "Pd", "Open_Punctuation": "Ps", "Close_Punctuation": "Pe",
    "Initial_Punctuation": "Pi", "Final_Punctuation": "Pf", "Other_Punctuation": "Po",
    "Symbol": "S", "Math_Symbol": "Sm", "Currency_Symbol": "Sc", "Modifier_Symbol": "Sk",
    "Other_Symbol": "So", "Separator": "Z", "Space_Separator": "Zs",
    "Line_Separator": "Zl", "Paragraph_Separator": "Zp", "Other": "C", "Control": "Cc",
    "cntrl": "Cc", "Format": "Cf", "Surrogate": "Cs", "Private_Use": "Co",
}
_PROPERTY = re.compile(r"\\([pP])\{(?:(?:General_Category|gc|Script|sc|"
                       r"Script_Extensions|scx)=)?([A-Za-z_]+)\}")


def _property(match: re.Match[str]) -> str:
    name = match.group(2)
    return f"\\{match.group(1)}{{{_CATEGORIES.get(name, name)}}}"


class PatternUnsupported(AccordError):
    """A pattern that cannot be evaluated in linear time, or is not a regex at all."""


def translate(pattern: str) -> str:
    """``pattern`` (ECMA-262) in RE2's syntax."""
    pattern = _PROPERTY.sub(_property, pattern)
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt == "s":
                out.append(_ECMA_SPACE if in_class else f"[{_ECMA_SPACE}]")
            elif nxt == "S":
                if in_class:
                    raise PatternUnsupported(f"\\S inside a character class in {pattern!r}")
                out.append(f"[^{_ECMA_SPACE}]")
            elif nxt == "u" and re.fullmatch(r"[0-9A-Fa-f]{4}", pattern[i + 2:i + 6]):
                out.append(f"\\x{{{pattern[i + 2:i + 6]}}}")
                i += 6
                continue
            else:
                out.append(pattern[i:i + 2])
            i += 2
            continue
        if c == "[" and not in_class:
            in_class = True
        elif c == "]" and in_class:
            in_class = False
        out.append(c)
        i += 1
    return "".join(out)


def why_unsupported(pattern: str) -> str | None:
    """Why ``pattern`` cannot be evaluated here, or None when it can."""
    try:
        compile_pattern(pattern)
    except PatternUnsupported as exc:
        return exc.message
    return None


@lru_cache(maxsize=4096)
def compile_pattern(pattern: str) -> Any:
    """The compiled RE2 program of an ECMA-262 ``pattern``; PatternUnsupported if none."""
    if _BACKREF.search(pattern):
        raise PatternUnsupported(f"pattern {pattern!r} uses a backreference, which cannot "
                                 "be matched in linear time")
    if _LOOKAROUND.search(pattern):
        raise PatternUnsupported(f"pattern {pattern!r} uses lookahead or lookbehind, which "
                                 "cannot be matched in linear time")
    for match in _REPEAT.finditer(pattern):
        if any(n and int(n) > MAX_REPEAT for n in match.groups()):
            raise PatternUnsupported(f"pattern {pattern!r} repeats {match.group(0)} times; "
                                     f"more than {MAX_REPEAT} cannot be evaluated here")
    program = _re2.RE2(translate(pattern).encode("utf-8", "surrogatepass"), _OPTIONS)
    if not program.ok():
        detail = program.error()
        detail = detail.decode() if isinstance(detail, bytes) else str(detail)
        raise PatternUnsupported(f"pattern {pattern!r} is not a regex Accord can evaluate: "
                                 f"{detail}")
    return _Program(program)


class _Program:
    """A compiled RE2 program, called without the `re2` module's match objects (which cost
    six times the match itself on the short strings of event payloads); its answers are
    kept per text (`memo.remembered`)."""

    __slots__ = ("_program", "search")

    def __init__(self, program: Any) -> None:
        self._program = program
        self.search = remembered(self._search)

    def _search(self, text: str) -> bool:
        data = text.encode("utf-8", "surrogatepass")
        return bool(self._program.Match(_UNANCHORED, data, 0, len(data))[0][0] != -1)


def search(pattern: str, text: str) -> bool:
    """Whether ``pattern`` matches anywhere in ``text`` (as JSON Schema's `pattern`)."""
    return bool(compile_pattern(pattern).search(text))
