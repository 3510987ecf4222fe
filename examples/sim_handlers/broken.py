"""Deliberately broken handlers: the simulator's tests show it catches each one."""

from __future__ import annotations

from typing import Any


def revenue_total(event: dict[str, Any], ctx: Any) -> None:
    """Not idempotent: adds to a total on every delivery, duplicates included."""
    ctx.state.incr("revenue_cents", round(float(event["total"]["amount"]) * 100))


def crashes_on_gift_card(event: dict[str, Any], ctx: Any) -> None:
    """Raises on one enum value of a valid event."""
    if event["method"] == "gift_card":
        raise ValueError("gift cards are not supported")
    ctx.state.set(f"payment/{event['payment_id']}", event["method"])


def reads_v2_field(event: dict[str, Any], ctx: Any) -> None:
    """Assumes every OrderPlaced has v2's sales_channel."""
    ctx.state.set(f"channel/{event['order_id']}", event["sales_channel"])
