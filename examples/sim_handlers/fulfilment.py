"""An order's fulfilment status from its lifecycle events, as a simulator handler.

It keeps its own state (not rebuilt from the log) and never moves an order back: a step
that arrives again, or after a later one, changes nothing. So it survives duplicates,
redeliveries, a partition without a leader for a while, and writes the broker lost after
it had read them.
"""

from __future__ import annotations

from typing import Any

RANK = {"orders.OrderPlaced": 1, "orders.OrderPaid": 2, "orders.OrderShipped": 3,
        "orders.OrderDelivered": 4, "orders.OrderCancelled": 4}


def order_status(event: dict[str, Any], ctx: Any) -> None:
    """orders.* -> ``order/<id>``: the furthest step the order reached."""
    key = f"order/{event['order_id']}"
    current = ctx.state.get(key)
    if current is None or RANK[ctx.event] > RANK[current]:
        ctx.state[key] = ctx.event
