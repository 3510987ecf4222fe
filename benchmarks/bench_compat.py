"""Pairs per second for ``check_compatibility`` on realistic event schemas, next to jsoncompat.

Run: ``.venv/bin/python benchmarks/bench_compat.py`` (jsoncompat comes from the ``bench``
extra). Prints a markdown table; ``benchmarks/compat.md`` records a run.
"""

from __future__ import annotations

import copy
import json
import platform
import sys
import time
from collections.abc import Callable
from typing import Any

from accord.governance.compat import check_compatibility
from accord.governance.compat.witness import for_level

Schema = dict[str, Any]
ROUNDS = 5


def _money() -> Schema:
    return {
        "type": "object",
        "properties": {
            "amount": {"type": "string", "pattern": "^-?[0-9]+\\.[0-9]{2}$"},
            "currency": {"enum": ["EUR", "USD", "GBP", "CHF", "JPY"]},
        },
        "required": ["amount", "currency"],
        "additionalProperties": False,
    }


def _address() -> Schema:
    return {
        "type": "object",
        "properties": {
            "line1": {"type": "string", "minLength": 1, "maxLength": 120},
            "line2": {"type": ["string", "null"], "maxLength": 120},
            "city": {"type": "string", "maxLength": 80},
            "postcode": {"type": "string", "maxLength": 16},
            "country": {"type": "string", "pattern": "^[A-Z]{2}$"},
        },
        "required": ["line1", "city", "country"],
    }


def _envelope(name: str, data: Schema, defs: Schema) -> Schema:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": name,
        "description": f"Emitted when {name.replace('.', ' ')}.",
        "type": "object",
        "properties": {
            "event_id": {"type": "string", "format": "uuid"},
            "occurred_at": {"type": "string", "format": "date-time"},
            "producer": {"type": "string", "examples": ["checkout-service"]},
            "schema_version": {"type": "integer", "minimum": 1},
            "data": data,
        },
        "required": ["event_id", "occurred_at", "data"],
        "$defs": defs,
    }


def order_created() -> Schema:
    line = {
        "type": "object",
        "properties": {
            "sku": {"type": "string", "pattern": "^[A-Z0-9-]{4,32}$"},
            "quantity": {"type": "integer", "minimum": 1, "maximum": 999},
            "unit_price": {"$ref": "#/$defs/Money"},
            "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
        },
        "required": ["sku", "quantity", "unit_price"],
    }
    data = {
        "type": "object",
        "properties": {
            "order_id": {"type": "string", "format": "uuid"},
            "customer_id": {"type": "string"},
            "channel": {"enum": ["web", "ios", "android", "store"]},
            "lines": {"type": "array", "minItems": 1, "maxItems": 200, "items": line},
            "total": {"$ref": "#/$defs/Money"},
            "shipping_address": {"$ref": "#/$defs/Address"},
            "notes": {"type": "string", "maxLength": 500},
        },
        "required": ["order_id", "customer_id", "lines", "total"],
    }
    return _envelope("order.created", data, {"Money": _money(), "Address": _address()})


def payment_captured() -> Schema:
    method = {
        "oneOf": [
            {
                "type": "object",
                "properties": {
                    "kind": {"const": "card"},
                    "brand": {"enum": ["visa", "mastercard", "amex"]},
                    "last4": {"type": "string", "pattern": "^[0-9]{4}$"},
                },
                "required": ["kind", "last4"],
            },
            {
                "type": "object",
                "properties": {
                    "kind": {"const": "bank_transfer"},
                    "iban": {"type": "string", "maxLength": 34},
                },
                "required": ["kind", "iban"],
            },
        ]
    }
    data = {
        "type": "object",
        "properties": {
            "payment_id": {"type": "string"},
            "order_id": {"type": "string", "format": "uuid"},
            "amount": {"$ref": "#/$defs/Money"},
            "status": {"enum": ["authorized", "captured", "settled"]},
            "method": method,
            "risk_score": {"type": "number", "minimum": 0, "maximum": 1},
            "attempt": {"type": "integer", "minimum": 1, "maximum": 10, "default": 1},
        },
        "required": ["payment_id", "order_id", "amount", "status"],
    }
    return _envelope("payment.captured", data, {"Money": _money()})


