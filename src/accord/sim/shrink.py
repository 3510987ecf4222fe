"""Delta debugging (Zeller's ddmin) over the event list, then over the fault schedule.

A candidate "still fails" when a run over it breaks the same invariant (or SLO) as the
original run. Faults that name a removed event go with it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TypeVar

from accord.sim.faults import Fault
from accord.sim.generators import SimEvent

T = TypeVar("T")
MAX_RUNS = 2_000
MAX_SECONDS = 60.0
"""A shrink stops here and keeps the smallest failing run found so far (still a
reproducer, maybe not a minimal one): an SLO such as max_lag needs many events."""


def ddmin(items: Sequence[T], fails: Callable[[list[T]], bool]) -> list[T]:
    """A 1-minimal sublist of ``items`` that still ``fails`` (within a run budget)."""
    current = list(items)
    n = 2
    runs = 0
    stop = time.monotonic() + MAX_SECONDS
    while len(current) >= 2 and runs < MAX_RUNS and time.monotonic() < stop:
        size = len(current) // n
        chunks = [current[i:i + size] for i in range(0, len(current), size)] if size else []
        reduced = False
        for i in range(len(chunks)):
            runs += 1
            complement = [x for j, chunk in enumerate(chunks) if j != i for x in chunk]
            if complement and fails(complement):
                current = complement
                n = max(n - 1, 2)
                reduced = True
                break
        if not reduced:
            if n >= len(current):
                break
            n = min(len(current), n * 2)
    return current


def shrink(events: list[SimEvent], faults: list[Fault],
           fails: Callable[[list[SimEvent], list[Fault]], bool]) -> tuple[list[SimEvent],
                                                                        list[Fault]]:
    """The smallest events and faults ddmin finds that still break the invariant."""

    def kept(fs: list[Fault], es: list[SimEvent]) -> list[Fault]:
        ids = {e.id for e in es}
        # A follow-up event's id starts with the id of the event that caused it; a
        # broker-side strike names its subject and second ("orders/1@12"), no event.
        return [f for f in fs if "@" in f.event or f.event.split(">", 1)[0] in ids]

    # Events after the first violation rarely matter: try the shortest failing prefix
    # first, which makes ddmin's first rounds cheap.
    lo, hi = 1, len(events)
    while lo < hi:
        mid = (lo + hi) // 2
        if fails(events[:mid], kept(faults, events[:mid])):
            hi = mid
        else:
            lo = mid + 1
    if fails(events[:hi], kept(faults, events[:hi])):
        events = events[:hi]
    small = ddmin(events, lambda es: fails(es, kept(faults, es)))
    schedule = kept(faults, small)
    if schedule and fails(small, []):
        return small, []
    schedule = ddmin(schedule, lambda fs: fails(small, fs)) if len(schedule) > 1 else schedule
    return small, schedule
