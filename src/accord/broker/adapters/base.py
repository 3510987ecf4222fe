"""What every real-engine adapter shares: its Protocol, its message, its errors, its counters.

The simulator and ``accord tap`` see only ``accord.broker.protocol`` plus what
``EngineBroker`` adds here (``close``, ``lag``, ``delete_topic``, a poll that may wait).
Nothing here is specific to NATS, Redis or Kafka: each adapter says what it does
differently from the embedded broker in ``differences``.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, Protocol, cast, runtime_checkable

from accord.broker.metrics import BrokerMetrics, LatencySummary, PartitionMetrics, TopicMetrics
from accord.broker.protocol import Broker, Subscription
from accord.broker.records import EMPTY_HEADERS, Headers, Key, PublishResult
from accord.errors import AccordError

CONNECT_TIMEOUT_S = 2.0
"""Short on purpose: an unreachable broker should fail in seconds, not hang a CI job."""

ENCODING_HEADER = "accord-encoding"
"""Set to ``json`` on values the adapter serialised, so ``value`` decodes them again."""


class AdapterError(AccordError):
    """A real engine refused or failed: unreachable, auth, missing stream, dropped link."""


class ConnectionLost(AdapterError):
    """The link dropped mid-run; what was measured before it still counts."""


class PartialPublish(AdapterError):
    """``publish_many`` stored some items and not others: ``results`` maps the index of
    each stored item to its result, so the caller can account for what did go out."""

    def __init__(self, message: str, results: dict[int, PublishResult]) -> None:
        super().__init__(message)
        self.results = results


_USERINFO = re.compile(r"(^|://|,)([^/@,?#]*)@")
_SECRET_QUERY = re.compile(
    r"(?i)([?&](?:[\w-]+\.)*(?:password|pass|token|auth|secret)=)[^&#]*")


def redact(url: str) -> str:
    """``url`` with its passwords and tokens shown as ``***``: what reports, errors and logs
    may print. ``redis://:s3cret@h`` -> ``redis://:***@h``, ``nats://tok@h`` ->
    ``nats://***@h``, ``redis://h/0?password=s3cret`` -> ``redis://h/0?password=***``;
    every server of a comma-separated list, and a URL without a scheme, too."""

    def mask(match: re.Match[str]) -> str:
        user, colon, _ = match.group(2).partition(":")
        return f"{match.group(1)}{user + ':***' if colon else '***'}@"

    return _SECRET_QUERY.sub(r"\1***", _USERINFO.sub(mask, url))


def now_ms() -> int:
    """Wall-clock ms: real engines stamp records in wall time, not virtual time."""
    return time.time_ns() // 1_000_000


def encode(value: object) -> tuple[bytes, bool]:
    """A value as bytes on the wire, and whether it was JSON-encoded here."""
    if isinstance(value, bytes):
        return value, False
    return json.dumps(value, separators=(",", ":")).encode(), True


@dataclass(slots=True)
class EngineMessage:
    """One delivery from a real engine; settling calls back into the adapter."""

    topic: str
    partition: int
    offset: int
    timestamp: int
    key: Key
    data: bytes
    is_json: bool
    headers: Headers
    attempt: int
    group: str
    _ack: Callable[[], None] = field(repr=False)
    _nack: Callable[[int, object], None] = field(repr=False)
    settled: bool = False

    @property
    def value(self) -> Any:
        """JSON that the adapter encoded comes back decoded; anything else stays bytes."""
        return json.loads(self.data) if self.is_json else self.data

    def ack(self) -> None:
        if not self.settled:
            self.settled = True
            self._ack()

    def nack(self, delay_ms: int = 0, error: object = None) -> None:
        if not self.settled:
            self.settled = True
            self._nack(delay_ms, error)


@runtime_checkable
class EngineSubscription(Subscription, Protocol):
    """A group member on a real engine: ``poll`` may wait up to ``timeout_ms`` for data."""

    def poll(self, max_records: int = 500, timeout_ms: int = 0) -> list[EngineMessage]: ...


@runtime_checkable
class EngineBroker(Broker, Protocol):
    """The broker Protocol plus what a networked engine needs: lag and an explicit close."""

    @property
    def url(self) -> str: ...

    @property
    def differences(self) -> Mapping[str, str]:
        """Semantics of the embedded broker this engine lacks: name -> what happens instead."""
        ...

    def subscribe(
        self,
        topic: str,
        group: str,
        *,
        max_deliveries: int = 5,
        ack_timeout_ms: int = 30_000,
        max_in_flight: int = 100,
        start: Literal["earliest", "latest"] = "earliest",
    ) -> EngineSubscription:
        """Join ``group``; a new group starts at ``start``, an existing one where it was."""
        ...

    def publish_many(
        self,
        topic: str,
        items: Sequence[tuple[object, Key, Mapping[str, str | bytes] | None]],
    ) -> list[PublishResult]:
        """Publish ``(value, key, headers)`` items in order, waiting for the engine's acks
        together rather than one by one; the results are in the items' order. When the
        engine refuses some, `PartialPublish` says which went out."""
        ...

    def position(self, offset: int) -> str:
        """An offset as the engine's own tools name it (NATS: the stream sequence; Redis:
        the entry ID ``ms-seq``; Kafka: the offset)."""
        ...

    def ready(self) -> None:
        """Wait until every member subscribed so far has joined its group (Kafka's groups
        take seconds to form; NATS and Redis members take part at once)."""
        ...

    def read_all(self, topic: str) -> list[EngineMessage]:
        """Every record of ``topic`` up to its end now, each once, in log order per
        partition, without touching any group's position."""
        ...

    def exists(self, topic: str) -> bool: ...
    def lag(self, group: str, topic: str) -> int: ...
    def drop_group(self, group: str, topic: str) -> None: ...
    def delete_topic(self, topic: str) -> None:
        """Remove the topic, its groups and its dead letters; absent is not an error."""
        ...

    def close(self) -> None: ...


