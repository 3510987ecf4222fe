"""Broker-side faults on the embedded broker, struck once per second of the run.

- ``leader_loss``: a partition has no leader for a while; producers hold its records and
  retry when it is back (in order), consumers fetch nothing from it meanwhile.
- ``lost_writes``: a broker crash loses the writes of its last window that it had
  acknowledged but not flushed (Jepsen's NATS 2.12.1 finding with JetStream's default
  fsync interval): groups that had not read them never will, and the log no longer holds
  what live state was built from.
- ``slow_consumer``: a member takes one batch and is slow with it: its acks come when it is
  done, ``for`` later, and it polls nothing meanwhile; past the ack timeout the group
  drops it (a rebalance: its partitions and unacked records go to the others, which
  handle them again) and it rejoins when it is done.

Each strike is a `Fault` of the run (drawn from the seed and its subject, or replayed
from a reproducer's schedule), so a failing run shrinks like any other.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from accord.broker import EmbeddedBroker
from accord.sim.faults import Faults
from accord.sim.scenario import FaultSpec


@dataclass(order=True)
class Held:
    """A publish the producer holds until its partition has a leader again."""

    until: int
    order: int
    send: Callable[[], None] = field(compare=False)


@dataclass
class Slow:
    """A slow member: busy with one batch until ``until``, dropped by its group at
    ``kick_at`` if that comes first."""

    until: int
    kick_at: int
    kicked: bool = False
    took: bool = False


class BrokerFaults:
    def __init__(self, spec: FaultSpec, faults: Faults, broker: EmbeddedBroker) -> None:
        self.spec = spec
        self.faults = faults
        self.broker = broker
        self.held: list[Held] = []
        self._order = 0
        self.slow: dict[tuple[int, int], Slow] = {}
        self.lost = 0

    def strike(self, now: int, topics: dict[str, int], members: list[tuple[Any, str, list[Any]]]
               ) -> None:
        """Draw this second's faults: leaders lost, unflushed writes lost, members slowed."""
        second = now // 1000
        spec, faults = self.spec, self.faults
        for topic, partitions in sorted(topics.items()):
            for p in range(partitions):
                ms = faults.timed("leader-loss", spec.leader_loss, f"{topic}/{p}@{second}")
                if ms:
                    self.broker.take_offline(topic, p, self.broker.now + ms)
            window = faults.timed("lost-writes", spec.lost_writes, f"{topic}@{second}")
            if window:
                self.lost += len(self.broker.lose_unflushed(topic, window))
        for m, (c, topic, subscriptions) in enumerate(members):
            for i in range(len(subscriptions)):
                if (m, i) in self.slow:
                    continue
                ms = faults.timed("slow-consumer", spec.slow_consumer,
                                  f"{c.group}/{topic}/{i}@{second}")
                if ms:
                    self.slow[(m, i)] = Slow(now + ms, now + spec.ack_timeout_ms)

    def hold(self, until: int, send: Callable[[], None]) -> None:
        self._order += 1
        heapq.heappush(self.held, Held(until, self._order, send))

    def release(self) -> None:
        """Send again what waited for a leader that is back (it may be held once more)."""
        while self.held and self.held[0].until <= self.broker.now:
            heapq.heappop(self.held).send()

    def busy(self, m: int, i: int, now: int, kick: Callable[[], None],
             rejoin: Callable[[], None]) -> int | None:
        """For member ``i`` of ``members[m]``: None (poll as usual), 0 (skip this poll: it
        is busy), or a time (poll once, and ack what it takes only then). Drops it from its
        group past the ack timeout, and brings it back when it is done."""
        slow = self.slow.get((m, i))
        if slow is None:
            return None
        if now >= slow.until:
            del self.slow[(m, i)]
            if slow.kicked:
                rejoin()
            return None
        if not slow.kicked and now >= slow.kick_at:
            slow.kicked = True
            kick()
        if slow.took or slow.kicked:
            return 0
        slow.took = True
        return slow.until
