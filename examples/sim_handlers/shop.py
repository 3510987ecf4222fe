"""The shop's services as simulator handlers: ``handler(event, ctx)``.

Each handler is idempotent and tolerates redelivery out of order: it records what it did
under the event's own ids, so a duplicate or a late redelivery changes nothing.
"""

from __future__ import annotations

from typing import Any


def order_service(event: dict[str, Any], ctx: Any) -> None:
    """payments.PaymentAuthorized -> orders.OrderPaid (choreography, no orchestrator)."""
    done = f"paid/{event['order_id']}/{event['payment_id']}"
    if done in ctx.state:
        return  # already emitted for this payment: a duplicate delivery
    ctx.publish("orders.OrderPaid", {
        "order_id": event["order_id"],
        "sequence": 2,
        "occurred_at": event["authorized_at"],
        "payment_id": event["payment_id"],
        "amount": event["amount"],
        "method": event["method"],
    })
    ctx.state.set(done, True)


def email_service(event: dict[str, Any], ctx: Any) -> None:
    """orders.OrderPaid -> one receipt per payment, however often the event arrives."""
    ctx.state.set(f"receipt/{event['order_id']}/{event['payment_id']}", event["amount"])


def crm_sync(event: dict[str, Any], ctx: Any) -> None:
    """cdc.CustomerRowChanged (Debezium) -> the CRM's copy of the legacy customers table.

    The newest change by ``ts_ms`` wins, so a late redelivery of an older change cannot
    overwrite a newer row, and rebuilding from the log gives the same table.
    """
    row = event["after"] if event["op"] != "d" else None
    ident = (row or event.get("before") or {}).get("id")
    if ident is None:
        return
    key = f"customer/{ident}"
    current = ctx.state.get(key)
    stamp = (event["ts_ms"], ctx.id)
    if current is not None and tuple(current["stamp"]) >= stamp:
        return
    ctx.state.set(key, {"stamp": list(stamp), "row": row})
