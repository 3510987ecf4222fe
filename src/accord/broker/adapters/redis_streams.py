"""Redis Streams adapter: one stream per topic, consumer groups, XAUTOCLAIM redelivery.

Offsets are stream IDs ``<ms>-<seq>`` folded into one int (``ms << 20 | seq``), so they
sort as the stream does and convert back exactly for ``seek``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import redis
import redis.exceptions as rx

from accord.broker.records import DeadLetter, Key, PublishResult, Record

from .base import (
    CONNECT_TIMEOUT_S,
    AdapterError,
    ClientStats,
    ConnectionLost,
    EngineMessage,
    PartialPublish,
    WallClock,
    encode,
    header_map,
    now_ms,
    redact,
)

SEQ_BITS = 20
DEDUP_WINDOW_S = 120  # JetStream's default duplicate window, for the same behaviour
DLQ_SUFFIX = ".dlq"
MAX_ID = (1 << 64) - 1

DIFFERENCES = {
    "partitions": "one stream per topic: no key partitions, so no per-key ordering across "
                  "consumers of a group (create_topic ignores partitions)",
    "retention": "MAXLEN ~ by record count only; retention_ms and retention_bytes are not "
                 "enforced by Redis",
    "compaction": "not available: compact=True is ignored",
    "dedup": "msg_id dedup is a SET NX key per id with a 120 s expiry, kept by the adapter",
    "nack-delay": "emulated with XCLAIM IDLE: a delay longer than the ack timeout waits for "
                  "the ack timeout",
    "close": "a closed member's pending entries are redelivered after the ack timeout",
}


def to_offset(entry_id: bytes | str) -> int:
    text = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    ms, _, seq = text.partition("-")
    return int(ms) << SEQ_BITS | int(seq or 0)


def to_id(offset: int) -> str:
    return f"{offset >> SEQ_BITS}-{offset & ((1 << SEQ_BITS) - 1)}"


def _before(offset: int) -> str:
    """The ID just before ``offset``: SETID makes the group resume *after* an ID."""
    ms, seq = offset >> SEQ_BITS, offset & ((1 << SEQ_BITS) - 1)
    if seq:
        return f"{ms}-{seq - 1}"
    return f"{ms - 1}-{MAX_ID}" if ms else "0-0"


def _fail(url: str, exc: Exception) -> AdapterError:
    if isinstance(exc, rx.AuthenticationError | rx.AuthorizationError) or \
            "NOAUTH" in str(exc) or "WRONGPASS" in str(exc):
        return AdapterError(f"redis at {url} refused authentication: {exc}")
    if "Protocol Error" in str(exc):  # a server that answers, but not in Redis' protocol
        return AdapterError(f"{url} does not speak the Redis protocol: is it another "
                            "server (NATS, say) on that port?")
    if isinstance(exc, rx.TimeoutError | rx.ConnectionError):
        return ConnectionLost(f"cannot reach redis at {url}: {exc}")
    return AdapterError(f"redis at {url} failed: {exc}")


def _fields(value: bytes, is_json: bool, key: Key,
            headers: Mapping[str, str | bytes] | None) -> dict[bytes | str, bytes | str]:
    out: dict[bytes | str, bytes | str] = {"v": value}
    if is_json:
        out["j"] = "1"
    if key is not None:
        out["k"] = key
    for name, item in (headers or {}).items():
        out["h." + name] = item
    return out


def payload(fields: Mapping[bytes, bytes]) -> tuple[bytes, bool]:
    """The value of an entry; entries written by other producers are read as best we can."""
    if b"v" in fields:
        return fields[b"v"], fields.get(b"j") == b"1"
    if len(fields) == 1:  # the common XADD stream * data <json>
        return next(iter(fields.values())), False
    import json

    return json.dumps({k.decode(errors="replace"): v.decode(errors="replace")
                       for k, v in fields.items()}).encode(), True


class RedisSubscription:
    """One consumer of a group; ``poll`` claims timed-out entries first, then reads new."""

    def __init__(self, broker: RedisBroker, topic: str, group: str, max_deliveries: int,
                 ack_timeout_ms: int, max_in_flight: int) -> None:
        self._broker, self._topic, self._group = broker, topic, group
        self._max_deliveries, self._ack_timeout = max_deliveries, ack_timeout_ms
        self._max_in_flight = max_in_flight
        self._id = f"{group}-{uuid.uuid4().hex[:8]}"
        self._closed = False

    @property
    def member_id(self) -> str:
        return self._id

    def poll(self, max_records: int = 500, timeout_ms: int = 0) -> list[EngineMessage]:
        if self._closed:
            return []
        out = self._claim(max_records)
        room = max_records - len(out)
        if room > 0:
            reply = self._broker.call(
                "xreadgroup", self._group, self._id, {self._topic: ">"}, count=room,
                block=timeout_ms if timeout_ms and not out else None)
            for _stream, entries in reply or ():
                out.extend(self._message(eid, fields, 1) for eid, fields in entries)
        counts = self._broker.stats.of(self._topic)
        counts.delivered += len(out)
        counts.redelivered += sum(1 for m in out if m.attempt > 1)
        return out

    def _claim(self, limit: int) -> list[EngineMessage]:
        """Entries idle past the ack timeout come back through XAUTOCLAIM (Redis >= 6.2)."""
        reply = self._broker.call("xautoclaim", self._topic, self._group, self._id,
                                  self._ack_timeout, "0-0", count=limit)
        entries = [(eid, fields) for eid, fields in reply[1] if fields is not None]
        if not entries:
            return []
        attempts = self._attempts([eid for eid, _ in entries])
        out = []
        for eid, fields in entries:
            attempt = attempts.get(eid, 2)
            if attempt > self._max_deliveries:
                self._broker.dead_letter(self._topic, self._group, eid, fields, attempt - 1,
                                         "max-deliveries")
            else:
                out.append(self._message(eid, fields, attempt))
        return out

    def _attempts(self, ids: Sequence[bytes]) -> dict[bytes, int]:
        low, high = min(ids, key=to_offset), max(ids, key=to_offset)
        rows = self._broker.call("xpending_range", self._topic, self._group, low, high,
                                 len(ids) + 100, self._id)
        return {row["message_id"]: int(row["times_delivered"]) for row in rows}

    def _message(self, eid: bytes, fields: Mapping[bytes, bytes], attempt: int
                 ) -> EngineMessage:
        data, is_json = payload(fields)
        headers = {k[2:].decode(): v.decode(errors="replace")
                   for k, v in fields.items() if k.startswith(b"h.")}
        offset = to_offset(eid)
        key = fields.get(b"k")
        return EngineMessage(
            self._topic, 0, offset, offset >> SEQ_BITS,
            key.decode(errors="replace") if key is not None else None, data, is_json,
            header_map(headers), attempt, self._group,
            lambda: self._broker.ack(self._topic, self._group, eid),
            lambda delay, error: self._nack(eid, attempt, delay))

    def _nack(self, eid: bytes, attempt: int, delay_ms: int) -> None:
        # XCLAIM IDLE ages the entry so that XAUTOCLAIM takes it once ``delay_ms`` has passed;
        # RETRYCOUNT keeps the delivery count XCLAIM would otherwise bump.
        idle = max(0, self._ack_timeout - delay_ms)
        self._broker.call("xclaim", self._topic, self._group, self._id, 0, [eid], idle=idle,
                          retrycount=attempt, justid=True)

    def close(self) -> None:
        self._closed = True

    def crash(self) -> None:
        self._closed = True


class RedisBroker(WallClock):
    """The broker Protocol over Redis Streams (redis-py, synchronous)."""

    differences = DIFFERENCES

    def __init__(self, url: str, timeout: float = CONNECT_TIMEOUT_S) -> None:
        self._url = redact(url)  # what messages show; the client keeps the real one
        database = url.partition("://")[2].partition("/")[2].partition("?")[0]
        if database and not database.isdigit():
            raise AdapterError(f"redis URL {self._url}: the database after the last / is a "
                               f"number (redis://HOST:PORT/0), not {database!r}")
        self._maxlen: dict[str, int | None] = {}
        self.stats = ClientStats()
        self._client = redis.Redis.from_url(url, socket_connect_timeout=timeout,
                                            socket_timeout=max(timeout, 5.0))
        self.call("ping")

    @property
    def url(self) -> str:
        return self._url

    def call(self, command: str, *args: Any, **kwargs: Any) -> Any:
        """Run one redis-py command, turning its errors into one clear AdapterError."""
        try:
            return getattr(self._client, command)(*args, **kwargs)
        except rx.ResponseError as exc:
            if "NOGROUP" in str(exc):
                raise AdapterError(f"redis stream or group does not exist: {exc}") from None
            raise _fail(self._url, exc) from None
        except rx.RedisError as exc:
            raise _fail(self._url, exc) from None

    def create_topic(self, name: str, partitions: int = 1, retention_ms: int | None = None,
                     retention_bytes: int | None = None, compact: bool = False,
                     dead_letter: bool = True, max_records: int | None = None) -> object:
        self._maxlen[name] = max_records
        return name

    @staticmethod
    def position(offset: int) -> str:
        return to_id(offset)

    def exists(self, topic: str) -> bool:
        return bool(self.call("exists", topic))

    def publish(self, topic: str, value: object, key: Key = None,
                headers: Mapping[str, str | bytes] | None = None,
                msg_id: str | None = None) -> PublishResult:
        counts = self.stats.of(topic)
        if msg_id is not None and not self.call(
                "set", f"accord:dedup:{topic}:{msg_id}", 1, nx=True, ex=DEDUP_WINDOW_S):
            counts.duplicates += 1
            return PublishResult(topic, 0, -1, now_ms(), duplicate=True)
        data, is_json = encode(value)
        maxlen = self._maxlen.get(topic)
        eid = self.call("xadd", topic, _fields(data, is_json, key, headers), maxlen=maxlen,
                        approximate=True)
        counts.published += 1
        offset = to_offset(eid)
        return PublishResult(topic, 0, offset, offset >> SEQ_BITS)

    def publish_many(self, topic: str,
                     items: Sequence[tuple[object, Key, Mapping[str, str | bytes] | None]]
                     ) -> list[PublishResult]:
        """One pipeline of XADDs (no transaction): one round trip, the entries in order."""
        maxlen = self._maxlen.get(topic)
        pipe = self._client.pipeline(transaction=False)
        for value, key, headers in items:
            data, is_json = encode(value)
            fields: dict[Any, Any] = _fields(data, is_json, key, headers)
            pipe.xadd(topic, fields, maxlen=maxlen, approximate=True)
        try:
            replies = pipe.execute(raise_on_error=False)
        except rx.RedisError as exc:
            raise _fail(self._url, exc) from None
        out: dict[int, PublishResult] = {}
        refused = None
        for i, reply in enumerate(replies):
            if isinstance(reply, Exception):  # this XADD only: the others stand
                refused = refused or reply
                continue
            offset = to_offset(reply)
            out[i] = PublishResult(topic, 0, offset, offset >> SEQ_BITS)
        self.stats.of(topic).published += len(out)
        if refused is not None:
            error = _fail(self._url, refused) if isinstance(refused, rx.RedisError) else \
                AdapterError(f"redis at {self._url} failed: {refused}")
            raise PartialPublish(f"{error} ({len(out)} of {len(items)} published)", out)
        return [out[i] for i in range(len(items))]

    def subscribe(self, topic: str, group: str, *, max_deliveries: int = 5,
                  ack_timeout_ms: int = 30_000, max_in_flight: int = 100,
                  start: Literal["earliest", "latest"] = "earliest") -> RedisSubscription:
        try:
            self._client.xgroup_create(topic, group, id="0" if start == "earliest" else "$",
                                       mkstream=True)
        except rx.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):  # an existing group keeps its position
                raise _fail(self._url, exc) from None
        except rx.RedisError as exc:
            raise _fail(self._url, exc) from None
        self.stats.groups.add((group, topic))
        return RedisSubscription(self, topic, group, max_deliveries, ack_timeout_ms,
                                 max_in_flight)

    def ack(self, topic: str, group: str, eid: bytes) -> None:
        self.call("xack", topic, group, eid)
        self.stats.of(topic).acked += 1

    def dead_letter(self, topic: str, group: str, eid: bytes, fields: Mapping[bytes, bytes],
                    attempt: int, reason: str) -> None:
        """XADD to ``<topic>.dlq`` then XACK: a crash between them duplicates, never loses."""
        entry: dict[bytes | str, bytes | str] = {k: v for k, v in fields.items()}
        entry.update({"h.x-dead-letter-reason": reason, "h.x-dead-letter-group": group,
                      "h.x-dead-letter-attempt": str(attempt),
                      "h.x-dead-letter-offset": eid})
        self.call("xadd", topic + DLQ_SUFFIX, entry)
        self.call("xack", topic, group, eid)
        self.stats.of(topic).dead_lettered += 1

    def dead_letters(self, topic: str) -> list[DeadLetter]:
        out = []
        for eid, fields in self.call("xrange", topic + DLQ_SUFFIX):
            data, is_json = payload(fields)
            headers = {k[2:].decode(): v.decode() for k, v in fields.items()
                       if k.startswith(b"h.")}
            offset = to_offset(headers.get("x-dead-letter-offset", "0-0"))
            record = Record(topic, 0, offset, offset >> SEQ_BITS, None, data, is_json,
                            header_map(headers), len(data))
            out.append(DeadLetter(record, headers.get("x-dead-letter-group", ""),
                                  int(headers.get("x-dead-letter-attempt", "0")),
                                  headers.get("x-dead-letter-reason", ""), "",
                                  to_offset(eid) >> SEQ_BITS, header_map(headers)))
        return out

    def seek(self, group: str, topic: str, *, offset: int | None = None,
             timestamp: int | None = None,
             to: Literal["earliest", "latest"] | None = None) -> Mapping[int, int]:
        if to == "latest":
            target = "$"
        elif to == "earliest":
            target = "0"
        elif offset is not None:
            target = _before(offset)
        elif timestamp is not None:
            target = _before(timestamp << SEQ_BITS)
        else:
            raise AdapterError("seek needs offset, timestamp or to")
        self.call("xgroup_setid", topic, group, target)
        return {0: to_offset(target) + 1 if target not in ("$", "0") else 0}

    def lag(self, group: str, topic: str) -> int:
        for info in self.call("xinfo_groups", topic):
            if info["name"].decode() == group:
                # lag counts entries not yet read; pending ones are read but not settled.
                return int(info.get("lag") or 0) + int(info.get("pending") or 0)
        raise AdapterError(f"redis stream {topic!r} has no group {group!r}")

    def drop_group(self, group: str, topic: str) -> None:
        self.call("xgroup_destroy", topic, group)

    def delete_topic(self, topic: str) -> None:
        self.call("delete", topic, topic + DLQ_SUFFIX)
        self._maxlen.pop(topic, None)

    def close(self) -> None:
        self._client.close()


