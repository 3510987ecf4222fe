"""Kafka adapter on confluent-kafka (librdkafka): partitions, groups, commits, dead letters.

- **Publishing** goes through one idempotent producer (``enable.idempotence``: acks from
  all in-sync replicas, no duplicates from the client's own retries) with librdkafka's
  ``murmur2_random`` partitioner, Kafka's Java default: a key goes to the partition the
  embedded broker and every Java producer would choose.
- **A group member** is a ``Consumer`` with cooperative-sticky rebalancing and no
  auto-commit. Offsets are committed after handling: a partition's committed offset is
  its lowest record not yet acked, nacked to the end or dead-lettered, so a member that
  dies loses nothing (at-least-once).
- **Retries** are pause-and-redeliver inside the member that holds the partition: a nacked
  record comes back after its delay, and the committed offset waits for it. A record not
  settled within the ack timeout comes back the same way (Kafka itself has no per-record
  ack timeout). When the member goes, the group re-reads from the committed offset.
- **Dead letters** go to ``<topic>.dlq`` with ``x-dead-letter-*`` headers, then the
  record counts as settled: produce first, commit after, so a crash between duplicates and
  never loses.
- **Delivery counts**: Kafka keeps none. This client counts deliveries per group and
  offset, so a redelivery within one process says ``attempt`` 2; a member in another
  process starts again at 1.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from confluent_kafka import (
    TIMESTAMP_LOG_APPEND_TIME,
    Consumer,
    ConsumerGroupTopicPartitions,
    KafkaError,
    KafkaException,
    Producer,
    TopicPartition,
)
from confluent_kafka.admin import AdminClient, NewTopic  # type: ignore[attr-defined]

from accord.broker.records import DeadLetter, Key, PublishResult, Record

from . import kafka_config
from .base import (
    CONNECT_TIMEOUT_S,
    ENCODING_HEADER,
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

DLQ_SUFFIX = ".dlq"
DEDUP_WINDOW_S = 120.0
PUBLISH_TIMEOUT_S = 15.0
JOIN_TIMEOUT_S = 30.0
EMPTY_GRACE_S = 5.0
MOCK_PREFIX = "mockCluster"
"""The cluster id librdkafka's mock cluster reports (rdkafka_mock.c): it has no admin API."""

DIFFERENCES = {
    "dedup": "Kafka has no message-id dedup (the idempotent producer drops only its own "
             "retries): msg_id dedup is kept by this client for 120 s, so the same id "
             "from two processes is stored twice",
    "nack-delay": "pause-and-redeliver in the member holding the partition; the committed "
                  "offset waits for the record, so a member that dies meanwhile hands it to "
                  "the group from the committed offset",
    "ack-timeout": "Kafka has no per-record ack timeout: the member redelivers a record "
                   "it has held past the ack timeout itself",
    "attempts": "Kafka keeps no delivery count: attempts are counted per client process",
    "crash": "a crashed member closes without committing: the group rebalances at once "
             "instead of after session.timeout.ms",
    "retention": "retention.ms / retention.bytes / compaction are topic configs set when "
                 "the topic is created; a cluster without CreateTopics (the mock) keeps "
                 "its defaults",
}
MOCK_DIFFERENCES = {
    "topics": "librdkafka's mock cluster has no CreateTopics or DeleteTopics: topics are "
              "auto-created with its default partition count and stay until it stops",
    "seek-by-time": "librdkafka's mock cluster answers every timestamp lookup with the end "
                    "of the partition (ListOffsets by time is not implemented there)",
    "retention": "librdkafka's mock cluster keeps at most 5 MiB per partition and drops the "
                 "oldest records beyond that",
}


def _silent_logger() -> logging.Logger:
    """librdkafka logs to stderr by default; errors reach us through ``error_cb``."""
    log = logging.getLogger("accord.kafka")
    log.propagate = False
    if not log.handlers:
        log.addHandler(logging.NullHandler())
    return log


def _explain(url: str, error: KafkaError | str) -> AdapterError:
    text = error.str() if isinstance(error, KafkaError) else str(error)
    code = error.code() if isinstance(error, KafkaError) else None
    lowered = text.lower()
    if code in (KafkaError._AUTHENTICATION, KafkaError.SASL_AUTHENTICATION_FAILED) or \
            "authentication" in lowered or "sasl" in lowered:
        return AdapterError(f"kafka at {url} refused authentication: {text}")
    if "invalid response size" in lowered or "protocol parse" in lowered or \
            "unsupported sasl" in lowered or "is the broker" in lowered:
        return AdapterError(f"{url} does not speak the Kafka protocol: is it another server "
                            "on that port?")
    if code in (KafkaError._TRANSPORT, KafkaError._ALL_BROKERS_DOWN, KafkaError._TIMED_OUT,
                KafkaError._RESOLVE) or "connect" in lowered or "down" in lowered:
        return ConnectionLost(f"cannot reach kafka at {url}: {text}")
    return AdapterError(f"kafka at {url} failed: {text}")