@dataclass
class TopicCounts:
    """What this client saw of a topic; engines keep no such totals for us."""

    published: int = 0
    duplicates: int = 0
    delivered: int = 0
    redelivered: int = 0
    acked: int = 0
    dead_lettered: int = 0


class ClientStats:
    """Client-side counters turned into the embedded broker's metrics shape."""

    def __init__(self) -> None:
        self.topics: dict[str, TopicCounts] = {}
        self.groups: set[tuple[str, str]] = set()

    def of(self, topic: str) -> TopicCounts:
        counts = self.topics.get(topic)
        if counts is None:
            counts = self.topics[topic] = TopicCounts()
        return counts

    def snapshot(self, now: int, lag: Callable[[str, str], int]) -> BrokerMetrics:
        topics = {
            name: TopicMetrics(
                name, 1, c.published, c.duplicates, c.delivered, c.redelivered, c.acked,
                MappingProxyType({"max-deliveries": c.dead_lettered} if c.dead_lettered else {}),
                MappingProxyType({}), 0, 0, 0, LatencySummary())
            for name, c in self.topics.items()
        }
        partitions = []
        for group, topic in sorted(self.groups):
            behind = lag(group, topic)
            partitions.append(PartitionMetrics(group, topic, 0, 0, 0, 0, behind, 0, behind,
                                               self.of(topic).redelivered, None))
        return BrokerMetrics(now, MappingProxyType(topics), tuple(partitions))


class WallClock:
    """What both adapters share: real engines run on wall-clock time, and their metrics
    are this client's counters plus the engine's lag."""

    stats: ClientStats

    @property
    def now(self) -> int:
        return now_ms()

    def advance(self, ms: int) -> int:
        """Sleep: on a real engine, time passes by itself."""
        time.sleep(ms / 1000)
        return now_ms()

    def lag(self, group: str, topic: str) -> int:
        raise NotImplementedError

    def ready(self) -> None:
        """Members of NATS and Redis groups take part from their first request."""

    def read_all(self, topic: str) -> list[EngineMessage]:
        """Read through a group of its own from the start, removed afterwards."""
        return read_through_group(cast(EngineBroker, self), topic)

    def metrics(self) -> BrokerMetrics:
        return self.stats.snapshot(now_ms(), self.lag)


