"""Entity lifecycles as each consumer group sees them: the aggregate invariants.

``causal-order``: a group handles the steps of one entity's lifecycle in the order they
happened (step 2 of order o-1 never before step 1, if it takes both). ``terminal-last``:
after an entity's terminal step, a group handles no other event of that entity. Both are
checked as events are handled (first handling only; redeliveries are the broker's). An
ended entity is remembered for a horizon (the longest an event can still arrive late),
so memory follows the entities in flight, not the run.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable


class Lifecycles:
    """What each group has handled of each live entity, checked step by step."""

    def __init__(self, groups: list[str], causal: bool, terminal: bool,
                 violate: Callable[[str, str, str | None, str | None], None]) -> None:
        self.causal = causal
        self.terminal = terminal
        self.violate = violate
        # group -> (flow, key) -> (highest step handled, its event id, when)
        self.highest: dict[str, dict[tuple[int, str], tuple[int, str, int]]] = {
            g: {} for g in groups}
        # group -> (flow, key) -> the terminal event handled (its name and id)
        self.ended: dict[str, dict[tuple[int, str], str]] = {g: {} for g in groups}
        self._ended_at: deque[tuple[int, str, tuple[int, str]]] = deque()

    @property
    def active(self) -> bool:
        return self.causal or self.terminal

    def handled(self, group: str, flow: int, key: str, step: int, terminal: bool, event: str,
                ident: str, now: int) -> None:
        slot = (flow, key)
        ended = self.ended[group].get(slot)
        if ended is not None and self.terminal:
            self.violate("terminal-last", f"{group} handled {event} ({ident}) for key {key!r} "
                         f"after the entity's terminal event {ended}", ident, group)
        highest = self.highest[group]
        seen = highest.get(slot)
        if seen is not None and step < seen[0]:
            if self.causal:
                self.violate("causal-order", f"{group} handled step {step + 1} of key "
                             f"{key!r}'s lifecycle ({event}, {ident}) after step "
                             f"{seen[0] + 1} ({seen[1]})", ident, group)
        else:
            highest[slot] = (step, ident, now)
        if terminal:
            self.ended[group][slot] = f"{event} ({ident})"
            highest.pop(slot, None)
            self._ended_at.append((now, group, slot))

    def forget_before(self, time: int) -> None:
        """Drop entities that ended, or that a group last saw, before ``time``: nothing
        about them can still arrive (``time`` is now less the longest an event can lag)."""
        queue = self._ended_at
        while queue and queue[0][0] < time:
            _, group, slot = queue.popleft()
            self.ended[group].pop(slot, None)
        for highest in self.highest.values():
            for slot in [s for s, (_, _, when) in highest.items() if when < time]:
                del highest[slot]
