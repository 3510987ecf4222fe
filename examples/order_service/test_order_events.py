"""order-service's contract test: its events satisfy the contract and every consumer."""

from __future__ import annotations

from decimal import Decimal

from examples.order_service.orders import Cart, Line, order_placed

CARTS = [
    Cart("0b7e9c1a-5d2f-4a8e-9c3b-7f6e5d4c3b2a", "ada@example.com", "Ada Lovelace",
         (Line("BOOK-0042", "Notes on the Analytical Engine", 2, Decimal("19.90")),)),
    Cart("5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f", "grace@example.org", "Grace Hopper",
         (Line("PEN-7", "Fountain pen", 1, Decimal("42")),
          Line("INK-BLUE-50", "Ink, blue, 50 ml", 3, Decimal("6.50"))),
         currency="USD", channel="mobile_app"),
]


def test_order_placed_meets_contract_and_consumers(accord):
    events = accord.provider("order-service").verify(
        "orders.OrderPlaced", lambda: [order_placed(cart) for cart in CARTS])
    assert [e["total"]["amount"] for e in events] == ["39.80", "61.50"]
