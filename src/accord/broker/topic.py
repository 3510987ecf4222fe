"""A topic: its settings, its partition logs, its dedup window and its groups."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .log import PartitionLog
from .metrics import TopicStats
from .records import DeadLetter, PublishResult

if TYPE_CHECKING:
    from random import Random

    from .groups import GroupState

STICKY_BATCH = 16  # records per keyless batch; Kafka sizes it in bytes (batch.size)


@dataclass(frozen=True, slots=True)
class TopicConfig:
    """What ``create_topic`` was asked for."""

    name: str
    partitions: int = 1
    retention_ms: int | None = None
    retention_bytes: int | None = None  # per partition, like Kafka's retention.bytes
    compact: bool = False
    dead_letter: bool = True
    dedup_window_ms: int = 120_000  # JetStream's default duplicate window: two minutes

    @property
    def dead_letter_topic(self) -> str | None:
        """Where this topic's dead letters are published, if anywhere."""
        return f"{self.name}.dlq" if self.dead_letter else None


class Topic:
    """Runtime state of one topic."""

    __slots__ = (
        "config",
        "dead_letters",
        "dedup",
        "dedup_expiry",
        "groups",
        "logs",
        "partitions",
        "retention_bytes",
        "stats",
        "sticky",
        "sticky_left",
    )

    def __init__(self, config: TopicConfig) -> None:
        self.config = config
        # Copies of two settings the publish path reads per record, one lookup closer.
        self.partitions = config.partitions
        self.retention_bytes = config.retention_bytes
        self.sticky = 0
        self.sticky_left = 0
        self.logs = [PartitionLog() for _ in range(config.partitions)]
        self.stats = TopicStats()
        self.groups: dict[str, GroupState] = {}
        self.dead_letters: list[DeadLetter] = []
        self.dedup: dict[str, PublishResult] = {}
        self.dedup_expiry: deque[tuple[int, str]] = deque()  # (expires at, msg_id), in order

    def sticky_partition(self, rng: Random) -> int:
        """The partition of a keyless record: Kafka's sticky partitioner (KIP-480).

        A batch of ``STICKY_BATCH`` records goes to one partition, then a new one is drawn
        from the seeded rng: spread like random, at a fraction of a draw per record.
        """
        if self.sticky_left:
            self.sticky_left -= 1
            return self.sticky
        self.sticky_left = STICKY_BATCH - 1
        self.sticky = rng.randrange(self.partitions)
        return self.sticky

    def seen(self, msg_id: str, now: int) -> PublishResult | None:
        """The first publish of ``msg_id`` if it is still inside the dedup window."""
        expiry = self.dedup_expiry
        while expiry and expiry[0][0] <= now:
            self.dedup.pop(expiry.popleft()[1], None)
        return self.dedup.get(msg_id)

    def remember(self, msg_id: str, result: PublishResult, now: int) -> None:
        """Start the dedup window of ``msg_id``."""
        self.dedup[msg_id] = result
        self.dedup_expiry.append((now + self.config.dedup_window_ms, msg_id))

    def apply_retention(self, now: int) -> int:
        """Time retention, size retention and compaction; returns records removed."""
        cfg = self.config
        removed = 0
        for log in self.logs:
            if cfg.retention_ms is not None:
                removed += log.expire_before(now - cfg.retention_ms + 1)
            if cfg.retention_bytes is not None:
                removed += log.trim_to_bytes(cfg.retention_bytes)
            if cfg.compact and log.dirty():
                removed += log.compact()
        self.stats.expired += removed
        return removed
