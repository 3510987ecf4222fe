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


def projection() -> Callable[[Any, Context], None]:
    """A CQRS read model: per key, the latest top-level scalar fields and how many events
    made it; each event id is remembered on its own (so a repeat does not count twice, and
    an event costs the same however many came before it for that key)."""

    def handle(event: Any, ctx: Context) -> None:
        if not isinstance(event, dict):
            return
        seen = f"applied/{ctx.id}"
        if seen in ctx.state:
            return  # a duplicate or a redelivery: applying it again could move the row back
        row_key = f"row/{ctx.key if ctx.key is not None else ctx.id}"
        row = ctx.state.get(row_key) or {"fields": {}, "events": 0}
        for name, value in event.items():
            if value is None or isinstance(value, str | int | float | bool):
                row["fields"][name] = value
        row["events"] += 1
        row["last_event"] = ctx.event
        ctx.state[row_key] = row
        ctx.state[seen] = ctx.event

    return handle


MODELS: dict[str, Callable[[], Callable[[Any, Context], None]]] = {
    "recorder": recorder,
    "projection": projection,
}
