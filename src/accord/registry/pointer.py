"""JSON pointers (RFC 6901): escaping one token, building a pointer, resolving one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
"""What `resolve` returns when the pointer names nothing."""


def escape(token: str) -> str:
    """One pointer token: `~` as `~0`, `/` as `~1`."""
    if "~" in token or "/" in token:
        return token.replace("~", "~0").replace("/", "~1")
    return token


def unescape(token: str) -> str:
    """The key one pointer token names."""
    if "~" in token:
        return token.replace("~1", "/").replace("~0", "~")
    return token


def join(tokens: Iterable[object]) -> str:
    """The pointer of a path of keys and indexes (`""` for the document itself)."""
    return "".join("/" + escape(str(token)) for token in tokens)


def resolve(document: Any, pointer: str) -> Any:
    """The value ``pointer`` names in ``document``, or `MISSING`."""
    node = document
    if not pointer:
        return node
    for raw in pointer[1:].split("/"):
        token = unescape(raw)
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and _is_index(token) and int(token) < len(node):
            node = node[int(token)]
        else:
            return MISSING
    return node


def _is_index(token: str) -> bool:
    # ASCII only: str.isdigit() also accepts "²", which int() refuses.
    return token.isascii() and token.isdigit()
