"""A member of a consumer group: polls deliveries, settles them, leaves or crashes."""

from __future__ import annotations

import heapq
from collections import deque
from typing import TYPE_CHECKING

from .errors import (
    AlreadySettledError,
    ConsumerClosedError,
    CrashedError,
    InvalidArgumentError,
    SettlementError,
    StaleDeliveryError,
)
from .records import ACKED, DEAD, IN_FLIGHT, OFFSET, PARTITION, RETURNED, TIMESTAMP, Delivery

if TYPE_CHECKING:
    from .groups import GroupState, PartitionState

OPEN, CLOSED, CRASHED = "open", "closed", "crashed"


class Consumer:
    """What ``subscribe`` returns: one member of ``group`` on ``topic``."""

    __slots__ = (
        "_assigned",
        "_cursor",
        "_group",
        "_inflight",
        "_n_inflight",
        "ack_timeout_ms",
        "max_deliveries",
        "max_in_flight",
        "member_id",
        "state",
    )

    def __init__(
        self,
        group: GroupState,
        member_id: str,
        max_deliveries: int,
        ack_timeout_ms: int,
        max_in_flight: int,
    ) -> None:
        self._group = group
        self.member_id = member_id
        self.max_deliveries = max_deliveries
        self.ack_timeout_ms = ack_timeout_ms
        self.max_in_flight = max_in_flight
        self.state = OPEN
        self._assigned: list[PartitionState] = []
        self._cursor = 0  # which assigned partition the next poll starts with
        # Deliveries in delivery order. The ack timeout is fixed per consumer and time
        # never goes back, so this is also deadline order: the ack-timeout check looks
        # only at the front and needs no timer per delivery. Settled ones are dropped
        # lazily (from the front, or by a sweep), so an ack does no removal here.
        self._inflight: deque[Delivery] = deque()
        self._n_inflight = 0

    def __repr__(self) -> str:
        return f"Consumer({self.member_id!r}, topic={self.topic!r}, {self.state})"

    @property
    def group(self) -> str:
        """The group's name."""
        return self._group.name

    @property
    def topic(self) -> str:
        """The subscribed topic."""
        return self._group.topic.config.name

    @property
    def open(self) -> bool:
        """Neither closed nor crashed."""
        return self.state == OPEN

    @property
    def assignment(self) -> tuple[int, ...]:
        """Partitions this member may poll from, as of the last rebalance."""
        return tuple(ps.partition for ps in self._assigned)

    @property
    def in_flight(self) -> int:
        """Deliveries handed out and not settled yet."""
        return self._n_inflight

    def _live(self) -> list[Delivery]:
        return [d for d in self._inflight if d._state == IN_FLIGHT]

    def _trim(self) -> None:
        """Drop settled deliveries from the front; sweep when too many hide behind one."""
        q = self._inflight
        while q and q[0]._state != IN_FLIGHT:
            q.popleft()
        if len(q) > 2 * self._n_inflight + 64:
            self._inflight = deque(self._live())

    def _check_open(self) -> None:
        if self.state == CRASHED:
            raise CrashedError(f"consumer {self.member_id!r} crashed; subscribe again")
        if self.state == CLOSED:
            raise ConsumerClosedError(f"consumer {self.member_id!r} is closed")

    def poll(self, max_records: int = 500) -> list[Delivery]:
        """Up to ``max_records`` deliveries, within ``max_in_flight``.

        Each assigned partition serves its due redeliveries (lowest offset first) before
        new records; the starting partition rotates between polls for fairness.
        """
        if self.state != OPEN:
            self._check_open()
        if max_records < 0:
            raise InvalidArgumentError(f"max_records must be >= 0, got {max_records}")
        q = self._inflight
        if q and (q[0]._state != IN_FLIGHT or len(q) > 2 * self._n_inflight + 64):
            self._trim()  # called only when it has something to do: this is the hot path
        budget = self.max_in_flight - self._n_inflight
        if max_records < budget:
            budget = max_records
        parts = self._assigned
        n = len(parts)
        out: list[Delivery] = []
        if budget <= 0 or not n:
            return out
        group = self._group
        now = group.core.clock.now
        deadline = now + self.ack_timeout_ms
        start = self._cursor
        self._cursor = (start + 1) % n
        redelivered = 0
        for k in range(n):
            ps = parts[(start + k) % n]
            log = ps.log
            if log.offline_until > now:
                continue  # no leader: nothing to fetch from it for now
            ready = ps.ready
            if ready:
                unsettled = ps.unsettled
                while ready and budget:
                    offset = heapq.heappop(ready)
                    prev = unsettled.get(offset)
                    if prev is None or prev._state != RETURNED:
                        continue  # settled or voided since it was queued
                    d = Delivery(prev._row, prev.attempt + 1, deadline, self)
                    unsettled[offset] = d
                    out.append(d)
                    budget -= 1
                    redelivered += 1
                    ps.redelivered += 1
            nxt = ps.next_offset
            if budget and nxt < log.end_offset:
                # Records retention removed before this group read them are skipped,
                # as a Kafka consumer with auto.offset.reset=earliest skips them.
                records = log.read(nxt, budget)
                unsettled = ps.unsettled
                for r in records:
                    d = Delivery(r, 1, deadline, self)
                    unsettled[r[OFFSET]] = d
                    out.append(d)
                ps.next_offset = records[-1][OFFSET] + 1 if records else log.end_offset
                budget -= len(records)
            if not budget:
                break
        if not out:
            return out
        self._inflight.extend(out)
        self._n_inflight += len(out)
        stats = group.topic.stats
        stats.delivered += len(out)
        stats.redelivered += redelivered
        core = group.core
        if core._tracing:
            for d in out:
                core._trace("deliver", group.name, self.member_id, d.partition, d.offset, d.attempt)
        return out

    # -- settlement, called by Delivery ------------------------------------------------

    def settle_error(self, delivery: Delivery, verb: str) -> SettlementError:
        """The error for settling ``delivery`` when it is no longer in flight."""
        where = f"{delivery!r}"
        if delivery._state == ACKED:
            return AlreadySettledError(f"cannot {verb} {where}: already acked")
        if self.state == CRASHED:
            return CrashedError(
                f"cannot {verb} {where}: consumer {self.member_id!r} crashed and its"
                " deliveries went back to the group"
            )
        if self.state == CLOSED:
            return ConsumerClosedError(
                f"cannot {verb} {where}: consumer {self.member_id!r} is closed"
            )
        if delivery._state == DEAD:
            return AlreadySettledError(f"cannot {verb} {where}: already dead-lettered")
        return StaleDeliveryError(
            f"cannot {verb} {where}: it was taken back ({delivery.error or 'seek'})"
            " and will be redelivered"
        )

    def _ack(self, delivery: Delivery) -> None:
        delivery._state = ACKED
        self._n_inflight -= 1
        row = delivery._row
        group = self._group
        del group.parts[row[PARTITION]].unsettled[row[OFFSET]]
        stats = group.topic.stats
        stats.acked += 1
        core = group.core
        latency = core.clock.now - row[TIMESTAMP]
        stats.latency[latency] = stats.latency.get(latency, 0) + 1
        if core._tracing:
            core._trace("ack", group.name, self.member_id, row[PARTITION], row[OFFSET])

    def _nack(self, delivery: Delivery, delay_ms: object, error: str | None) -> None:
        if delivery._state != IN_FLIGHT:
            raise self.settle_error(delivery, "nack")
        delay = self._group.core.clock.check_delay("delay_ms", delay_ms)
        self._n_inflight -= 1
        partition, offset = delivery._row[PARTITION], delivery._row[OFFSET]
        self._group.core._trace("nack", self.group, self.member_id, partition, offset, delay)
        ps = self._group.parts[partition]
        ps.give_back(delivery, self.max_deliveries, error or "nacked", delay)

    def _reject(self, delivery: Delivery, error: str | None) -> None:
        if delivery._state != IN_FLIGHT:
            raise self.settle_error(delivery, "reject")
        self._n_inflight -= 1
        partition, offset = delivery._row[PARTITION], delivery._row[OFFSET]
        self._group.core._trace("reject", self.group, partition, offset)
        delivery._error = error = error or "rejected"
        self._group.parts[partition].dead_letter(delivery, "rejected", error)

    def _forget(self, delivery: Delivery) -> None:
        """Count out a delivery the group takes back (rebalance, seek); it leaves the queue
        lazily, once the caller has changed its state."""
        self._n_inflight -= 1

    # -- time --------------------------------------------------------------------------

    def next_deadline(self) -> int | None:
        """The ack deadline of the oldest delivery in flight."""
        self._trim()
        return self._inflight[0].deadline if self._inflight else None

    def expire(self, now: int) -> None:
        """Take back every delivery whose ack deadline has passed."""
        inflight = self._inflight
        while inflight:
            d = inflight[0]
            if d._state != IN_FLIGHT:
                inflight.popleft()
                continue
            if d.deadline > now:
                break
            inflight.popleft()
            self._n_inflight -= 1
            partition, offset = d._row[PARTITION], d._row[OFFSET]
            self._group.core._trace("timeout", self.group, partition, offset)
            self._group.parts[partition].give_back(
                d, self.max_deliveries, f"ack timeout after {self.ack_timeout_ms} ms", 0
            )

    # -- leaving -----------------------------------------------------------------------

    def close(self) -> None:
        """Leave the group: unacked deliveries go back to it, and it rebalances."""
        if self.state != OPEN:
            return  # closing twice is harmless, as with real clients
        self._leave(CLOSED, "leave", f"consumer {self.member_id!r} closed")

    def crash(self) -> None:
        """Die without a goodbye: same as close, but later acks raise ``CrashedError``."""
        if self.state != OPEN:
            return
        self._leave(CRASHED, "crash", f"consumer {self.member_id!r} crashed")

    def _leave(self, state: str, reason: str, error: str) -> None:
        self.state = state
        group = self._group
        group.core._left += 1
        pending = self._live()
        self._inflight.clear()
        self._n_inflight = 0
        for d in pending:
            group.parts[d._row[PARTITION]].give_back(d, self.max_deliveries, error, 0)
        group.members.remove(self)
        self._assigned = []
        group.rebalance(reason, self.member_id)
