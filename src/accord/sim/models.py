"""Built-in consumer models, for scenarios with no handler code yet."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from accord.sim.context import Context


def recorder() -> Callable[[Any, Context], None]:
    """Remembers which events it saw, once each: idempotent by construction."""

    def handle(event: Any, ctx: Context) -> None:
        ctx.state.set(f"seen/{ctx.id}", f"{ctx.event} v{ctx.version}")

    return handle


WINDOW = 64
"""How many recent event ids a projection row remembers to skip repeats (a dedup window)."""
_SCALARS = frozenset({str, int, float, bool, type(None)})
"""The types of the fields a projection row keeps (a payload is JSON: no subclasses)."""


def projection() -> Callable[[Any, Context], None]:
    """A CQRS read model: per key, the latest top-level scalar fields and how many events
    made it. Each row remembers the ids of its last `WINDOW` events, so a duplicate or a
    redelivery within that window does not count twice, and memory stays bounded by the
    keys, not the events. A repeat arriving later than that would count twice: the
    `idempotent` invariant would say so."""

    def handle(event: Any, ctx: Context) -> None:
        if not isinstance(event, dict):
            return
        state = ctx.state
        row_key = f"row/{ctx.key if ctx.key is not None else ctx.id}"
        row = state.peek(row_key)  # ours alone: changed in place, never handed out
        if row is None:
            row = {"fields": {}, "events": 0, "recent": {}}
            state.put(row_key, row)
        recent = row["recent"]  # the ids, oldest first, as keys: a lookup, not a scan
        if ctx.id in recent:
            return  # a duplicate or a redelivery: applying it again could move the row back
        fields = row["fields"]
        for name, value in event.items():
            if type(value) in _SCALARS:
                fields[name] = value
        row["events"] += 1
        row["last_event"] = ctx.event
        recent[ctx.id] = None
        if len(recent) > WINDOW:
            del recent[next(iter(recent))]

    return handle


MODELS: dict[str, Callable[[], Callable[[Any, Context], None]]] = {
    "recorder": recorder,
    "projection": projection,
}