def _nothing(*_: object) -> None:
    """Settling a record read outside any group: there is nothing to settle."""


def _rank(error: KafkaError) -> int:
    """How much an error says about why a broker is unusable (more is clearer)."""
    text = error.str().lower()
    if "invalid response size" in text or "protocol parse" in text:
        return 4  # another protocol on the port
    if error.code() in (KafkaError._AUTHENTICATION, KafkaError.SASL_AUTHENTICATION_FAILED):
        return 4
    if error.code() == KafkaError._RESOLVE or "resolve" in text:
        return 3
    if "connection refused" in text or "ssl" in text:
        return 2
    return 1


@dataclass
class _Partition:
    """One assigned partition of a member: what it delivered and has yet to settle."""

    unsettled: dict[int, int] = field(default_factory=dict)
    """offset -> the token of its live delivery (insertion order is offset order)."""
    fetched: int = -1
    """One past the highest offset fetched; -1 before the first fetch."""
    committed: int = -1


@dataclass(slots=True)
class _Held:
    """A record the member holds: sent out (due = ack deadline) or waiting to be resent."""

    due: float
    partition: int
    offset: int
    attempt: int
    message: Any
    token: int
    """Which delivery of the record this is: stale once the record is settled, redelivered,
    sought away or revoked (a token is never reused, unlike an attempt number)."""


