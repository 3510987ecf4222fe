"""Meta-schema checking: Accord's walk against jsonschema's ``check_schema``.

Run with ``python benchmarks/bench_metaschema.py``; prints a markdown table.  The budget
this serves: a 3,000-schema registry checked well inside the 2 s lint budget, so ≥ 20×
jsonschema and ideally < 100 µs per realistic schema.
"""

from __future__ import annotations

import timeit
from collections.abc import Callable
from functools import partial
from typing import Any

from jsonschema import Draft7Validator, Draft202012Validator

from accord.registry.metaschema import DRAFT_07, DRAFT_2020_12, check_schema, draft_of

Schema = dict[str, Any]

# -- building blocks of the event schemas below --------------------------------------------------

UUID: Schema = {"type": "string", "format": "uuid"}
TIMESTAMP: Schema = {"type": "string", "format": "date-time", "description": "UTC, RFC 3339"}
MONEY: Schema = {
    "type": "object",
    "required": ["amount", "currency"],
    "additionalProperties": False,
    "properties": {
        "amount": {"type": "number", "multipleOf": 0.01, "minimum": 0},
        "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
    },
}
ADDRESS: Schema = {
    "type": "object",
    "required": ["line1", "city", "country"],
    "properties": {
        "line1": {"type": "string", "minLength": 1, "maxLength": 200},
        "line2": {"type": ["string", "null"]},
        "city": {"type": "string"},
        "postcode": {"type": "string", "pattern": "^[A-Z0-9 -]{3,10}$"},
        "country": {"type": "string", "pattern": "^[A-Z]{2}$"},
    },
}


def event(
    name: str,
    payload: Schema,
    required: list[str],
    *,
    draft: str = DRAFT_2020_12,
    defs: Schema | None = None,
    extra: Schema | None = None,
) -> Schema:
    """An event envelope as teams write them: metadata, then a typed payload."""
    schema: Schema = {
        "$schema": draft,
        "$id": f"https://contracts.example.com/{name}/1",
        "title": name,
        "description": f"Published when {name.replace('-', ' ')} happens.",
        "type": "object",
        "required": ["event_id", "occurred_at", "producer", "payload"],
        "additionalProperties": False,
        "properties": {
            "event_id": UUID,
            "occurred_at": TIMESTAMP,
            "producer": {"type": "string", "enum": ["checkout", "billing", "identity", "ops"]},
            "trace_id": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
            "payload": {
                "type": "object",
                "required": required,
                "properties": payload,
                "additionalProperties": False,
            },
        },
        **(extra or {}),
    }
    if defs:
        schema["$defs" if draft == DRAFT_2020_12 else "definitions"] = defs
    return schema


def ref(name: str, draft: str = DRAFT_2020_12) -> Schema:
    return {"$ref": f"#/{'$defs' if draft == DRAFT_2020_12 else 'definitions'}/{name}"}


def line_items(item: Schema) -> Schema:
    return {"type": "array", "minItems": 1, "maxItems": 500, "items": item}


SKU_LINE: Schema = {
    "type": "object",
    "required": ["sku", "quantity"],
    "properties": {
        "sku": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{6}$"},
        "quantity": {"type": "integer", "minimum": 1},
        "unit_price": MONEY,
    },
}


