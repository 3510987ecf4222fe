"""Counters the broker keeps per topic, and the read-only snapshot ``metrics()`` returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .topic import Topic


class TopicStats:
    """Mutable per-topic counters, bumped on the hot path (hence plain slots, no dicts)."""

    __slots__ = (
        "acked",
        "dead_lettered",
        "delivered",
        "discarded",
        "duplicates",
        "expired",
        "latency",
        "redelivered",
    )

    def __init__(self) -> None:
        self.duplicates = 0  # publishes dropped by the msg_id dedup window
        self.delivered = 0  # deliveries of any attempt
        self.redelivered = 0  # deliveries with attempt > 1
        self.acked = 0
        self.dead_lettered: dict[str, int] = {}  # by reason
        self.discarded: dict[str, int] = {}  # given up with dead_letter=False, by reason
        self.expired = 0  # records removed by retention or compaction
        # End-to-end latency of acked records: virtual ms -> count. Virtual time is in whole
        # ms, so a 1 ms bucket is exact and the distinct values stay few.
        self.latency: dict[int, int] = {}


@dataclass(frozen=True, slots=True)
class LatencySummary:
    """Publish-to-ack latency of settled records, in virtual ms."""

    count: int = 0
    p50: int = 0
    p90: int = 0
    p99: int = 0
    max: int = 0
    histogram: Mapping[int, int] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def from_histogram(cls, histogram: Mapping[int, int]) -> LatencySummary:
        """Nearest-rank percentiles over a value -> count histogram."""
        total = sum(histogram.values())
        if not total:
            return cls()
        ordered = sorted(histogram.items())

        def rank(percent: int) -> int:
            target = max(1, -(-percent * total // 100))  # ceil, in integers: no float error
            seen = 0
            for value, count in ordered:
                seen += count
                if seen >= target:
                    return value
            return ordered[-1][0]

        return cls(
            count=total,
            p50=rank(50),
            p90=rank(90),
            p99=rank(99),
            max=ordered[-1][0],
            histogram=MappingProxyType(dict(ordered)),
        )


@dataclass(frozen=True, slots=True)
class TopicMetrics:
    """One topic's totals."""

    topic: str
    partitions: int
    published: int
    duplicates: int
    delivered: int
    redelivered: int
    consumed: int  # acked, across groups
    dead_lettered: Mapping[str, int]  # by reason: "max-deliveries", "rejected"
    discarded: Mapping[str, int]
    expired: int
    retained_records: int
    retained_bytes: int
    latency: LatencySummary


@dataclass(frozen=True, slots=True)
class PartitionMetrics:
    """One group's position on one partition."""

    group: str
    topic: str
    partition: int
    log_start_offset: int
    log_end_offset: int
    committed: int  # lowest unsettled offset: everything below it is settled
    lag: int  # log_end_offset - committed
    in_flight: int  # delivered, not yet settled
    pending: int  # not yet delivered, or waiting for redelivery after a failure
    redelivered: int  # deliveries with attempt > 1
    owner: str | None  # member owning the partition (None when unassigned or shared)


@dataclass(frozen=True, slots=True)
class BrokerMetrics:
    """Everything ``EmbeddedBroker.metrics()`` reports, at virtual time ``now``."""

    now: int
    topics: Mapping[str, TopicMetrics]
    partitions: tuple[PartitionMetrics, ...]

    def lag(self, group: str, topic: str) -> int:
        """Total lag of ``group`` on ``topic``."""
        return sum(p.lag for p in self.partitions if p.group == group and p.topic == topic)

    def redelivered(self, group: str, topic: str) -> int:
        """Redeliveries to ``group`` on ``topic``."""
        return sum(
            p.redelivered for p in self.partitions if p.group == group and p.topic == topic
        )

    def in_flight(self, group: str, topic: str) -> int:
        """Deliveries of ``group`` on ``topic`` not settled yet."""
        return sum(p.in_flight for p in self.partitions if p.group == group and p.topic == topic)

    def to_dict(self) -> dict[str, Any]:
        """Plain dicts, lists and numbers: ready for ``json.dumps`` or a report."""
        plain = _plain(self)
        assert isinstance(plain, dict)
        return plain

    @property
    def dead_lettered(self) -> Mapping[str, int]:
        """DLQ size by reason, across topics."""
        out: dict[str, int] = {}
        for t in self.topics.values():
            for reason, n in t.dead_lettered.items():
                out[reason] = out.get(reason, 0) + n
        return MappingProxyType(out)


def _plain(value: object) -> object:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def snapshot(topics_by_name: Mapping[str, Topic], now: int) -> BrokerMetrics:
    """Read every counter and position into a frozen ``BrokerMetrics``."""
    topics: dict[str, TopicMetrics] = {}
    parts: list[PartitionMetrics] = []
    for name, t in topics_by_name.items():
        s = t.stats
        topics[name] = TopicMetrics(
            topic=name,
            partitions=t.config.partitions,
            published=sum(log.end_offset for log in t.logs),  # offsets are never reused
            duplicates=s.duplicates,
            delivered=s.delivered,
            redelivered=s.redelivered,
            consumed=s.acked,
            dead_lettered=MappingProxyType(dict(sorted(s.dead_lettered.items()))),
            discarded=MappingProxyType(dict(sorted(s.discarded.items()))),
            expired=s.expired,
            retained_records=sum(len(log) for log in t.logs),
            retained_bytes=sum(log.bytes for log in t.logs),
            latency=LatencySummary.from_histogram(s.latency),
        )
        for gname, g in t.groups.items():
            for ps in g.parts:
                in_flight, pending = ps.counts()
                committed = ps.committed
                parts.append(
                    PartitionMetrics(
                        group=gname,
                        topic=name,
                        partition=ps.partition,
                        log_start_offset=ps.log.start_offset,
                        log_end_offset=ps.log.end_offset,
                        committed=committed,
                        lag=ps.log.end_offset - committed,
                        in_flight=in_flight,
                        pending=pending + ps.log.count_from(ps.next_offset),
                        redelivered=ps.redelivered,
                        owner=ps.owner.member_id if ps.owner and g.mode != "shared" else None,
                    )
                )
    return BrokerMetrics(now, MappingProxyType(topics), tuple(parts))