class KafkaSubscription:
    """One member of a consumer group on one topic."""

    def __init__(self, broker: KafkaBroker, topic: str, group: str, max_deliveries: int,
                 ack_timeout_ms: int, max_in_flight: int, start: str) -> None:
        self._broker, self._topic, self._group = broker, topic, group
        self._max_deliveries = max_deliveries
        self._ack_timeout_s = ack_timeout_ms / 1000
        self._max_in_flight = max_in_flight
        self._id = f"{group}-{uuid.uuid4().hex[:8]}"
        self._parts: dict[int, _Partition] = {}
        self._inflight: deque[_Held] = deque()  # ack deadlines, oldest first
        self._retry: list[_Held] = []           # nacked, with the time they are due
        self._buffer: deque[Any] = deque()  # fetched while waiting for a rebalance
        self._tokens = itertools.count(1)
        self._dirty = False
        self._closed = False
        self._crashed = False
        self._assigned_at: float | None = None
        self._joined = False
        self._consumer = Consumer(broker.settings(
            {"fetch.wait.max.ms": 5, "heartbeat.interval.ms": 300, **broker.group_timing},
            {"group.id": group, "enable.auto.commit": False, "enable.auto.offset.store": False,
             "auto.offset.reset": start, "partition.assignment.strategy": "cooperative-sticky",
             "client.id": self._id}), logger=broker.logger)
        self._consumer.subscribe([topic], on_assign=self._assigned, on_revoke=self._revoked,
                                 on_lost=self._lost)

    @property
    def member_id(self) -> str:
        return self._id

    @property
    def group(self) -> str:
        return self._group

    @property
    def topic(self) -> str:
        return self._topic

    # -- rebalancing -------------------------------------------------------------------

    def _assigned(self, consumer: Any, partitions: list[Any]) -> None:
        for tp in partitions:
            self._parts[tp.partition] = _Partition()
        if self._assigned_at is None or partitions:
            self._assigned_at = time.monotonic()
        if partitions:
            self._joined = True

    @property
    def joining(self) -> bool:
        """Still waiting for the group to give it partitions. Cooperative rebalancing
        answers a newcomer with nothing first and moves partitions in a second round; a
        member beyond the topic's partition count gets none, so it counts as joined
        EMPTY_GRACE_S after its first answer."""
        if self._joined or self._closed:
            return False
        if self._assigned_at is not None and \
                time.monotonic() - self._assigned_at > EMPTY_GRACE_S:
            self._joined = True
        return not self._joined

    def pump(self) -> None:
        """Serve the group protocol (it only advances inside a consume call), keeping
        whatever arrives for the next poll."""
        if not self._closed:
            self._buffer.extend(self._fetch(500, 0.05))

    def _revoked(self, consumer: Any, partitions: list[Any]) -> None:
        if not self._crashed:
            self.commit(synchronous=True)
        self._drop(tp.partition for tp in partitions)

    def _lost(self, consumer: Any, partitions: list[Any]) -> None:
        self._drop(tp.partition for tp in partitions)  # another member owns them now

    def _drop(self, partitions: Any) -> None:
        gone = set(partitions)
        for p in gone:
            self._parts.pop(p, None)
        self._buffer = deque(m for m in self._buffer if m.partition() not in gone)
        # What was held for them goes stale: _expire and poll skip it.

    # -- delivery ----------------------------------------------------------------------

    def poll(self, max_records: int = 500, timeout_ms: int = 0) -> list[EngineMessage]:
        if self._closed:
            return []
        self._broker.check()
        if self.joining:
            self._broker.join(self)
        now = time.monotonic()
        out: list[EngineMessage] = []
        self._expire(now)
        if self._retry:
            due = sorted((h for h in self._retry if h.due <= now and self._live(h)),
                         key=lambda h: (h.partition, h.offset))
            if due:
                self._retry = [h for h in self._retry if h.due > now and self._live(h)]
                for held in due[:max_records]:
                    out.append(self._deliver(held.message, held.attempt, now, held.token))
                self._retry.extend(due[max_records:])
        unsettled = sum(len(part.unsettled) for part in self._parts.values())
        room = min(max_records - len(out), self._max_in_flight - unsettled)
        if room > 0:
            batch: list[Any] = []
            while self._buffer and len(batch) < room:
                batch.append(self._buffer.popleft())
            if len(batch) < room:
                wait = timeout_ms / 1000 if timeout_ms and not out and not batch else 0
                batch.extend(self._fetch(room - len(batch), wait))
            for message in batch:
                partition, offset = message.partition(), message.offset()
                part = self._parts.get(partition)
                if part is None:
                    continue  # revoked since it was fetched: its new owner reads it
                part.fetched = max(part.fetched, offset + 1)
                attempt = self._broker.attempts.next(self._group, self._topic, partition,
                                                     offset)
                out.append(self._deliver(message, attempt, now))
        self._commit_if_dirty()
        counts = self._broker.stats.of(self._topic)
        counts.delivered += len(out)
        counts.redelivered += sum(1 for m in out if m.attempt > 1)
        return out

    def _fetch(self, limit: int, wait_s: float) -> list[Any]:
        try:
            batch = self._consumer.consume(limit, wait_s)
        except KafkaException as exc:
            raise _explain(self._broker.url, exc.args[0]) from None
        except RuntimeError as exc:  # consumer closed under us
            raise AdapterError(f"kafka consumer {self._id} failed: {exc}") from None
        out = []
        for message in batch:
            error = message.error()
            if error is None:
                out.append(message)
            elif error.code() == KafkaError.UNKNOWN_TOPIC_OR_PART:
                raise AdapterError(f"kafka at {self._broker.url} has no topic "
                                   f"{self._topic!r}")
            elif error.code() != KafkaError._PARTITION_EOF:
                raise _explain(self._broker.url, error)
        return out

    def _deliver(self, message: Any, attempt: int, now: float, token: int = 0
                 ) -> EngineMessage:
        partition, offset = message.partition(), message.offset()
        part = self._parts.setdefault(partition, _Partition())
        token = token or next(self._tokens)
        part.unsettled[offset] = token
        self._inflight.append(_Held(now + self._ack_timeout_s, partition, offset, attempt,
                                    message, token))
        headers = dict(message.headers() or ())
        is_json = headers.pop(ENCODING_HEADER, None) == b"json"
        shown = {k: (v.decode(errors="replace") if isinstance(v, bytes) else v or "")
                 for k, v in headers.items()}
        raw_key = message.key()
        key = raw_key.decode(errors="replace") if isinstance(raw_key, bytes) else raw_key
        _, stamp = message.timestamp()
        return EngineMessage(
            self._topic, partition, offset, stamp, key, message.value() or b"", is_json,
            header_map(shown), attempt, self._group,
            lambda: self._settle(partition, offset),
            lambda delay, error: self._nack(message, attempt, token, delay, error))

    def _live(self, held: _Held) -> bool:
        """Whether ``held`` is still the record's current attempt (not settled, not sought
        away, not revoked): stale entries are dropped lazily, not searched for."""
        return self._current(held.partition, held.offset, held.token) is not None

    def _current(self, partition: int, offset: int, token: int) -> _Partition | None:
        """The partition state, if this delivery is still the live one."""
        part = self._parts.get(partition)
        if part is None or part.unsettled.get(offset) != token:
            return None  # revoked, sought away, or already settled / redelivered
        return part

    def _settle(self, partition: int, offset: int) -> None:
        part = self._parts.get(partition)
        if part is None or offset not in part.unsettled:
            return  # revoked meanwhile: the new owner redelivers it
        del part.unsettled[offset]  # a late ack still settles the record (as NATS's does)
        self._dirty = True
        self._broker.stats.of(self._topic).acked += 1

    def _nack(self, message: Any, attempt: int, token: int, delay_ms: int,
              error: object) -> None:
        if self._current(message.partition(), message.offset(), token) is None:
            return
        self._give_back(message, attempt, delay_ms / 1000, str(error or "nacked"))

    def _give_back(self, message: Any, attempt: int, delay_s: float, error: str) -> None:
        partition, offset = message.partition(), message.offset()
        if attempt >= self._max_deliveries:
            self._broker.dead_letter(self._topic, self._group, message, attempt,
                                     "max-deliveries", error)
            part = self._parts[partition]
            del part.unsettled[offset]
            self._dirty = True
            return
        again = self._broker.attempts.next(self._group, self._topic, partition, offset)
        token = self._parts[partition].unsettled[offset] = next(self._tokens)
        self._retry.append(_Held(time.monotonic() + delay_s, partition, offset, again,
                                 message, token))

    def _expire(self, now: float) -> None:
        """Records held past the ack timeout come back, as an engine's redelivery would."""
        while self._inflight and self._inflight[0].due <= now:
            held = self._inflight.popleft()
            if self._live(held):
                self._give_back(held.message, held.attempt, 0.0,
                                f"ack timeout after {int(self._ack_timeout_s * 1000)} ms")

    # -- commits -----------------------------------------------------------------------

    def positions(self) -> dict[int, int]:
        """Per partition, the offset a commit now would store: the lowest unsettled one."""
        out = {}
        for p, part in self._parts.items():
            if part.unsettled:
                out[p] = next(iter(part.unsettled))
            elif part.fetched >= 0:
                out[p] = part.fetched
        return out

    def _commit_if_dirty(self) -> None:
        if self._dirty:
            self.commit(synchronous=False)

    def commit(self, synchronous: bool) -> None:
        todo = [TopicPartition(self._topic, p, offset) for p, offset in self.positions().items()
                if offset > self._parts[p].committed]
        self._dirty = False
        if not todo:
            return
        try:
            if synchronous:
                self._consumer.commit(offsets=todo, asynchronous=False)
            else:
                self._consumer.commit(offsets=todo, asynchronous=True)
        except KafkaException as exc:
            error = exc.args[0]
            if error.code() in (KafkaError._NO_OFFSET, KafkaError.REBALANCE_IN_PROGRESS,
                                KafkaError.ILLEGAL_GENERATION, KafkaError.UNKNOWN_MEMBER_ID,
                                KafkaError._STATE):
                self._dirty = True  # try again after the rebalance
                return
            raise _explain(self._broker.url, error) from None
        for tp in todo:
            self._parts[tp.partition].committed = tp.offset
            self._broker.attempts.forget(self._group, self._topic, tp.partition, tp.offset)

    def seek(self, offsets: Mapping[int, int]) -> None:
        """Read again from ``offsets`` (partition -> offset) on the partitions held here."""
        for p, offset in offsets.items():
            if p in self._parts:
                self._parts[p] = _Partition()
                self._consumer.seek(TopicPartition(self._topic, p, offset))
        # What was held for those partitions went stale with their state.

    @property
    def assigned(self) -> set[int]:
        return set(self._parts)

    def close(self) -> None:
        if self._closed:
            return
        try:
            self.commit(synchronous=True)
        finally:
            self._shut()

    def crash(self) -> None:
        """Die without committing: what was unsettled goes to the group again."""
        self._crashed = True
        self._shut()

    def _shut(self) -> None:
        self._closed = True
        self._broker.forget(self)
        # A link that is gone: the group notices after its session timeout.
        with contextlib.suppress(KafkaException, RuntimeError):
            self._consumer.close()