def schemas() -> dict[str, Schema]:
    """Twenty event schemas of the shapes a registry holds, both drafts."""
    d7 = DRAFT_07
    return {
        "order-placed": event(
            "order-placed",
            {
                "order_id": UUID,
                "customer": ref("customer"),
                "lines": line_items(SKU_LINE),
                "shipping": ADDRESS,
                "total": MONEY,
                "channel": {"enum": ["web", "store", "phone"], "default": "web"},
            },
            ["order_id", "customer", "lines", "total"],
            defs={"customer": {"type": "object", "properties": {"id": UUID, "tier": {}}}},
        ),
        "order-cancelled": event(
            "order-cancelled",
            {
                "order_id": UUID,
                "reason": {"type": "string", "enum": ["customer", "fraud", "stock", "other"]},
                "note": {"type": "string", "maxLength": 2000},
            },
            ["order_id", "reason"],
            extra={"if": {"properties": {"reason": {"const": "other"}}}, "then": {"required": []}},
        ),
        "payment-captured": event(
            "payment-captured",
            {
                "payment_id": UUID,
                "order_id": UUID,
                "amount": MONEY,
                "method": {
                    "oneOf": [
                        {"type": "object", "properties": {"card_last4": {"pattern": "^[0-9]{4}$"}}},
                        {"type": "object", "properties": {"iban": {"type": "string"}}},
                        {"type": "object", "properties": {"wallet": {"enum": ["apple", "google"]}}},
                    ]
                },
            },
            ["payment_id", "amount", "method"],
        ),
        "payment-refunded": event(
            "payment-refunded",
            {"payment_id": UUID, "amount": MONEY, "partial": {"type": "boolean"}},
            ["payment_id", "amount"],
            draft=d7,
        ),
        "user-signed-up": event(
            "user-signed-up",
            {
                "user_id": UUID,
                "email": {"type": "string", "format": "email", "maxLength": 320},
                "locale": {"type": "string", "pattern": "^[a-z]{2}(-[A-Z]{2})?$"},
                "marketing_opt_in": {"type": "boolean", "default": False},
                "referrer": {"type": ["string", "null"]},
            },
            ["user_id", "email"],
        ),
        "user-email-changed": event(
            "user-email-changed",
            {"user_id": UUID, "old": {"type": "string"}, "new": {"type": "string"}},
            ["user_id", "old", "new"],
            draft=d7,
        ),
        "user-deleted": event(
            "user-deleted",
            {"user_id": UUID, "gdpr": {"type": "boolean"}, "deleted_by": {"type": "string"}},
            ["user_id"],
            extra={"deprecated": False, "examples": [{"payload": {"user_id": "x"}}]},
        ),
        "shipment-dispatched": event(
            "shipment-dispatched",
            {
                "shipment_id": UUID,
                "carrier": {"type": "string", "enum": ["dhl", "ups", "fedex", "royal-mail"]},
                "tracking": {"type": "string", "minLength": 6},
                "parcels": line_items(
                    {
                        "type": "object",
                        "properties": {
                            "weight_g": {"type": "integer", "exclusiveMinimum": 0},
                            "dimensions_mm": {
                                "type": "array",
                                "prefixItems": [{"type": "integer"}] * 3,
                                "items": False,
                            },
                        },
                    }
                ),
                "to": ADDRESS,
            },
            ["shipment_id", "carrier", "parcels", "to"],
        ),
        "shipment-delivered": event(
            "shipment-delivered",
            {"shipment_id": UUID, "signed_by": {"type": "string"}, "at": TIMESTAMP},
            ["shipment_id", "at"],
            draft=d7,
        ),
        "inventory-adjusted": event(
            "inventory-adjusted",
            {
                "warehouse": {"type": "string", "pattern": "^WH-[0-9]{3}$"},
                "adjustments": line_items(
                    {
                        "type": "object",
                        "properties": {
                            "sku": {"type": "string"},
                            "delta": {"type": "integer", "not": {"const": 0}},
                            "reason": {"enum": ["count", "damage", "return", "transfer"]},
                        },
                        "dependentRequired": {"reason": ["delta"]},
                    }
                ),
            },
            ["warehouse", "adjustments"],
        ),
        "price-changed": event(
            "price-changed",
            {
                "sku": {"type": "string"},
                "old": MONEY,
                "new": MONEY,
                "effective_from": TIMESTAMP,
            },
            ["sku", "new"],
        ),
        "cart-abandoned": event(
            "cart-abandoned",
            {
                "cart_id": UUID,
                "items": line_items(SKU_LINE),
                "idle_minutes": {"type": "integer", "minimum": 30, "maximum": 10080},
            },
            ["cart_id", "items"],
            draft=d7,
            defs={"line": SKU_LINE},
        ),
        "invoice-issued": event(
            "invoice-issued",
            {
                "invoice_id": {"type": "string", "pattern": "^INV-[0-9]{8}$"},
                "lines": line_items(
                    {
                        "allOf": [
                            SKU_LINE,
                            {"properties": {"tax_rate": {"type": "number", "maximum": 1}}},
                        ],
                        "unevaluatedProperties": False,
                    }
                ),
                "billing": ADDRESS,
                "due": {"type": "string", "format": "date"},
                "total": MONEY,
            },
            ["invoice_id", "lines", "total"],
        ),
        "subscription-renewed": event(
            "subscription-renewed",
            {
                "subscription_id": UUID,
                "plan": {"type": "string", "enum": ["basic", "pro", "team"]},
                "period": {
                    "type": "object",
                    "properties": {"start": TIMESTAMP, "end": TIMESTAMP},
                    "required": ["start", "end"],
                },
                "price": MONEY,
            },
            ["subscription_id", "plan", "period"],
        ),
        "login-failed": event(
            "login-failed",
            {
                "user_id": {"anyOf": [UUID, {"type": "null"}]},
                "ip": {"type": "string", "format": "ipv4"},
                "attempt": {"type": "integer", "minimum": 1},
                "mfa": {"type": "boolean"},
            },
            ["ip", "attempt"],
            draft=d7,
        ),
        "feature-flag-toggled": event(
            "feature-flag-toggled",
            {
                "flag": {"type": "string", "pattern": "^[a-z0-9-]+$"},
                "enabled": {"type": "boolean"},
                "audience": {
                    "type": "object",
                    "patternProperties": {"^seg-[a-z]+$": {"type": "number", "maximum": 100}},
                    "additionalProperties": False,
                },
            },
            ["flag", "enabled"],
        ),
        "review-submitted": event(
            "review-submitted",
            {
                "review_id": UUID,
                "sku": {"type": "string"},
                "rating": {"type": "integer", "minimum": 1, "maximum": 5},
                "text": {"type": "string", "maxLength": 5000, "contentMediaType": "text/plain"},
                "photos": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
            },
            ["review_id", "sku", "rating"],
        ),
        "support-ticket-opened": event(
            "support-ticket-opened",
            {
                "ticket_id": UUID,
                "priority": {"enum": ["p1", "p2", "p3", "p4"]},
                "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 20},
                "attachments": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "name": {"type": "string"},
                            "data": {"type": "string", "contentEncoding": "base64"},
                        },
                    },
                },
            },
            ["ticket_id", "priority"],
            draft=d7,
        ),
        "loyalty-points-earned": event(
            "loyalty-points-earned",
            {
                "member_id": UUID,
                "points": {"type": "integer", "minimum": 0},
                "source": ref("source"),
            },
            ["member_id", "points", "source"],
            defs={
                "source": {
                    "oneOf": [
                        {"properties": {"order_id": UUID}, "required": ["order_id"]},
                        {"properties": {"campaign": {"type": "string"}}, "required": ["campaign"]},
                    ]
                }
            },
        ),
        "webhook-delivery-failed": event(
            "webhook-delivery-failed",
            {
                "endpoint": {"type": "string", "format": "uri"},
                "status": {"type": "integer", "minimum": 100, "maximum": 599},
                "attempts": {"type": "integer"},
                "headers": {"type": "object", "additionalProperties": {"type": "string"}},
                "next_retry": {"oneOf": [TIMESTAMP, {"type": "null"}]},
            },
            ["endpoint", "attempts"],
        ),
    }


