"""Values, keys and headers to bytes, the way a real broker client would send them."""

from __future__ import annotations

import json
from collections.abc import Mapping

from .errors import SerializationError
from .partitioning import key_bytes
from .records import HeaderItems

_encode_json = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, separators=(",", ":"), sort_keys=True
).encode


def encode_value(value: object, topic: str) -> tuple[bytes, bool]:
    """(bytes, is_json): bytes-like values as they are, anything else as canonical JSON.

    Canonical (sorted keys, no spaces, UTF-8) so equal values have equal sizes and
    bytes, which keeps ``retention_bytes`` and traces deterministic.
    """
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value), False
    try:
        return _encode_json(value).encode(), True
    except (TypeError, ValueError) as exc:
        raise SerializationError(
            f"value published to {topic!r} is neither bytes nor JSON-able: {exc}"
        ) from None


def check_headers(headers: Mapping[str, str | bytes], topic: str) -> tuple[HeaderItems, int]:
    """``headers`` as a tuple of pairs (how a log row keeps them), and their size in bytes
    (names and values, UTF-8)."""
    size = 0
    for name, value in headers.items():
        if not isinstance(name, str) or not isinstance(value, str | bytes):
            raise SerializationError(
                f"header {name!r} on {topic!r} must map str to str or bytes,"
                f" got {type(value).__name__}"
            )
        size += len(name.encode()) + len(key_bytes(value))
    return tuple(headers.items()), size