class _Attempts:
    """Delivery counts per (group, topic, partition, offset), up to the committed offset."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, str, int], dict[int, int]] = {}

    def next(self, group: str, topic: str, partition: int, offset: int) -> int:
        counts = self._counts.setdefault((group, topic, partition), {})
        counts[offset] = counts.get(offset, 0) + 1
        return counts[offset]

    def forget(self, group: str, topic: str, partition: int, below: int) -> None:
        counts = self._counts.get((group, topic, partition))
        if counts:
            for offset in [o for o in counts if o < below]:
                del counts[offset]


class KafkaBroker(WallClock):
    """The broker Protocol over a Kafka cluster (confluent-kafka)."""

    def __init__(self, url: str, timeout: float = CONNECT_TIMEOUT_S) -> None:
        self._url = redact(url)
        self._settings = kafka_config.parse(url)
        self._timeout = timeout
        self.logger = _silent_logger()
        self.stats = ClientStats()
        self.attempts = _Attempts()
        self._members: list[KafkaSubscription] = []
        self._dedup: dict[tuple[str, str], float] = {}
        self._down: KafkaError | None = None
        self._detail: KafkaError | None = None
        self._lock = threading.Lock()
        self._producer = Producer(self.settings(
            {"linger.ms": 2, "message.timeout.ms": int(PUBLISH_TIMEOUT_S * 1000),
             "socket.connection.setup.timeout.ms": max(1_000, int(timeout * 1000))},
            {"enable.idempotence": True, "acks": "all", "partitioner": "murmur2_random"}),
            logger=self.logger)
        try:
            metadata = self._producer.list_topics(timeout=timeout)
        except KafkaException as exc:
            raise self._unreachable(exc.args[0]) from None
        self.mock = str(metadata.cluster_id or "").startswith(MOCK_PREFIX)
        self.differences = {**DIFFERENCES, **(MOCK_DIFFERENCES if self.mock else {})}
        # The mock waits session.timeout.ms - 1 s for members after a change (a real
        # cluster only until they have all rejoined, so librdkafka's defaults stay there),
        # and drops members whose session is shorter than its 3 s initial join delay.
        self.group_timing = {"session.timeout.ms": 4_000} if self.mock else {}
        self._admin = AdminClient(self.settings({}), logger=self.logger)
        self._meta: Any = None

    def _unreachable(self, error: KafkaError) -> AdapterError:
        """The clearest of ``error`` and what the error callback heard meanwhile."""
        with contextlib.suppress(KafkaException, RuntimeError):
            self._producer.poll(0)  # error callbacks are served here
        with self._lock:
            detail = self._detail
        return _explain(self._url, detail if detail is not None and
                        _rank(detail) > _rank(error) else error)

    def settings(self, defaults: Mapping[str, Any],
                 owned: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """``defaults`` under the URL's settings, then what the adapter owns on top, with
        the error callback of this broker."""
        return {**defaults, **self._settings, "error_cb": self._on_error, **(owned or {})}

    def ready(self) -> None:
        """Wait until every member has joined, the groups forming side by side."""
        for member in list(self._members):
            self.join(member)

    def join(self, member: KafkaSubscription) -> None:
        """Wait until ``member`` has its partitions, serving every local member meanwhile:
        a rebalance completes only once each member of the group has rejoined."""
        deadline = time.monotonic() + JOIN_TIMEOUT_S
        while member.joining:
            for other in list(self._members):
                other.pump()
            self.check()
            if time.monotonic() > deadline:
                raise AdapterError(f"kafka at {self._url}: group {member.group!r} gave "
                                   f"{member.member_id} no partitions of {member.topic!r} in "
                                   f"{JOIN_TIMEOUT_S:.0f} s")

    def _on_error(self, error: KafkaError) -> None:
        """librdkafka's background errors: it retries links by itself, so only losing every
        broker, a refused login or a fatal error stop a run; the rest explain it."""
        code = error.code()
        with self._lock:
            if _rank(error) >= _rank(self._detail) if self._detail else True:
                self._detail = error
            if code in (KafkaError._ALL_BROKERS_DOWN, KafkaError._AUTHENTICATION,
                        KafkaError.SASL_AUTHENTICATION_FAILED) or error.fatal():
                self._down = error

    def check(self) -> None:
        """Raise what librdkafka reported in the background: all brokers down, auth."""
        with self._lock:
            down, detail = self._down, self._detail
        if down is not None:
            raise _explain(self._url, detail if detail is not None and
                           _rank(detail) > _rank(down) else down)

    @property
    def url(self) -> str:
        return self._url

    # -- topics ------------------------------------------------------------------------

    def _metadata(self, topic: str | None = None) -> Any:
        try:
            if topic is None:
                return self._producer.list_topics(timeout=self._timeout)
            return self._producer.list_topics(topic, timeout=self._timeout)
        except KafkaException as exc:
            raise self._unreachable(exc.args[0]) from None

    def partitions(self, topic: str) -> list[int]:
        found = self._metadata().topics.get(topic)
        return sorted(found.partitions) if found is not None and found.error is None else []

    def create_topic(self, name: str, partitions: int = 1, retention_ms: int | None = None,
                     retention_bytes: int | None = None, compact: bool = False,
                     dead_letter: bool = True, max_records: int | None = None) -> object:
        if self.mock:
            self._metadata(name)  # a metadata request for it auto-creates it there
            return name
        config = {}
        if retention_ms is not None:
            config["retention.ms"] = str(retention_ms)
        if retention_bytes is not None:
            config["retention.bytes"] = str(retention_bytes)
        if compact:
            config["cleanup.policy"] = "compact"
        futures = self._admin.create_topics(
            [NewTopic(name, partitions, -1, config=config)],
            request_timeout=max(self._timeout, 5.0), operation_timeout=max(self._timeout, 5.0))
        try:
            futures[name].result()
        except KafkaException as exc:
            error = exc.args[0]
            if error.code() != KafkaError.TOPIC_ALREADY_EXISTS:
                raise AdapterError(f"kafka at {self._url} could not create topic {name!r}: "
                                   f"{error.str()}") from None
        return name

    @staticmethod
    def position(offset: int) -> str:
        return str(offset)

    def exists(self, topic: str) -> bool:
        return bool(self.partitions(topic))

    def delete_topic(self, topic: str) -> None:
        if self.mock:
            return  # no DeleteTopics there: the namespace names what is left
        futures = self._admin.delete_topics([topic, topic + DLQ_SUFFIX],
                                            request_timeout=max(self._timeout, 5.0),
                                            operation_timeout=max(self._timeout, 5.0))
        for future in futures.values():
            try:
                future.result()
            except KafkaException as exc:
                if exc.args[0].code() != KafkaError.UNKNOWN_TOPIC_OR_PART:
                    raise AdapterError(f"kafka at {self._url} could not delete {topic!r}: "
                                       f"{exc.args[0].str()}") from None

    # -- publishing --------------------------------------------------------------------

    def _duplicate(self, topic: str, msg_id: str) -> bool:
        now = time.monotonic()
        if len(self._dedup) > 100_000:
            self._dedup = {k: t for k, t in self._dedup.items() if t > now}
        if self._dedup.get((topic, msg_id), 0.0) > now:
            return True
        self._dedup[(topic, msg_id)] = now + DEDUP_WINDOW_S
        return False

    def publish(self, topic: str, value: object, key: Key = None,
                headers: Mapping[str, str | bytes] | None = None,
                msg_id: str | None = None) -> PublishResult:
        if msg_id is not None and self._duplicate(topic, msg_id):
            self.stats.of(topic).duplicates += 1
            return PublishResult(topic, 0, -1, now_ms(), duplicate=True)
        try:
            return self.publish_many(topic, [(value, key, headers)])[0]
        except PartialPublish as exc:
            raise AdapterError(str(exc)) from None

    def publish_many(self, topic: str,
                     items: Sequence[tuple[object, Key, Mapping[str, str | bytes] | None]]
                     ) -> list[PublishResult]:
        """Produce every item, then wait for all their acks together."""
        self.check()
        results: dict[int, PublishResult] = {}
        refused: list[KafkaError] = []

        stamp = now_ms()  # CreateTime, as every Java producer sets it

        def done(index: int) -> Callable[[KafkaError | None, Any], None]:
            def report(error: KafkaError | None, message: Any) -> None:
                if error is not None:
                    refused.append(error)
                    return
                kind, broker_time = message.timestamp()
                # A topic with LogAppendTime stamps records itself; the mock answers every
                # produce with a fixed LogAppendTime of 1234, which is no time at all.
                appended = kind == TIMESTAMP_LOG_APPEND_TIME and not self.mock
                results[index] = PublishResult(topic, message.partition(), message.offset(),
                                               broker_time if appended else stamp)
            return report

        for index, (value, key, headers) in enumerate(items):
            data, is_json = encode(value)
            sent: list[tuple[str, str | bytes]] = list((headers or {}).items())
            if is_json:
                sent.append((ENCODING_HEADER, "json"))
            self._produce(topic, data, key, sent, done(index), stamp)
        self._wait(lambda: len(results) + len(refused) >= len(items))
        self.stats.of(topic).published += len(results)
        if len(results) < len(items):
            reason = refused[0].str() if refused else "no acknowledgement in time"
            raise PartialPublish(f"kafka at {self._url} refused a publish to {topic!r}: "
                                 f"{reason} ({len(results)} of {len(items)} published)",
                                 results)
        return [results[i] for i in range(len(items))]

    def _produce(self, topic: str, data: bytes, key: Key, headers: list[Any],
                 callback: Callable[[KafkaError | None, Any], None], stamp: int = 0) -> None:
        while True:
            try:
                self._producer.produce(topic, data, key, headers=headers, on_delivery=callback,
                                       timestamp=stamp)
                return
            except BufferError:  # the local queue is full: let acks drain it
                self._producer.poll(0.05)
            except KafkaException as exc:
                raise _explain(self._url, exc.args[0]) from None

    def _wait(self, finished: Callable[[], bool]) -> None:
        deadline = time.monotonic() + PUBLISH_TIMEOUT_S + 1
        while not finished():
            self._producer.poll(0.01)
            if finished():
                return
            self.check()
            if time.monotonic() > deadline:
                return

    # -- consuming ---------------------------------------------------------------------

    def subscribe(self, topic: str, group: str, *, max_deliveries: int = 5,
                  ack_timeout_ms: int = 30_000, max_in_flight: int = 100,
                  start: Literal["earliest", "latest"] = "earliest") -> KafkaSubscription:
        member = KafkaSubscription(self, topic, group, max_deliveries, ack_timeout_ms,
                                   max_in_flight, start)
        self._members.append(member)
        self.stats.groups.add((group, topic))
        return member

    def forget(self, member: KafkaSubscription) -> None:
        if member in self._members:
            self._members.remove(member)

    def dead_letter(self, topic: str, group: str, message: Any, attempt: int, reason: str,
                    error: str) -> None:
        """Produce to ``<topic>.dlq`` and wait for its ack; the caller then settles."""
        headers = [(k, v) for k, v in message.headers() or ()]
        headers += [("x-dead-letter-reason", reason), ("x-dead-letter-group", group),
                    ("x-dead-letter-attempt", str(attempt)),
                    ("x-dead-letter-partition", str(message.partition())),
                    ("x-dead-letter-offset", str(message.offset())),
                    ("x-dead-letter-error", error[:500])]
        outcome: list[KafkaError | None] = []
        self._produce(topic + DLQ_SUFFIX, message.value() or b"", message.key(), headers,
                      lambda err, _msg: outcome.append(err))
        self._wait(lambda: bool(outcome))
        if not outcome or outcome[0] is not None:
            why = outcome[0].str() if outcome and outcome[0] is not None else "no ack in time"
            raise AdapterError(f"kafka at {self._url} refused a dead letter on "
                               f"{topic + DLQ_SUFFIX!r}: {why}")
        self.stats.of(topic).dead_lettered += 1

    def _reader(self) -> Any:
        """A consumer outside any group, for watermarks, times and reading a topic."""
        if self._meta is None:
            self._meta = Consumer(self.settings({}, {
                "group.id": f"accord-meta-{uuid.uuid4().hex[:8]}",
                "enable.auto.commit": False}), logger=self.logger)
        return self._meta

    def dead_letters(self, topic: str) -> list[DeadLetter]:
        out = []
        for message in self.read_all(topic + DLQ_SUFFIX):
            headers = message.headers
            record = Record(topic, int(headers.get("x-dead-letter-partition", "0")),
                            int(headers.get("x-dead-letter-offset", "0")), message.timestamp,
                            message.key, message.data, message.is_json, headers,
                            len(message.data))
            out.append(DeadLetter(record, str(headers.get("x-dead-letter-group", "")),
                                  int(headers.get("x-dead-letter-attempt", "0")),
                                  str(headers.get("x-dead-letter-reason", "")),
                                  str(headers.get("x-dead-letter-error", "")),
                                  message.timestamp, headers))
        return out

    def read_all(self, topic: str) -> list[EngineMessage]:
        """Assigned partition by partition, outside any group: no group to form or drop."""
        out = []
        for raw in self._read_all(topic):
            headers = {k: (v.decode(errors="replace") if isinstance(v, bytes) else v or "")
                       for k, v in raw.headers() or ()}
            is_json = headers.pop(ENCODING_HEADER, None) == "json"
            raw_key = raw.key()
            out.append(EngineMessage(
                topic, raw.partition(), raw.offset(), raw.timestamp()[1],
                raw_key.decode(errors="replace") if isinstance(raw_key, bytes) else None,
                raw.value() or b"", is_json, header_map(headers), 1, "", _nothing, _nothing))
        return sorted(out, key=lambda m: (m.partition, m.offset))

    def _read_all(self, topic: str) -> list[Any]:
        """Every record of ``topic`` up to its end now, partition by partition."""
        reader = self._reader()
        out = []
        for p in self.partitions(topic):
            low, high = self._watermarks(topic, p)
            if high <= low:
                continue
            reader.assign([TopicPartition(topic, p, low)])
            deadline = time.monotonic() + max(self._timeout, 5.0)
            got = 0
            while got < high - low and time.monotonic() < deadline:
                for message in reader.consume(min(500, high - low - got), 0.2):
                    if message.error() is None:
                        out.append(message)
                        got += 1
            reader.unassign()
        return out

    def _watermarks(self, topic: str, partition: int) -> tuple[int, int]:
        try:
            low, high = self._reader().get_watermark_offsets(
                TopicPartition(topic, partition), timeout=self._timeout)
        except KafkaException as exc:
            raise self._unreachable(exc.args[0]) from None
        return int(low), int(high)

    def seek(self, group: str, topic: str, *, offset: int | None = None,
             timestamp: int | None = None,
             to: Literal["earliest", "latest"] | None = None) -> Mapping[int, int]:
        """Every partition of ``topic`` to ``offset`` (clamped to the partition), the first
        record at or after ``timestamp`` (ms), or either end. Members here seek at once; the
        group's committed offsets are set too, for the members that join later."""
        partitions = self.partitions(topic)
        targets: dict[int, int] = {}
        if timestamp is not None and to is None and offset is None:
            try:
                found = self._reader().offsets_for_times(
                    [TopicPartition(topic, p, timestamp) for p in partitions],
                    timeout=self._timeout)
            except KafkaException as exc:
                raise self._unreachable(exc.args[0]) from None
            for tp in found:
                targets[tp.partition] = tp.offset if tp.offset >= 0 else \
                    self._watermarks(topic, tp.partition)[1]
        elif to is not None or offset is not None:
            for p in partitions:
                low, high = self._watermarks(topic, p)
                if to == "earliest":
                    targets[p] = low
                elif to == "latest":
                    targets[p] = high
                else:
                    assert offset is not None
                    targets[p] = min(max(offset, low), high)
        else:
            raise AdapterError("seek needs offset, timestamp or to")
        members = [m for m in self._members if m.group == group and m.topic == topic]
        held = set().union(*(m.assigned for m in members)) if members else set()
        for member in members:
            member.seek({p: o for p, o in targets.items() if p in member.assigned})
        rest = [TopicPartition(topic, p, o) for p, o in targets.items() if p not in held]
        if rest:
            self._commit_for(group, rest)
        return targets

    def _commit_for(self, group: str, offsets: list[Any]) -> None:
        """Commit offsets for a group from outside it (allowed while no member holds them)."""
        outsider = Consumer(self.settings({}, {"group.id": group,
                                               "enable.auto.commit": False}),
                            logger=self.logger)
        try:
            outsider.commit(offsets=offsets, asynchronous=False)
        except KafkaException as exc:
            raise AdapterError(f"kafka at {self._url} refused to move group {group!r}: "
                               f"{exc.args[0].str()} (is a member in another process "
                               "holding those partitions?)") from None
        finally:
            outsider.close()

    def lag(self, group: str, topic: str) -> int:
        """Records the group has not committed past: unread plus read-but-unsettled."""
        members = [m for m in self._members if m.group == group and m.topic == topic]
        for member in members:
            member.commit(synchronous=True)
        partitions = self.partitions(topic)
        if not partitions:
            raise AdapterError(f"kafka at {self._url} has no topic {topic!r}")
        request = ConsumerGroupTopicPartitions(
            group, [TopicPartition(topic, p) for p in partitions])
        try:
            answer = self._admin.list_consumer_group_offsets(
                [request], request_timeout=max(self._timeout, 5.0))[group].result()
        except KafkaException as exc:
            raise _explain(self._url, exc.args[0]) from None
        committed = {tp.partition: tp.offset for tp in answer.topic_partitions}
        if not members and all(o < 0 for o in committed.values()):
            raise AdapterError(f"kafka at {self._url}: group {group!r} has committed "
                               f"nothing on {topic!r}")
        behind = 0
        for p in partitions:
            low, high = self._watermarks(topic, p)
            start = committed.get(p, -1)
            behind += high - (start if start >= 0 else low)
        return behind

    def drop_group(self, group: str, topic: str) -> None:
        if self.mock:
            return  # no DeleteGroups there (and librdkafka asserts on the refusal)
        futures = self._admin.delete_consumer_groups([group],
                                                     request_timeout=max(self._timeout, 5.0))
        for future in futures.values():
            try:
                future.result()
            except KafkaException as exc:
                if exc.args[0].code() not in (KafkaError.GROUP_ID_NOT_FOUND,
                                              KafkaError.NON_EMPTY_GROUP):
                    raise AdapterError(f"kafka at {self._url} could not delete group "
                                       f"{group!r}: {exc.args[0].str()}") from None

    def close(self) -> None:
        for member in list(self._members):
            try:
                member.close()
            except AdapterError:
                member.crash()
        if self._meta is not None:
            self._meta.close()
            self._meta = None
        self._producer.flush(1.0)