def per_call_us(function: Callable[[], object]) -> float:
    """Best-of-three time of one call, in microseconds (the minimum resists machine noise)."""
    timer = timeit.Timer(function)
    number, _ = timer.autorange()  # enough calls for ≥ 0.2 s per round
    return min(timer.repeat(repeat=3, number=number)) / number * 1e6


def count_subschemas(schema: object) -> int:
    stack, count = [schema], 0
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            count += 1
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return count


def main() -> None:
    validators = {DRAFT_2020_12: Draft202012Validator, DRAFT_07: Draft7Validator}
    rows = []
    total_fast = total_slow = 0.0
    for name, schema in schemas().items():
        assert check_schema(schema) == [], name
        cls = validators[draft_of(schema)]
        fast = per_call_us(partial(check_schema, schema))
        slow = per_call_us(partial(cls.check_schema, schema))
        total_fast += fast
        total_slow += slow
        draft = "2020-12" if draft_of(schema) == DRAFT_2020_12 else "07"
        rows.append((name, draft, count_subschemas(schema), fast, slow))

    print("| schema | draft | objects | accord µs | jsonschema µs | speed-up |")
    print("|---|---|---:|---:|---:|---:|")
    for name, draft, objects, fast, slow in rows:
        print(f"| {name} | {draft} | {objects} | {fast:.1f} | {slow:.1f} | {slow / fast:.0f}× |")
    n = len(rows)
    print(
        f"| **mean of {n}** | | | **{total_fast / n:.1f}** | **{total_slow / n:.1f}** "
        f"| **{total_slow / total_fast:.0f}×** |"
    )
    print()
    print(
        f"3,000 schemas: accord {3000 * total_fast / n / 1e6:.2f} s, "
        f"jsonschema {3000 * total_slow / n / 1e6:.2f} s"
    )


if __name__ == "__main__":
    main()
