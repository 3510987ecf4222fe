"""email-service's contract test: every OrderPlaced the contract allows makes a receipt."""

from __future__ import annotations

from examples.email_service.receipts import render_receipt

from accord.testing import each_like, like, regex


def test_receipt_for_every_order(accord):
    orders = accord.consumer("email-service").expects("orders.OrderPlaced", fields={
        # What the receipt needs; order-service's tests check that it always sends these.
        "customer.email": regex(r"[^@\s]+@[^@\s]+", "ada.lovelace@example.com"),
        "customer.full_name": like("Ada Lovelace"),
        "items": each_like({"product_name": "Notes on the Analytical Engine", "quantity": 2}),
    })
    for event in orders.samples():
        recipient, body = render_receipt(event)
        assert recipient == event["customer"]["email"]
        assert body.startswith(f"Dear {event['customer']['full_name']},")
