"""Python identifiers from JSON names, and literals that carry contract text safely.

Every name a contract contributes to generated code goes through `identifier`, which only
ever returns ASCII identifiers that are not keywords, builtins or names the generated code
uses itself; every piece of contract text goes through `string_literal` or `docstring`.
Nothing from a contract reaches the output any other way, so nothing can inject code.
"""

from __future__ import annotations

import builtins
import functools
import keyword
import re
import unicodedata

# Names the generated classes define or use, which a field must never shadow.
RESERVED = frozenset({
    "self", "cls", "from_dict", "from_json", "to_dict", "to_json", "validate",
    "EVENT", "VERSION", "CHANNEL", "SCHEMA_ID", "model_config", "model_fields",
    "dataclasses", "json", "re", "annotations", "field", "typing", "enum",
    "l", "I", "O",  # ambiguous to read (E741)
    # pydantic.BaseModel's own attributes: a field may not shadow them in the pydantic style,
    # and names should not depend on the style.
    "construct", "copy", "dict", "from_orm", "parse_file", "parse_obj", "parse_raw",
    "schema", "schema_json", "update_forward_refs", "model_computed_fields", "model_construct",
    "model_copy", "model_dump", "model_dump_json", "model_extra", "model_fields_set",
    "model_json_schema", "model_parametrized_name", "model_post_init", "model_rebuild",
    "model_validate", "model_validate_json", "model_validate_strings",
})
_BUILTINS = frozenset(dir(builtins))
_WORD = re.compile(r"[A-Za-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


@functools.lru_cache(maxsize=65536)
def _ascii_words(name: str) -> tuple[str, ...]:
    """Split ``name`` into ASCII words: accents dropped, camelCase split, the rest separators."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    words: list[str] = []
    for chunk in _WORD.findall(folded):
        words.extend(w for w in _CAMEL.split(chunk) if w)
    return tuple(words)


@functools.lru_cache(maxsize=65536)
def snake(name: str) -> str:
    """``orderId`` -> ``order_id``; may be empty or start with a digit (see `identifier`)."""
    return "_".join(w.lower() for w in _ascii_words(name))


@functools.lru_cache(maxsize=65536)
def pascal(name: str) -> str:
    """``order_line`` -> ``OrderLine``; may be empty or start with a digit."""
    return "".join(w[:1].upper() + w[1:] for w in _ascii_words(name))


def upper(name: str) -> str:
    """An enum member name: ``mobile_app`` -> ``MOBILE_APP``."""
    return "_".join(w.upper() for w in _ascii_words(name))


@functools.lru_cache(maxsize=65536)
def is_safe(name: str) -> bool:
    return (
        name.isidentifier()
        and name.isascii()
        and not name.startswith("_")
        and not keyword.iskeyword(name)
        and not keyword.issoftkeyword(name)
        and name not in _BUILTINS
        and name not in RESERVED
    )


class Namer:
    """Hands out unique, safe identifiers in one scope (a class body or a module)."""

    def __init__(self, taken: frozenset[str] | set[str] = frozenset()) -> None:
        self._taken: set[str] = set(taken)

    def claim(self, wanted: str, fallback: str = "field") -> str:
        """A safe identifier close to ``wanted`` (already normalised), unique in this scope."""
        base = wanted or fallback
        if base[0].isdigit():
            base = f"{fallback}_{base}"
        if not is_safe(base):
            base = f"{base}_"
        name = base
        counter = 2
        while name in self._taken or not is_safe(name):
            name = f"{base}{counter}" if base.endswith("_") else f"{base}_{counter}"
            counter += 1
        self._taken.add(name)
        return name

    def __contains__(self, name: str) -> bool:
        return name in self._taken


def string_literal(text: str) -> str:
    """A Python string literal for ``text``: repr, which escapes quotes and newlines."""
    return repr(text)


_TRIPLE = re.compile(r'"(?="")|"$')


def docstring(text: str, indent: str, width: int = 96) -> list[str]:
    """Lines of a docstring for ``text`` (see `_docstring`); versions repeat their texts."""
    return list(_docstring(text, indent, width))


@functools.lru_cache(maxsize=65536)
def _docstring(text: str, indent: str, width: int) -> tuple[str, ...]:
    """Lines of a docstring for ``text``, safe for any content and free of trailing spaces.

    Backslashes are doubled, every character Python could read as a quote end is escaped,
    and control characters are written as escapes, so the literal always evaluates back to
    the (stripped) text and can never close early.
    """
    lines = [line.rstrip() for line in text.strip().splitlines()]
    body: list[str] = []
    for line in lines:
        escaped = line.replace("\\", "\\\\")
        escaped = _TRIPLE.sub(r'\\"', escaped)
        if not escaped.isprintable():
            escaped = "".join(
                c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                for c in escaped
            )
        body.append(escaped)
    while body and not body[-1]:
        body.pop()
    if not body:
        return ()
    if len(body) == 1 and len(indent) + len(body[0]) + 6 <= width:
        return (f'{indent}"""{body[0]}"""',)
    out = [f'{indent}"""{body[0]}']
    out.extend(f"{indent}{line}" if line else "" for line in body[1:])
    out.append(f'{indent}"""')
    return tuple(out)
