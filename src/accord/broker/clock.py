"""Virtual time: a millisecond clock that moves only when told, and a timer heap."""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import InvalidDelayError


@dataclass(order=True, slots=True)
class _Timer:
    due: int
    seq: int  # ties at one instant fire in the order they were set: deterministic
    action: Callable[[], None] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)


class VirtualClock:
    """Milliseconds since the broker started; timers fire in (due, set order)."""

    __slots__ = ("_heap", "_seq", "now")

    def __init__(self, start_ms: int = 0) -> None:
        self.now = start_ms
        self._heap: list[_Timer] = []
        self._seq = 0

    def call_at(self, due: int, action: Callable[[], None]) -> _Timer:
        """Run ``action`` once the clock reaches ``due`` (during an ``advance``)."""
        self._seq += 1
        timer = _Timer(due, self._seq, action)
        heapq.heappush(self._heap, timer)
        return timer

    def next_due(self) -> int | None:
        """When the earliest live timer fires, if any."""
        heap = self._heap
        while heap and heap[0].cancelled:
            heapq.heappop(heap)
        return heap[0].due if heap else None

    def fire_due(self) -> int:
        """Run every live timer due at or before ``now``; returns how many ran."""
        heap = self._heap
        fired = 0
        while heap and heap[0].due <= self.now:
            timer = heapq.heappop(heap)
            if not timer.cancelled:
                timer.action()
                fired += 1
        return fired

    def check_delay(self, name: str, ms: object) -> int:
        """``ms`` as whole milliseconds >= 0, checked before anything is changed; else
        `InvalidDelayError`. Callers type it ``object``: a compiled caller would refuse
        anything else with a bare `TypeError` of its own."""
        # Whole ms only: a float would make virtual time inexact, and traces unstable.
        if not isinstance(ms, int) or ms < 0:
            raise InvalidDelayError(name, ms)
        return ms

    @property
    def pending(self) -> int:
        """Live timers still waiting."""
        return sum(1 for t in self._heap if not t.cancelled)
