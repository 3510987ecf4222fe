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
    """A CQRS read model: per key, the latest top-level scalar fields and an event count
    keyed by event id (so a repeat does not count twice)."""

    def handle(event: Any, ctx: Context) -> None:
        if not isinstance(event, dict):
            return
        row_key = f"row/{ctx.key if ctx.key is not None else ctx.id}"
        row = ctx.state.get(row_key) or {"fields": {}, "events": {}}
        if ctx.id in row["events"]:
            return  # a duplicate or a redelivery: applying it again could move the row back
        for name, value in event.items():
            if value is None or isinstance(value, str | int | float | bool):
                row["fields"][name] = value
        row["events"][ctx.id] = ctx.event
        row["last_event"] = ctx.event
        ctx.state.set(row_key, row)

    return handle


MODELS: dict[str, Callable[[], Callable[[Any, Context], None]]] = {
    "recorder": recorder,
    "projection": projection,
}
