"""Confluent's wire format: magic byte 0, a 4-byte big-endian schema id, then the payload."""

from __future__ import annotations

MAGIC = 0
HEADER = 5


def split_framed(data: bytes) -> tuple[int, bytes] | None:
    """(schema id, payload) of a framed message, or None when ``data`` is not framed.

    A JSON document never starts with a zero byte, so the test is unambiguous for JSON.
    """
    if len(data) < HEADER or data[0] != MAGIC:
        return None
    return int.from_bytes(data[1:HEADER], "big"), data[HEADER:]


def frame(schema_id: int, payload: bytes) -> bytes:
    """``payload`` framed with ``schema_id``, as Confluent's serializers write it."""
    return bytes([MAGIC]) + schema_id.to_bytes(4, "big") + payload
