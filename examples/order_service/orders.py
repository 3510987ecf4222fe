"""order-service: checkout turns a cart into an `orders.OrderPlaced` event (a provider)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Line:
    sku: str
    name: str
    quantity: int
    unit_price: Decimal


@dataclass(frozen=True)
class Cart:
    customer_id: str
    email: str
    name: str
    lines: tuple[Line, ...]
    currency: str = "EUR"
    channel: str = "web"


def _money(amount: Decimal, currency: str) -> dict[str, str]:
    return {"amount": f"{amount:.2f}", "currency": currency}


def order_placed(cart: Cart, *, order_id: str | None = None,
                 now: datetime | None = None) -> dict[str, Any]:
    """The OrderPlaced v2 event for a checked-out cart."""
    total = sum((line.unit_price * line.quantity for line in cart.lines), Decimal(0))
    return {
        "order_id": order_id or str(uuid.uuid4()),
        "sequence": 1,
        "occurred_at": (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "customer": {"customer_id": cart.customer_id, "email": cart.email,
                     "full_name": cart.name},
        "items": [
            {"sku": line.sku, "product_name": line.name, "quantity": line.quantity,
             "unit_price": _money(line.unit_price, cart.currency)}
            for line in cart.lines
        ],
        "total": _money(total, cart.currency),
        "sales_channel": cart.channel,
    }
