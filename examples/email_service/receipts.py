"""email-service: the receipt e-mail for a placed order (a consumer of orders.OrderPlaced)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def render_receipt(event: dict[str, Any]) -> tuple[str, str]:
    """The recipient and body of the receipt for one `orders.OrderPlaced` v2 event."""
    customer = event["customer"]
    lines = []
    for item in event["items"]:
        price = Decimal(item["unit_price"]["amount"]) * item["quantity"]
        lines.append(f"{item['quantity']} x {item['product_name']}: {price} "
                     f"{item['unit_price']['currency']}")
    total = event["total"]
    body = "\n".join([
        f"Dear {customer['full_name']},",
        "thank you for your order. You bought:",
        *lines,
        f"Total: {Decimal(total['amount'])} {total['currency']}",
    ])
    # Optional fields: read only when present, so events without them are fine.
    address = event.get("shipping_address")
    if address:
        body += f"\nShipping to {address['city']}, {address['country_code']}."
    return customer["email"], body
