"""Key to partition, the way Kafka's default partitioner does it (murmur2).

Python's ``hash()`` is salted per process, so it would break both determinism and
agreement with real clients; murmur2 puts a key on the same partition a Java or
librdkafka producer (``murmur2_random``) would.
"""

from __future__ import annotations

from functools import lru_cache

_M = 0x5BD1E995
_MASK = 0xFFFFFFFF


def murmur2(data: bytes) -> int:
    """Kafka's ``Utils.murmur2``: a signed 32-bit hash of ``data``."""
    length = len(data)
    h = (0x9747B28C ^ length) & _MASK
    tail = length & ~3
    for i in range(0, tail, 4):
        k = int.from_bytes(data[i : i + 4], "little")
        k = (k * _M) & _MASK
        k ^= k >> 24
        k = (k * _M) & _MASK
        h = ((h * _M) & _MASK) ^ k
    rest = length & 3
    if rest == 3:
        h ^= data[tail + 2] << 16
    if rest >= 2:
        h ^= data[tail + 1] << 8
    if rest >= 1:
        h ^= data[tail]
        h = (h * _M) & _MASK
    h ^= h >> 13
    h = (h * _M) & _MASK
    h ^= h >> 15
    return h - (1 << 32) if h & 0x80000000 else h


def key_bytes(key: str | bytes) -> bytes:
    """The bytes a key is hashed and sized by (UTF-8 for text, like a string serializer)."""
    return key.encode() if isinstance(key, str) else key


@lru_cache(maxsize=65536)
def partition_for(key: str | bytes, partitions: int) -> int:
    """The partition of ``key`` among ``partitions``: ``toPositive(murmur2(key)) % n``.

    Cached because real workloads reuse a bounded set of keys (order ids, device ids).
    """
    return (murmur2(key_bytes(key)) & 0x7FFFFFFF) % partitions
