"""The fault schedule: which event is duplicated, which delivery crashes or acks late.

Live runs draw faults from a hash of (seed, kind, event id, group), so a fault does not
depend on how many others were drawn before it: removing events while shrinking leaves
the remaining events' faults as they were. Every fault that fires is recorded, and a
reproducer replays exactly that recorded list.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

from accord.sim.scenario import FaultSpec

KINDS = ("duplicate", "crash", "delay", "leader-loss", "lost-writes", "producer-retry",
         "slow-consumer")


@dataclass(frozen=True, slots=True)
class Fault:
    """``duplicate``: the producer (or a handler, for a follow-up) publishes the event
    twice. ``crash``: the group's member crashes after handling the event, before
    acking. ``delay``: the ack comes ``ms`` later (past the ack timeout, the broker
    redelivers). ``producer-retry``: the publish's ack times out and the producer sends
    it again ``ms`` later.

    Broker-side faults strike a subject at a second of the run (``event`` is then
    ``<subject>@<second>``): ``leader-loss`` (a partition, ``topic/partition``, has no
    leader for ``ms``), ``lost-writes`` (a topic's broker loses the writes of the last
    ``ms``), ``slow-consumer`` (a member, ``group/topic/instance``, stops polling for
    ``ms``)."""

    kind: str
    event: str
    group: str | None = None
    ms: int = 0

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "event": self.event}
        if self.group is not None:
            out["group"] = self.group
        if self.ms:
            out["ms"] = self.ms
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fault:
        return cls(str(data["kind"]), str(data["event"]), data.get("group"),
                   int(data.get("ms", 0)))


class Faults:
    """Drawn from the spec and the seed, or fixed to a given schedule."""

    def __init__(self, spec: FaultSpec, seed: int,
                 schedule: list[Fault] | None = None, *, record: bool = True) -> None:
        self.spec = spec
        self.seed = seed
        self.fixed = schedule is not None
        self.record = record
        self._table = {(f.kind, f.event, f.group): f for f in schedule or ()}
        self.injected: list[Fault] = []
        """Every fault that fired, in order (kept when ``record``: a reproducer's schedule)."""
        self.counts: dict[str, int] = {}
        # The CRC of each kind's "seed|kind|" prefix: a draw goes on from it (the same
        # value as the CRC of the whole text) instead of hashing the prefix again.
        self._prefixes: dict[str, int] = {}
        self._dup_cut = self._cut("duplicate", spec.duplicate)
        self._crash_cut = self._cut("crash", spec.crash)
        self._delay_cut = self._cut("delay", spec.delay_p)
        self._cuts: dict[str, tuple[float, tuple[int, float]]] = {}  # timed kinds: (p, cut)

    def _prefix(self, kind: str) -> int:
        prefix = self._prefixes.get(kind)
        if prefix is None:
            prefix = self._prefixes[kind] = zlib.crc32(f"{self.seed}|{kind}|".encode())
        return prefix

    def _draw(self, kind: str, event: str, group: str | None) -> float:
        """A number in [0, 1) drawn from the seed, the kind and the subject."""
        return zlib.crc32(f"{event}|{group}".encode(), self._prefix(kind)) / 4294967296.0

    def _fires(self, kind: str, p: float, event: str, group: str | None,
               ms: int = 0) -> Fault | None:
        """The fault of ``kind`` at (event, group), if it strikes: from the schedule when
        fixed, else drawn with probability ``p`` (a delay draws its own length)."""
        if self.fixed:
            found = self._table.get((kind, event, group))
        elif self._draw(kind, event, group) < p:
            if kind == "delay":
                ms = self._delay_ms(event, group)
            found = Fault(kind, event, group, ms)
        else:
            found = None
        if found is not None:
            self._note(found)
        return found

    def _delay_ms(self, event: str, group: str | None) -> int:
        """A delay's length, drawn apart from whether it strikes."""
        return 1 + int(self._draw("delay-ms", event, group) * max(1, self.spec.delay_max_ms))

    def _cut(self, kind: str, p: float) -> tuple[int, float]:
        """(the kind's prefix CRC, ``p * 2**32``): a subject strikes when its CRC continued
        from the prefix is below the cut, exactly when ``_draw(kind, …) < p`` (a power of
        two divides exactly); the hot paths compare without the division."""
        return self._prefix(kind), max(p, 0.0) * 4294967296.0

    @staticmethod
    def _hits(cut: tuple[int, float], subject: bytes) -> bool:
        """Whether ``subject`` (an encoded ``event|group``) strikes, for a kind's `_cut`."""
        return zlib.crc32(subject, cut[0]) < cut[1]

    def duplicate(self, event: str) -> bool:
        if self.fixed:
            return self._fires("duplicate", 0.0, event, None) is not None
        if not self._hits(self._dup_cut, f"{event}|None".encode()):
            return False  # the hot path: once per published event
        self._note(Fault("duplicate", event, None))
        return True

    def crash(self, event: str, group: str) -> bool:
        return self._fires("crash", self.spec.crash, event, group) is not None

    def delay(self, event: str, group: str) -> int:
        found = self._fires("delay", self.spec.delay_p, event, group)
        return found.ms if found is not None else 0

    def after_handling(self, event: str, group: str) -> int:
        """The member's fate once it handled ``event``: -1 when it crashes before acking,
        else how late its ack comes (0: at once). As `crash`, then `delay` when it does
        not crash, with the subject encoded once (the hot path: every handled delivery)."""
        if self.fixed:
            if self.crash(event, group):
                return -1
            return self.delay(event, group)
        subject = f"{event}|{group}".encode()
        if self._hits(self._crash_cut, subject):
            self._note(Fault("crash", event, group))
            return -1
        if not self._hits(self._delay_cut, subject):
            return 0
        ms = self._delay_ms(event, group)
        self._note(Fault("delay", event, group, ms))
        return ms

    def _note(self, found: Fault) -> None:
        self.counts[found.kind] = self.counts.get(found.kind, 0) + 1
        if self.record:
            self.injected.append(found)

    def timed(self, kind: str, rate: tuple[float, int], subject: str) -> int:
        """A fault of ``kind`` with its (probability, ms): the ms when it strikes, else 0."""
        if not self.fixed:
            known = self._cuts.get(kind)
            if known is None or known[0] != rate[0]:
                known = self._cuts[kind] = (rate[0], self._cut(kind, rate[0]))
            if not self._hits(known[1], f"{subject}|None".encode()):
                return 0  # the hot path: producer retries are drawn per published event
        found = self._fires(kind, rate[0], subject, None, rate[1])
        return found.ms if found is not None else 0