READ_BACK_IDLE_S = 2.0
"""Reading a log back stops once it is caught up, or after this long with nothing new."""


def read_through_group(broker: EngineBroker, topic: str) -> list[EngineMessage]:
    """``topic``'s whole log, read through a group of its own from the start."""
    group = f"accord-replay-{uuid.uuid4().hex[:8]}"
    sub = broker.subscribe(topic, group, max_deliveries=1_000, ack_timeout_ms=600_000,
                           max_in_flight=1_000, start="earliest")
    out: dict[tuple[int, int], EngineMessage] = {}  # a redelivery is not a second record
    try:
        idle_since = time.monotonic()
        while time.monotonic() - idle_since < READ_BACK_IDLE_S:
            batch = sub.poll(1_000, timeout_ms=100)
            for m in batch:
                out[(m.partition, m.offset)] = m
                m.ack()
            if batch:
                idle_since = time.monotonic()
            elif broker.lag(group, topic) == 0:
                break
    finally:
        sub.close()
        with contextlib.suppress(AdapterError):
            broker.drop_group(group, topic)
    return [out[k] for k in sorted(out)]


def header_map(items: Mapping[str, str | bytes] | None) -> Headers:
    return EMPTY_HEADERS if not items else MappingProxyType(dict(items))


Opener = Callable[[str, float], EngineBroker]


class MissingClient(AdapterError):
    """The engine's client library is not installed (the ``engines`` extra)."""


def _client_missing(engine: str, library: str, exc: ModuleNotFoundError) -> MissingClient:
    """The client library itself is absent (any other import error is a real bug)."""
    if (exc.name or "").partition(".")[0] != library:
        raise exc
    return MissingClient(f"the {engine} adapter needs its client library ({library}): "
                         "pip install 'accord[engines]'")


def _open_nats(url: str, timeout: float) -> EngineBroker:
    try:
        from .nats_jetstream import NatsBroker
    except ModuleNotFoundError as exc:
        raise _client_missing("NATS", "nats", exc) from None
    return NatsBroker(url, timeout)


def _open_kafka(url: str, timeout: float) -> EngineBroker:
    try:
        from .kafka import KafkaBroker
    except ModuleNotFoundError as exc:
        raise _client_missing("Kafka", "confluent_kafka", exc) from None
    return KafkaBroker(url, timeout)


def _open_redis(url: str, timeout: float) -> EngineBroker:
    try:
        from .redis_streams import RedisBroker
    except ModuleNotFoundError as exc:
        raise _client_missing("Redis", "redis", exc) from None
    return RedisBroker(url, timeout)


# Name -> implementation, checked by the Protocol (see STYLE.md).
ENGINES: dict[str, Opener] = {
    "nats": _open_nats, "tls": _open_nats, "redis": _open_redis, "rediss": _open_redis,
    "kafka": _open_kafka}


def connect(url: str, timeout: float = CONNECT_TIMEOUT_S) -> EngineBroker:
    """An adapter for ``url`` (``nats://host:port``, ``redis://host:port/db`` or
    ``kafka://host:port[,host:port]``)."""
    scheme = url.partition("://")[0].lower() if "://" in url else ""
    opener = ENGINES.get(scheme)
    if opener is None:
        raise AdapterError(
            f"unknown broker URL {redact(url)!r}: use nats://HOST:PORT, redis://HOST:PORT "
            "or kafka://HOST:PORT")
    try:
        return opener(url, timeout)
    except ValueError as exc:  # what the client libraries raise for a malformed URL
        raise AdapterError(f"invalid broker URL {redact(url)!r}: {exc}") from None