def user_registered() -> Schema:
    data = {
        "type": "object",
        "properties": {
            "user_id": {"type": "string"},
            "email": {"type": "string", "format": "email", "maxLength": 254},
            "display_name": {"type": "string", "minLength": 1, "maxLength": 64},
            "locale": {"type": "string", "pattern": "^[a-z]{2}(-[A-Z]{2})?$"},
            "marketing_opt_in": {"type": "boolean"},
            "age": {"type": ["integer", "null"], "minimum": 13, "maximum": 130},
            "roles": {
                "type": "array",
                "items": {"enum": ["customer", "staff", "admin"]},
                "maxItems": 3,
            },
            "address": {"$ref": "#/$defs/Address"},
        },
        "required": ["user_id", "email"],
        "additionalProperties": False,
    }
    return _envelope("user.registered", data, {"Address": _address()})


def shipment_dispatched() -> Schema:
    parcel = {
        "type": "object",
        "properties": {
            "tracking": {"type": "string", "maxLength": 40},
            "weight_grams": {"type": "integer", "exclusiveMinimum": 0},
            "dimensions": {
                "type": "array",
                "prefixItems": [{"type": "number"}, {"type": "number"}, {"type": "number"}],
                "items": False,
            },
        },
        "required": ["tracking"],
    }
    data = {
        "type": "object",
        "properties": {
            "shipment_id": {"type": "string"},
            "carrier": {"enum": ["dhl", "ups", "fedex", "postnl"]},
            "parcels": {"type": "array", "items": parcel, "minItems": 1},
            "destination": {"$ref": "#/$defs/Address"},
            "eta": {"type": "string", "format": "date"},
        },
        "required": ["shipment_id", "carrier", "parcels"],
    }
    return _envelope("shipment.dispatched", data, {"Address": _address()})


# -- typical evolutions of a version: each returns the edited copy ----------------------------

Edit = Callable[[Schema], None]


def _data(s: Schema) -> Schema:
    data: Schema = s["properties"]["data"]
    return data


def _first_prop(s: Schema, kind: str) -> str | None:
    for name, sub in sorted(_data(s)["properties"].items()):
        if sub.get("type") == kind or (kind == "enum" and "enum" in sub):
            return name
    return None


