"""Consumer groups: per-partition positions, redelivery, assignment and rebalances.

A group's state lives here, not in its consumers: committed offsets, records waiting for
redelivery and attempt counts survive any member leaving, as they do on a real broker.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING, Literal

from .log import PartitionLog
from .records import DEAD, DISCARDED, IN_FLIGHT, OFFSET, RETURNED, Delivery, RebalanceEvent

if TYPE_CHECKING:
    from .consumer import Consumer
    from .core import EmbeddedBroker
    from .topic import Topic

Mode = Literal["partitioned", "shared"]


class PartitionState:
    """One group's view of one partition."""

    __slots__ = (
        "epoch",
        "group",
        "log",
        "next_offset",
        "owner",
        "partition",
        "ready",
        "redelivered",
        "unsettled",
    )

    def __init__(self, group: GroupState, partition: int, log: PartitionLog) -> None:
        self.group = group
        self.partition = partition
        self.log = log
        self.next_offset = log.start_offset  # auto.offset.reset=earliest; see start=
        # Offset -> the latest delivery of every fetched record not yet acked or
        # dead-lettered: in flight, or RETURNED and waiting for redelivery.
        self.unsettled: dict[int, Delivery] = {}
        self.ready: list[int] = []  # heap of RETURNED offsets due now: lowest first
        self.epoch = 0  # bumped by seek, so timers set before it know they are void
        self.owner: Consumer | None = None
        self.redelivered = 0  # deliveries with attempt > 1, for metrics

    @property
    def committed(self) -> int:
        """Kafka-style committed offset: the lowest offset not yet settled.

        Acks can arrive out of order; the commit only moves past an offset once that
        offset and all below it are settled, so a restart from it loses nothing.
        """
        return min(self.unsettled) if self.unsettled else self.next_offset

    def counts(self) -> tuple[int, int]:
        """(in flight, pending redelivery)."""
        in_flight = sum(1 for d in self.unsettled.values() if d._state == IN_FLIGHT)
        return in_flight, len(self.unsettled) - in_flight

    def give_back(self, delivery: Delivery, max_deliveries: int, error: str, delay: int) -> None:
        """A delivery came back unacked: redeliver it, or dead-letter it when spent."""
        delivery._state = RETURNED
        delivery._error = error
        if delivery.attempt >= max_deliveries:
            self.dead_letter(delivery, "max-deliveries", error)
        elif delay:
            core = self.group.core
            epoch = self.epoch
            core.clock.call_at(core.clock.now + delay, lambda: self.wake(delivery, epoch))
        else:
            heapq.heappush(self.ready, delivery._row[OFFSET])

    def wake(self, delivery: Delivery, epoch: int) -> None:
        """A nack delay ran out: the record is due again, unless a seek voided it."""
        if epoch == self.epoch and self.unsettled.get(delivery._row[OFFSET]) is delivery:
            heapq.heappush(self.ready, delivery._row[OFFSET])

    def dead_letter(self, delivery: Delivery, reason: str, error: str) -> None:
        """Settle the record for this group by giving up on it."""
        delivery._state = DEAD
        del self.unsettled[delivery._row[OFFSET]]
        self.group.core._dead_letter(delivery, reason, error)

    def reset(self, offset: int) -> None:
        """Seek: forget everything fetched, and read again from ``offset``."""
        for delivery in self.unsettled.values():
            if delivery._state == IN_FLIGHT:
                delivery._settler._forget(delivery)
            delivery._state = DISCARDED
        self.unsettled.clear()
        self.ready.clear()
        self.epoch += 1
        self.next_offset = offset


class GroupState:
    """A consumer group on one topic: members, generation, and its partition states."""

    __slots__ = ("core", "generation", "members", "mode", "name", "parts", "topic")

    def __init__(self, core: EmbeddedBroker, topic: Topic, name: str, mode: Mode) -> None:
        self.core = core
        self.topic = topic
        self.name = name
        self.mode: Mode = mode
        self.generation = 0
        self.members: list[Consumer] = []  # in join order: the assignment's tie-break
        self.parts = [PartitionState(self, p, log) for p, log in enumerate(topic.logs)]

    def rebalance(self, reason: str, member: str) -> RebalanceEvent:
        """Reassign partitions to the current members and record the event.

        Partitioned mode deals partitions round-robin over members in join order (so
        the same calls always give the same assignment); a partition that changes hands
        takes back the old owner's in-flight deliveries, as a Kafka revocation does.
        Shared mode gives every member every partition: competing consumers.
        """
        self.generation += 1
        members = self.members
        core = self.core
        if self.mode == "shared":
            for c in members:
                c._assigned = list(self.parts)
        else:
            for c in members:
                c._assigned = []
            for ps in self.parts:
                new = members[ps.partition % len(members)] if members else None
                old = ps.owner
                if old is not None and old is not new and old.open:
                    for d in [d for d in ps.unsettled.values() if d._settler is old]:
                        if d._state == IN_FLIGHT:
                            old._forget(d)
                            ps.give_back(d, old.max_deliveries, "revoked by rebalance", 0)
                ps.owner = new
                if new is not None:
                    new._assigned.append(ps)
        for c in members:
            c._cursor = 0
        event = RebalanceEvent(
            at=core.clock.now,
            group=self.name,
            topic=self.topic.config.name,
            generation=self.generation,
            reason=reason,
            member=member,
            assignment=tuple(
                (c.member_id, tuple(p.partition for p in c._assigned)) for c in members
            ),
        )
        core.rebalances.append(event)
        core._trace("rebalance", event.group, event.topic, event.generation, reason, member)
        return event
