"""``EmbeddedBroker``: the deterministic, synchronous, in-process broker."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import replace
from typing import Literal

from .clock import VirtualClock
from .codec import check_headers, encode_value
from .consumer import Consumer
from .dlq import dead_letter
from .errors import (
    InvalidArgumentError,
    InvalidOffsetError,
    PartitionOfflineError,
    SerializationError,
    TopicExistsError,
    UnknownTopicError,
)
from .groups import GroupState, Mode
from .metrics import BrokerMetrics, snapshot
from .partitioning import partition_for
from .records import (
    DeadLetter,
    Delivery,
    HeaderItems,
    Key,
    PublishResult,
    RebalanceEvent,
    Record,
)
from .topic import Topic, TopicConfig

MAX_PARTITIONS = 10_000
"""More partitions than any Kafka topic has in practice; each costs memory here."""


def _whole(label: str, value: object, least: int | None = None) -> int | None:
    """``value`` when it is None or a whole number (not a bool) of at least ``least``."""
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidArgumentError(f"{label} must be a whole number, got {value!r}")
    if least is not None and value < least:
        raise InvalidArgumentError(f"{label} must be >= {least}, got {value}")
    return value


class EmbeddedBroker:
    """An in-process broker with Kafka-like logs and queue-like delivery, on virtual time.

    Nothing here reads the wall clock or global randomness: the only randomness is
    ``random.Random(seed)`` (the partition of keyless records), so the same seed and the
    same calls give the same deliveries and the same ``trace``.
    """

    def __init__(
        self,
        seed: int = 0,
        *,
        start_ms: int = 0,
        dedup_window_ms: int = 120_000,
        trace: bool = False,
    ) -> None:
        self.seed = seed
        self.clock = VirtualClock(start_ms)
        self._rng = random.Random(seed)
        self._topics: dict[str, Topic] = {}
        self._consumers: list[Consumer] = []  # creation order; closed ones pruned on advance
        self._left = 0  # consumers closed or crashed since the last prune
        self._retained: list[Topic] = []  # topics with retention by time or compaction
        self._members = 0
        self._dedup_window_ms = dedup_window_ms
        self.rebalances: list[RebalanceEvent] = []  # in order; tests inspect them
        self._tracing = trace
        # With trace=True: one tuple per observable step. Off by default, as it costs a
        # tuple per delivery and per ack on the hot path.
        self.trace: list[tuple[object, ...]] = []

    # -- topics ------------------------------------------------------------------------

    @property
    def now(self) -> int:
        """Virtual time in ms."""
        return self.clock.now

    @property
    def topics(self) -> tuple[str, ...]:
        """Topic names, in creation order (dead-letter topics included)."""
        return tuple(self._topics)

    def topic_config(self, name: str) -> TopicConfig:
        """The settings ``name`` was created with."""
        return self._topic(name).config

    def _topic(self, name: str) -> Topic:
        topic = self._topics.get(name)
        if topic is None:
            raise UnknownTopicError(name)
        return topic

    def create_topic(
        self,
        name: str,
        partitions: object = 1,
        retention_ms: object = None,
        retention_bytes: object = None,
        compact: bool = False,
        dead_letter: bool = True,
        *,
        dedup_window_ms: int | None = None,
    ) -> TopicConfig:
        """Create ``name`` (and ``<name>.dlq`` when ``dead_letter``).

        ``partitions`` and the retention limits are whole numbers (`Broker` types them
        so); typed wider here, a float or a bool gets the broker's `InvalidArgumentError`
        whether this module runs compiled or not."""
        if not isinstance(name, str) or not name:
            raise InvalidArgumentError(f"topic name must be a non-empty str, got {name!r}")
        if name in self._topics:
            raise TopicExistsError(name)
        if not isinstance(partitions, int) or isinstance(partitions, bool) \
                or not 1 <= partitions <= MAX_PARTITIONS:
            raise InvalidArgumentError(
                f"partitions of {name!r} must be a whole number from 1 to {MAX_PARTITIONS}, "
                f"got {partitions!r}")
        kept_ms = _whole(f"retention_ms of {name!r}", retention_ms, 0)
        kept_bytes = _whole(f"retention_bytes of {name!r}", retention_bytes, 0)
        window = self._dedup_window_ms if dedup_window_ms is None else dedup_window_ms
        if window < 0:
            raise InvalidArgumentError(f"dedup_window_ms of {name!r} must be >= 0, got {window}")
        config = TopicConfig(
            name, partitions, kept_ms, kept_bytes, compact, dead_letter, window
        )
        self._topics[name] = Topic(config)
        if kept_ms is not None or compact:
            self._retained.append(self._topics[name])
        dlq = config.dead_letter_topic
        if dlq is not None and dlq not in self._topics:
            self._topics[dlq] = Topic(TopicConfig(dlq, dead_letter=False, dedup_window_ms=window))
        self._trace("create_topic", name, partitions)
        return config

    # -- producing ---------------------------------------------------------------------

    def publish(
        self,
        topic: str,
        value: object,
        key: object = None,
        headers: Mapping[str, str | bytes] | None = None,
        msg_id: object = None,
    ) -> PublishResult:
        """Append a record; returns where it landed (or where it first landed, if dup).

        ``key`` and ``msg_id`` are typed wider than they may be: a caller's wrong type gets
        the broker's `SerializationError`, compiled or not, not a bare `TypeError`."""
        t = self._topics.get(topic)
        if t is None:
            raise UnknownTopicError(topic)
        # Validate everything before touching state (the rng is state too).
        if type(value) is bytes:
            data, is_json = value, False
        else:
            data, is_json = encode_value(value, topic)
        size = len(data)
        k: Key = None
        if key is not None:
            if isinstance(key, str):
                size += len(key.encode())
                k = key
            elif isinstance(key, bytes):
                size += len(key)
                k = key
            else:
                raise SerializationError(
                    f"key published to {topic!r} must be str or bytes, got {type(key).__name__}"
                )
        hdrs: HeaderItems = None
        if headers:
            hdrs, hsize = check_headers(headers, topic)
            size += hsize
        now = self.clock.now
        mid: str | None = None
        if msg_id is not None:
            if not isinstance(msg_id, str):
                raise SerializationError(
                    f"msg_id published to {topic!r} must be str, got {type(msg_id).__name__}"
                )
            mid = msg_id
            first = t.seen(mid, now)
            if first is not None:
                t.stats.duplicates += 1
                self._trace("duplicate", topic, mid)
                return replace(first, duplicate=True)
        n = t.partitions
        if k is not None:
            p = partition_for(k, n)
        elif n == 1:
            p = 0
        elif t.sticky_left:  # the sticky partitioner's common case, inlined
            t.sticky_left -= 1
            p = t.sticky
        else:
            p = t.sticky_partition(self._rng)
        log = t.logs[p]
        if log.offline_until > now:
            raise PartitionOfflineError(
                f"partition {p} of {topic!r} has no leader until {log.offline_until} ms",
                log.offline_until)
        offset = log.end_offset
        # The hot path: the log append is inlined, a method call being a tenth of the cost.
        log._records.append((topic, p, offset, now, k, data, is_json, hdrs, size))
        log.end_offset = offset + 1
        log.bytes += size
        if t.retention_bytes is not None:
            t.stats.expired += log.trim_to_bytes(t.retention_bytes)
        result = PublishResult(topic, p, offset, now)
        if mid is not None:
            t.remember(mid, result, now)
        if self._tracing:
            self._trace("publish", topic, p, offset, k, data)
        return result

    # -- consuming ---------------------------------------------------------------------

    def subscribe(
        self,
        topic: str,
        group: str,
        *,
        max_deliveries: int = 5,
        ack_timeout_ms: int = 30_000,
        max_in_flight: int = 100,
        mode: Mode = "partitioned",
        start: Literal["earliest", "latest"] = "earliest",
    ) -> Consumer:
        """Join ``group`` on ``topic``; the group rebalances.

        ``mode="partitioned"`` (Kafka) gives each partition to one member;
        ``mode="shared"`` (RabbitMQ queue, JetStream pull consumer, Redis Streams group)
        lets every member take the next record of any partition. The mode and ``start``
        are fixed by the group's first member.
        """
        t = self._topic(topic)
        for label, val, low in (
            ("max_deliveries", max_deliveries, 1),
            ("ack_timeout_ms", ack_timeout_ms, 1),
            ("max_in_flight", max_in_flight, 1),
        ):
            if not isinstance(val, int) or val < low:
                raise InvalidArgumentError(f"{label} must be an int >= {low}, got {val!r}")
        if mode not in ("partitioned", "shared"):
            raise InvalidArgumentError(f"mode must be 'partitioned' or 'shared', got {mode!r}")
        if start not in ("earliest", "latest"):
            raise InvalidArgumentError(f"start must be 'earliest' or 'latest', got {start!r}")
        state = t.groups.get(group)
        if state is None:
            state = t.groups[group] = GroupState(self, t, group, mode)
            if start == "latest":
                for ps in state.parts:
                    ps.next_offset = ps.log.end_offset
        elif state.mode != mode and state.members:
            raise InvalidArgumentError(
                f"group {group!r} on {topic!r} is {state.mode!r}; cannot join as {mode!r}"
            )
        state.mode = mode
        self._members += 1
        consumer = Consumer(
            state, f"{group}-{self._members}", max_deliveries, ack_timeout_ms, max_in_flight
        )
        self._consumers.append(consumer)
        state.members.append(consumer)
        state.rebalance("join", consumer.member_id)
        return consumer

    def _group(self, group: str, topic: str) -> GroupState:
        t = self._topic(topic)
        state = t.groups.get(group)
        if state is None:  # seeking a group before it subscribes positions it, as in Kafka
            state = t.groups[group] = GroupState(self, t, group, "partitioned")
        return state

    def seek(
        self,
        group: str,
        topic: str,
        *,
        offset: object = None,
        timestamp: object = None,
        to: Literal["earliest", "latest"] | None = None,
        partition: object = None,
    ) -> dict[int, int]:
        """Move ``group`` on ``topic`` (all partitions, or one) and return the new offsets.

        Exactly one of ``offset``, ``timestamp`` (Kafka's offsetsForTimes: the first
        record at or after it, else the log end) or ``to``. Unsettled deliveries of the
        moved partitions are dropped: acking them raises ``StaleDeliveryError``. An
        offset below the log start (removed by retention) moves to the log start.
        """
        t = self._topic(topic)
        given = [x is not None for x in (offset, timestamp, to)]
        if sum(given) != 1:
            raise InvalidArgumentError("seek takes exactly one of offset=, timestamp= or to=")
        if to is not None and to not in ("earliest", "latest"):
            raise InvalidArgumentError(f"to must be 'earliest' or 'latest', got {to!r}")
        # A float (nan, 0.5) or a bool would leave the group positioned nowhere. (Whole
        # numbers, as `Broker` types them; typed wider here to be refused the same way
        # whether this module runs compiled or not.)
        offset, timestamp = _whole("offset", offset), _whole("timestamp", timestamp)
        partition = _whole("partition", partition)
        if partition is not None and not 0 <= partition < t.config.partitions:
            raise InvalidOffsetError(
                f"partition {partition} of {topic!r} does not exist"
                f" (it has {t.config.partitions})"
            )
        targets: dict[int, int] = {}
        parts = range(t.config.partitions) if partition is None else (partition,)
        for p in parts:
            log = t.logs[p]
            if offset is not None:
                if offset < 0 or offset > log.end_offset:
                    raise InvalidOffsetError(
                        f"offset {offset} is outside {topic!r} partition {p}"
                        f" (0..{log.end_offset})"
                    )
                targets[p] = max(offset, log.start_offset)
            elif timestamp is not None:
                targets[p] = log.offset_for_time(timestamp)
            else:
                targets[p] = log.start_offset if to == "earliest" else log.end_offset
        state = self._group(group, topic)
        for p, target in targets.items():
            state.parts[p].reset(target)
        self._trace("seek", group, topic, tuple(sorted(targets.items())))
        return targets

    def committed(self, group: str, topic: str) -> dict[int, int]:
        """The group's committed offset per partition (lowest unsettled offset)."""
        state = self._topic(topic).groups.get(group)
        if state is None:
            return {}
        return {ps.partition: ps.committed for ps in state.parts}

    # -- time --------------------------------------------------------------------------

    def advance(self, ms: object) -> int:
        """Move virtual time forward by ``ms``, firing due timers in time order.

        Timers are nack delays and ack deadlines; at one instant nack delays fire first,
        then ack deadlines by consumer age. Retention and compaction run at the end.
        Returns the new time. (``ms``: whole milliseconds; anything else gets
        `InvalidDelayError`, compiled or not.)
        """
        clock = self.clock
        target = clock.now + clock.check_delay("advance", ms)
        if self._left:
            self._consumers = [c for c in self._consumers if c.open]  # the rest hold nothing
            self._left = 0
        while True:
            due = clock.next_due()
            open_consumers = [c for c in self._consumers if c._n_inflight]
            for c in open_consumers:
                d = c.next_deadline()
                if d is not None and (due is None or d < due):
                    due = d
            if due is None or due > target:
                break
            clock.now = max(clock.now, due)
            clock.fire_due()
            for c in open_consumers:
                c.expire(clock.now)
        clock.now = target
        for t in self._retained:
            t.apply_retention(target)
        if self._tracing:
            self._trace("advance", ms, target)
        return target

    def compact(self, topic: str) -> int:
        """Compact ``topic`` now; returns how many records went.

        ``advance`` also compacts, once a partition's new records are at least as many as
        the ones the last compaction kept (Kafka's min.cleanable.dirty.ratio of 0.5).
        """
        t = self._topic(topic)
        removed = 0
        for log in t.logs:
            removed += log.compact()
        t.stats.expired += removed
        return removed

    def release_consumed(self, topic: str) -> list[tuple[int, int, int]]:
        """Drop the records of ``topic`` that every group on it has committed.

        A queue deletes a message once it is acknowledged, and Kafka's ``deleteRecords``
        moves a partition's start to an offset: this is that, for a simulation that keeps
        summaries instead of the whole log. With no group on the topic nothing needs a
        record, so all go. Returns ``(partition, first dropped, first kept)`` per partition
        that lost records. Dead letters are kept apart and stay.
        """
        t = self._topic(topic)
        released = []
        for p, log in enumerate(t.logs):
            upto = min((g.parts[p].committed for g in t.groups.values()),
                       default=log.end_offset)
            start = log.start_offset
            if upto > start and log.drop_before(upto):
                released.append((p, start, upto))
        if released:
            self._trace("release", topic, tuple(released))
        return released

    def take_offline(self, topic: str, partition: int, until: int) -> None:
        """The partition's leader goes away until ``until`` (ms): publishing to it raises
        `PartitionOfflineError`, and consumers fetch nothing from it meanwhile."""
        log = self._topic(topic).logs[partition]
        log.offline_until = max(log.offline_until, until)
        self._trace("offline", topic, partition, until)

    def lose_unflushed(self, topic: str, window_ms: int) -> list[tuple[int, int]]:
        """A broker crash that loses the writes of the last ``window_ms`` it had
        acknowledged but not flushed (JetStream's default fsync interval, as Jepsen found
        for NATS 2.12.1). Returns the ``(partition, offset)`` of each record lost."""
        since = self.clock.now - window_ms
        lost = [(p, offset) for p, log in enumerate(self._topic(topic).logs)
                for offset in log.lose_since(since)]
        self._trace("lose", topic, window_ms, len(lost))
        return lost

    # -- dead letters ------------------------------------------------------------------

    def _dead_letter(self, delivery: Delivery, reason: str, error: str) -> None:
        self._trace("dead_letter", delivery.group, delivery.partition, delivery.offset, reason)
        dead_letter(self._topics, delivery, reason, error, self.clock.now)

    def dead_letters(self, topic: str, start: int = 0) -> list[DeadLetter]:
        """Records of ``topic`` that some group gave up on, oldest first (from the
        ``start``-th on: a caller that has read some asks only for the new ones)."""
        return self._topic(topic).dead_letters[start:]

    # -- observing ---------------------------------------------------------------------

    def records(self, topic: str, partition: int = 0) -> list[Record]:
        """The retained log of one partition (for assertions and replay by hand)."""
        t = self._topic(topic)
        if not 0 <= partition < t.config.partitions:
            raise InvalidOffsetError(f"partition {partition} of {topic!r} does not exist")
        return t.logs[partition].records()

    def metrics(self) -> BrokerMetrics:
        """A snapshot of counters, lag, in-flight and latency percentiles."""
        return snapshot(self._topics, self.clock.now)

    def lags(self) -> dict[str, tuple[int, bool]]:
        """Per consumer group, over its topics and partitions: its lag, and whether it has
        settled everything (no lag, nothing in flight). What `metrics` says of them,
        without building the rest of the snapshot (a simulator asks every second)."""
        out: dict[str, tuple[int, bool]] = {}
        for t in self._topics.values():
            for name, g in t.groups.items():
                lag, settled = out.get(name, (0, True))
                for ps in g.parts:
                    behind = ps.log.end_offset - ps.committed
                    lag += behind
                    settled = settled and behind == 0 and ps.counts()[0] == 0
                out[name] = (lag, settled)
        return out

    def _trace(self, *step: object) -> None:
        if self._tracing:
            self.trace.append((self.clock.now, *step))

    def trace_bytes(self) -> bytes:
        """The trace as canonical bytes, for byte-for-byte determinism checks."""
        return "\n".join(repr(step) for step in self.trace).encode()