def _edits() -> list[tuple[str, Edit]]:
    def add_optional(s: Schema) -> None:
        _data(s)["properties"]["source_system"] = {"type": "string", "maxLength": 40}

    def add_required(s: Schema) -> None:
        add_optional(s)
        _data(s)["required"].append("source_system")

    def drop_required(s: Schema) -> None:
        _data(s)["required"].pop()

    def widen_enum(s: Schema) -> None:
        name = _first_prop(s, "enum")
        if name:
            _data(s)["properties"][name]["enum"].append("other")

    def narrow_enum(s: Schema) -> None:
        name = _first_prop(s, "enum")
        if name:
            _data(s)["properties"][name]["enum"].pop()

    def shorten_string(s: Schema) -> None:
        for sub in _data(s)["properties"].values():
            if "maxLength" in sub:
                sub["maxLength"] = max(1, sub["maxLength"] // 2)
                return

    def lengthen_string(s: Schema) -> None:
        for sub in _data(s)["properties"].values():
            if "maxLength" in sub:
                sub["maxLength"] *= 2
                return

    def nullable(s: Schema) -> None:
        for sub in _data(s)["properties"].values():
            if sub.get("type") == "string":
                sub["type"] = ["string", "null"]
                return

    def retype(s: Schema) -> None:
        for sub in _data(s)["properties"].values():
            if sub.get("type") == "string":
                sub["type"] = "integer"
                return

    def docs_only(s: Schema) -> None:
        s["description"] = "Reworded description."
        _data(s)["title"] = "Payload"

    def currency_added(s: Schema) -> None:
        money = s["$defs"].get("Money")
        if money:
            money["properties"]["currency"]["enum"].append("SEK")

    def address_pattern(s: Schema) -> None:
        addr = s["$defs"].get("Address")
        if addr:
            addr["properties"]["postcode"]["pattern"] = "^[0-9A-Z ]+$"

    def close_model(s: Schema) -> None:
        _data(s)["additionalProperties"] = False

    def format_changed(s: Schema) -> None:
        s["properties"]["occurred_at"]["format"] = "date"

    return [
        ("identical", lambda s: None),
        ("docs-only", docs_only),
        ("add-optional", add_optional),
        ("add-required", add_required),
        ("drop-required", drop_required),
        ("widen-enum", widen_enum),
        ("narrow-enum", narrow_enum),
        ("shorten-string", shorten_string),
        ("lengthen-string", lengthen_string),
        ("nullable", nullable),
        ("retype", retype),
        ("currency-added", currency_added),
        ("address-pattern", address_pattern),
        ("close-model", close_model),
        ("format-changed", format_changed),
    ]


def pairs() -> list[tuple[str, Schema, Schema]]:
    """~120 old/new pairs: four event families, fifteen edits, and each edit in both orders."""
    out = []
    for family in (order_created, payment_captured, user_registered, shipment_dispatched):
        base = family()
        for name, edit in _edits():
            new = copy.deepcopy(base)
            edit(new)
            out.append((f"{base['title']}:{name}", base, new))
            out.append((f"{base['title']}:{name}:reverse", new, base))
    return out


def _rate(fn: Callable[[], object], count: int) -> float:
    """Best pairs/s over the rounds, in process CPU time.

    CPU time rather than wall time: the benchmark machine is shared, and waiting for a core
    is not the engine's cost. Both engines run single-threaded in this process.
    """
    fn()  # warm caches and imports
    best = 0.0
    for _ in range(ROUNDS):
        start = time.process_time()
        fn()
        elapsed = time.process_time() - start
        best = max(best, count / elapsed)
    return best


def main() -> None:
    cases = pairs()
    accord_verdicts: list[bool] = []

    def run_accord() -> None:
        accord_verdicts.clear()
        for _, old, new in cases:
            accord_verdicts.append(check_compatibility(old, new, "FULL").compatible)

    accord_rate = _rate(run_accord, len(cases))
    rows = [("Accord `check_compatibility` (FULL)", accord_rate)]
    found: list[bool] = []

    def run_witnesses() -> None:
        found.clear()
        for _, old, new in cases:
            result = check_compatibility(old, new, "FULL")
            for change in result.breaking:
                found.append(for_level(old, new, change, "FULL").found)

    witness_rate = _rate(run_witnesses, len(cases))
    rows.append(("Accord, with a counterexample for every breaking change", witness_rate))
    note = ""
    try:
        import jsoncompat
    except ImportError:
        jsoncompat = None
        note = "jsoncompat is not installed (`pip install jsoncompat`): no comparison."
    if jsoncompat is not None:
        texts = [(json.dumps(old), json.dumps(new)) for _, old, new in cases]
        peer_verdicts: list[bool] = []

        def run_peer() -> None:
            peer_verdicts.clear()
            for old_text, new_text in texts:
                peer_verdicts.append(bool(jsoncompat.check_compat(old_text, new_text, "both")))

        peer_rate = _rate(run_peer, len(cases))
        rows.append(("jsoncompat `check_compat(role='both')`", peer_rate))

        def run_peer_one_way() -> None:
            for old_text, new_text in texts:
                jsoncompat.check_compat(old_text, new_text, "deserializer")

        rows.append(
            (
                "jsoncompat `check_compat(role='deserializer')`, one direction",
                _rate(run_peer_one_way, len(cases)),
            )
        )
        looser = [
            name
            for (name, _, _), ours, theirs in zip(
                cases, accord_verdicts, peer_verdicts, strict=True
            )
            if theirs and not ours
        ]
        note = (
            f"Accord/jsoncompat rate ratio: {accord_rate / peer_rate:.2f}. "
            f"Pairs jsoncompat calls compatible and Accord does not: {len(looser)}"
            + (f" ({', '.join(looser[:6])}{', ...' if len(looser) > 6 else ''})" if looser else "")
        )
    print(f"{len(cases)} realistic event schema pairs, best of {ROUNDS} rounds (CPU time)")
    print(f"Python {platform.python_version()} on {platform.machine()} ({sys.platform})\n")
    print("| engine | pairs/s |")
    print("|---|---:|")
    for name, rate in rows:
        print(f"| {name} | {rate:,.0f} |")
    print(
        f"\nAccord verdicts: {sum(accord_verdicts)} compatible, "
        f"{len(accord_verdicts) - sum(accord_verdicts)} not (FULL)"
    )
    print(f"Counterexamples: {sum(found)} of {len(found)} breaking changes shown; "
          f"witnesses cost {accord_rate / witness_rate:.2f}x the verdict alone (target <= 2x)")
    if note:
        print(note)


if __name__ == "__main__":
    main()
