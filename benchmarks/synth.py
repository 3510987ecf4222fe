"""A synthetic, realistic Accord registry for benchmarks.

    python benchmarks/synth.py OUT_DIR [--contracts 1000] [--versions 3] [--seed 0]

writes ``OUT_DIR/contracts/`` (contracts over ten domains plus ``_shared/`` money, address
and customer documents), ``OUT_DIR/governance/policy.yaml`` and ``OUT_DIR/pyproject.toml``
(``[tool.accord]``, no plugins), so that ``cd OUT_DIR && accord lint`` works.  The same seed
gives byte-identical files.

Each contract has 8-25 top-level fields in its latest version: scalars with formats,
patterns and bounds, enums, nullable fields, nested objects, arrays of objects and `$ref`s
to the shared documents; every object is closed (`additionalProperties: false`) and every
property has a description.  Versions evolve BACKWARD-compatibly only: a new version adds
optional properties and/or widens a `maxLength`, `maximum`, `maxItems` or `enum`; required
fields never change.  Older versions are `deprecated` since 2026-01-01.  Every version
carries one or two examples, generated from its schema; `verify()` checks them with
jsonschema (formats included) against their version and every later version.
"""

from __future__ import annotations

import argparse
import copy
import random
import shutil
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

__all__ = [
    "DEPRECATED_ON",
    "POLICY",
    "REGISTRY",
    "ContractSpec",
    "contract_paths",
    "generate",
    "main",
    "verify",
]

JSON = Any  # a JSON-compatible value
Schema = dict[str, Any]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
REGISTRY = "contracts"
"""The registry folder, relative to the generated workspace root."""
POLICY = "governance/policy.yaml"
DEPRECATED_ON = "2026-01-01"
_MARKER = ".accord-synth"  # only folders carrying it are wiped before regenerating
_MAX_FIELDS = 25
_MIN_FIELDS = 8

# -- vocabulary --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Domain:
    name: str
    team: str
    entities: tuple[str, ...]


_DOMAINS: tuple[_Domain, ...] = (
    _Domain("orders", "team-orders", ("order", "order_line", "basket", "checkout", "quote",
                                      "return_request", "invoice_request", "gift_card")),
    _Domain("payments", "team-payments", ("payment", "refund", "chargeback", "payout",
                                          "card_token", "settlement", "mandate", "wallet")),
    _Domain("users", "team-identity", ("user", "account", "session", "profile", "consent",
                                       "password", "device", "membership")),
    _Domain("shipping", "team-logistics", ("shipment", "parcel", "label", "pickup",
                                           "delivery", "route", "carrier_booking", "manifest")),
    _Domain("inventory", "team-warehouse", ("stock_level", "reservation", "transfer",
                                            "bin", "cycle_count", "batch", "supplier_order",
                                            "warehouse")),
    _Domain("catalog", "team-catalog", ("product", "variant", "price", "category", "bundle",
                                        "image", "review", "attribute_set")),
    _Domain("billing", "team-billing", ("invoice", "subscription", "credit_note",
                                        "usage_record", "plan", "tax_rate", "dunning_case",
                                        "coupon")),
    _Domain("support", "team-support", ("ticket", "conversation", "agent_shift", "survey",
                                        "macro", "escalation", "knowledge_article", "sla")),
    _Domain("marketing", "team-growth", ("campaign", "newsletter", "segment", "landing_page",
                                         "voucher", "referral", "audience", "ab_test")),
    _Domain("fleet", "team-iot", ("vehicle", "sensor", "firmware", "geofence", "trip",
                                  "telemetry_batch", "maintenance_job", "driver")),
)
_QUALIFIERS = ("", "partner", "bulk", "internal", "scheduled", "manual", "legacy", "b2b")
_VERBS = (
    "created", "updated", "deleted", "approved", "rejected", "archived", "restored",
    "assigned", "closed", "opened", "reopened", "submitted", "confirmed", "cancelled",
    "expired", "renewed", "scheduled", "completed", "failed", "started", "paused", "resumed",
    "flagged", "merged", "published", "reviewed", "imported", "exported", "locked",
    "unlocked", "verified", "escalated", "transferred", "reserved", "released", "sent",
    "built", "held",
)  # fmt: skip
_CONSUMERS = (
    "analytics", "audit-service", "data-warehouse", "email-service", "search-indexer",
    "notification-service", "fraud-service", "crm-sync", "reporting-service", "ml-features",
    "finance-ledger", "customer-portal",
)  # fmt: skip
_WORDS = (
    "amber", "harbour", "granite", "meadow", "cobalt", "lantern", "willow", "summit",
    "orchard", "falcon", "ember", "river", "canyon", "maple", "quartz", "beacon", "cedar",
    "delta", "fjord", "glacier", "horizon", "island", "juniper", "kestrel", "lagoon",
)  # fmt: skip
_FIRST = ("ada", "grace", "alan", "edsger", "barbara", "donald", "frances", "john", "radia")
_LAST = ("lovelace", "hopper", "turing", "dijkstra", "liskov", "knuth", "allen", "backus")
_CURRENCIES = ("EUR", "USD", "GBP", "CHF", "SEK", "JPY", "PLN")
_COUNTRIES = ("DE", "FR", "GB", "NL", "SE", "PL", "ES", "IT", "US", "JP")
_ENUM_POOL = (
    "web", "mobile_app", "marketplace", "phone", "email", "store", "api", "batch", "manual",
    "partner", "kiosk", "chat", "low", "medium", "high", "critical", "standard", "express",
    "economy", "priority", "draft", "pending", "active", "blocked", "other",
)  # fmt: skip
_NAME_PREFIXES = (
    "", "", "", "primary", "secondary", "internal", "public", "customer", "agent", "source",
    "target", "original", "previous", "expected", "external", "billing", "display", "last",
)  # fmt: skip

# Every `pattern` the generator writes, with a generator of matching values (ECMA-262 and
# Python agree on all of them: no \d, \w, \s or \b).
_CODE = "^[A-Z0-9]{3,12}(-[A-Z0-9]{1,8})*$"
_COUNTRY = "^[A-Z]{2}$"
_CURRENCY = "^[A-Z]{3}$"
_AMOUNT = "^-?[0-9]+(\\.[0-9]{1,4})?$"
_PHONE = "^\\+[1-9][0-9]{1,14}$"
_POSTAL = "^[A-Za-z0-9 -]+$"
_UUID = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


_PATTERNS: dict[str, Callable[[random.Random], str]] = {
    _CODE: lambda rng: "".join(rng.choices(_ALNUM, k=rng.randint(3, 8)))
    + ("-" + "".join(rng.choices(_ALNUM, k=rng.randint(1, 4))) if rng.random() < 0.5 else ""),
    _COUNTRY: lambda rng: rng.choice(_COUNTRIES),
    _CURRENCY: lambda rng: rng.choice(_CURRENCIES),
    _AMOUNT: lambda rng: f"{rng.randint(0, 9999)}.{rng.randint(0, 99):02d}",
    _PHONE: lambda rng: f"+{rng.randint(1, 9)}{rng.randint(10**8, 10**11 - 1)}",
    _POSTAL: lambda rng: f"{rng.randint(10000, 99999)}",
    _UUID: _uuid,
}

_FORMATS: dict[str, Callable[[random.Random], str]] = {
    "date-time": lambda rng: (
        f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:"
        f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z"
    ),
    "date": lambda rng: f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
    "email": lambda rng: f"{rng.choice(_FIRST)}.{rng.choice(_LAST)}@example.com",
    "uri": lambda rng: f"https://example.com/{rng.choice(_WORDS)}/{rng.randint(1, 99999)}",
    "uuid": _uuid,
}

# -- shared documents ------------------------------------------------------------------

_SHARED: dict[str, Schema] = {
    "money": {
        "description": "An amount of money in one currency; the amount is a decimal string.",
        "type": "object",
        "additionalProperties": False,
        "required": ["amount", "currency"],
        "properties": {
            "amount": {"type": "string", "pattern": _AMOUNT, "maxLength": 32,
                       "description": "Decimal amount with up to four fractional digits."},
            "currency": {"type": "string", "pattern": _CURRENCY,
                         "description": "ISO 4217 alphabetic currency code, e.g. EUR."},
        },
    },
    "address": {
        "description": "A postal address, as used for billing and shipping.",
        "type": "object",
        "additionalProperties": False,
        "required": ["line1", "city", "postal_code", "country_code"],
        "properties": {
            "line1": {"type": "string", "minLength": 1, "maxLength": 200,
                      "description": "Street and house number."},
            "line2": {"type": ["string", "null"], "maxLength": 200,
                      "description": "Apartment, suite or floor; null when not given."},
            "city": {"type": "string", "minLength": 1, "maxLength": 100,
                     "description": "City or town."},
            "postal_code": {"type": "string", "minLength": 2, "maxLength": 16,
                            "pattern": _POSTAL, "description": "Postal or ZIP code."},
            "country_code": {"type": "string", "pattern": _COUNTRY,
                             "description": "ISO 3166-1 alpha-2 country code, e.g. DE."},
        },
    },
    "customer": {
        "description": "A customer as captured at checkout.",
        "type": "object",
        "additionalProperties": False,
        "required": ["customer_id", "email", "full_name"],
        "properties": {
            "customer_id": {"type": "string", "format": "uuid", "pattern": _UUID,
                            "description": "Stable identifier of the customer."},
            "email": {"type": "string", "format": "email", "maxLength": 254,
                      "description": "Contact e-mail address."},
            "full_name": {"type": "string", "minLength": 1, "maxLength": 200,
                          "description": "Name as the customer wrote it."},
            "phone": {"type": ["string", "null"], "pattern": _PHONE,
                      "description": "Phone number in E.164 form; null when not given."},
            "billing_address": {"$ref": "address.yaml",
                                "description": "Address printed on the invoice."},
        },
    },
}

_POLICY: dict[str, Any] = {
    "compatibility": "BACKWARD_TRANSITIVE",
    "undeclared_properties": "strict",
    "naming": {"field_case": "snake_case", "channel_pattern": "^[a-z][a-z0-9]*([.-][a-z0-9]+)*$"},
    "rules": {"property-description": "warning"},
}

_PYPROJECT = """\
[tool.accord]
registry = "contracts"
policy = "governance/policy.yaml"
"""

# -- field kinds -----------------------------------------------------------------------
# A kind is (names to pick from, schema factory).  Factories take the rng and return the
# schema without its description; `_field` adds the description.

_Factory = Callable[[random.Random], Schema]


def _text(rng: random.Random) -> Schema:
    return {"type": "string", "minLength": 1, "maxLength": rng.choice((40, 80, 120, 200, 500))}


def _nullable_text(rng: random.Random) -> Schema:
    return {"type": ["string", "null"], "maxLength": rng.choice((40, 100, 255))}


def _count(rng: random.Random) -> Schema:
    return {"type": "integer", "minimum": 0, "maximum": rng.choice((100, 1000, 10_000, 10**6))}


def _nullable_count(rng: random.Random) -> Schema:
    return {"type": ["integer", "null"], "minimum": 0, "maximum": rng.choice((255, 65_535))}


def _ratio(rng: random.Random) -> Schema:
    return {"type": "number", "minimum": 0, "maximum": rng.choice((1, 100))}


def _enum(rng: random.Random) -> Schema:
    return {"type": "string", "enum": rng.sample(_ENUM_POOL, rng.randint(3, 6))}


def _tags(rng: random.Random) -> Schema:
    return {"type": "array", "maxItems": rng.choice((10, 20, 50)), "uniqueItems": True,
            "items": {"type": "string", "minLength": 1, "maxLength": 40}}


def _fmt(name: str, max_length: int | None = None) -> _Factory:
    def factory(rng: random.Random) -> Schema:
        schema: Schema = {"type": "string", "format": name}
        if max_length:
            schema["maxLength"] = max_length
        return schema

    return factory


def _pattern(pattern: str) -> _Factory:
    return lambda rng: {"type": "string", "pattern": pattern}


def _ref(name: str) -> _Factory:
    return lambda rng: {"$ref": f"../_shared/{name}.yaml"}


def _uuid_field(rng: random.Random) -> Schema:
    return {"type": "string", "format": "uuid", "pattern": _UUID}


@dataclass(frozen=True, slots=True)
class _Kind:
    names: tuple[str, ...]
    factory: _Factory
    phrase: str  # completes "<Name>: <phrase>."
    weight: int = 4
    nestable: bool = True  # may appear inside nested objects


_KINDS: tuple[_Kind, ...] = (
    _Kind(("note", "comment", "title", "label", "reason", "headline", "remark", "memo",
           "message", "subject", "name"), _text, "free text as entered", 8),
    _Kind(("middle_name", "nickname", "department", "cost_center", "reference", "alias"),
          _nullable_text, "optional free text, null when not given", 5),
    _Kind(("code", "sku", "batch_code", "voucher_code", "external_ref"), _pattern(_CODE),
          "an upper-case code, letters, digits and dashes"),
    _Kind(("created_at", "updated_at", "effective_at", "expires_at", "recorded_at",
           "due_at", "started_at"), _fmt("date-time"), "a timestamp in RFC 3339, UTC", 6),
    _Kind(("valid_from", "valid_until", "birth_date", "booking_date", "service_date"),
          _fmt("date"), "a calendar date (YYYY-MM-DD)", 3),
    _Kind(("contact_email", "reply_to", "notify_email"), _fmt("email", 254),
          "an e-mail address", 2),
    _Kind(("link", "callback_url", "image_url", "tracking_url"), _fmt("uri", 2048),
          "an absolute URL", 2),
    _Kind(("correlation_id", "request_id", "actor_id", "tenant_id", "parent_id"),
          _uuid_field, "a lower-case UUID", 4),
    _Kind(("quantity", "attempts", "retry_count", "item_count", "priority", "position",
           "duration_seconds"), _count, "a non-negative whole number", 6),
    _Kind(("score", "ratio", "weight_kg", "confidence", "share"), _ratio,
          "a decimal number within bounds", 3),
    _Kind(("is_test", "is_gift", "has_discount", "opted_in", "is_priority", "is_final"),
          lambda rng: {"type": "boolean"}, "a yes/no flag", 4),
    _Kind(("channel", "source", "severity", "tier", "mode", "state", "method"), _enum,
          "one of a fixed set of values", 6),
    _Kind(("attempt_number", "revision", "floor"), _nullable_count,
          "an optional whole number, null when unknown", 2),
    _Kind(("country_code", "origin_country"), _pattern(_COUNTRY),
          "an ISO 3166-1 alpha-2 country code", 2),
    _Kind(("currency", "settlement_currency"), _pattern(_CURRENCY),
          "an ISO 4217 currency code", 2),
    _Kind(("labels", "keywords", "flags", "categories"), _tags,
          "a list of short distinct strings", 3, nestable=False),
    _Kind(("amount", "total", "fee", "tax", "discount", "balance", "limit"), _ref("money"),
          "an amount of money", 5),
    _Kind(("address", "shipping_address", "return_address", "site_address"),
          _ref("address"), "a postal address", 2, nestable=False),
    _Kind(("customer", "payer", "recipient"), _ref("customer"), "the customer involved", 2,
          nestable=False),
)
_NESTED_NAMES = ("details", "metadata", "context", "origin", "device", "settings",
                 "dimensions", "location", "audit", "pricing")
_ARRAY_NAMES = ("items", "lines", "entries", "attempt_log", "changes", "participants",
                "parcels", "adjustments", "steps", "allocations")


def _a(words: str) -> str:
    return ("an " if words[:1] in "aeiou" else "a ") + words


def _humanize(name: str) -> str:
    text = name.replace("_", " ")
    return text[:1].upper() + text[1:]


def _pick_name(rng: random.Random, names: tuple[str, ...], taken: set[str]) -> str:
    for _ in range(20):
        prefix = rng.choice(_NAME_PREFIXES)
        base = rng.choice(names)
        name = f"{prefix}_{base}" if prefix else base
        if name not in taken:
            taken.add(name)
            return name
    n = 2
    while f"{base}_{n}" in taken:
        n += 1
    taken.add(f"{base}_{n}")
    return f"{base}_{n}"


def _scalar_field(rng: random.Random, taken: set[str], nested: bool) -> tuple[str, Schema]:
    kinds = [k for k in _KINDS if k.nestable or not nested]
    kind = rng.choices(kinds, weights=[k.weight for k in kinds])[0]
    name = _pick_name(rng, kind.names, taken)
    schema = kind.factory(rng)
    schema["description"] = f"{_humanize(name)}: {kind.phrase}."
    return name, schema


def _object(rng: random.Random, n: int, description: str) -> Schema:
    taken: set[str] = set()
    properties = dict(_scalar_field(rng, taken, nested=True) for _ in range(n))
    names = list(properties)
    required = names[: rng.randint(1, len(names))]
    return {"type": "object", "additionalProperties": False, "description": description,
            "required": required, "properties": properties}


def _field(rng: random.Random, taken: set[str], entity: str) -> tuple[str, Schema]:
    """One top-level field: mostly scalars, sometimes a nested object or array of objects."""
    roll = rng.random()
    if roll < 0.10:
        name = _pick_name(rng, _NESTED_NAMES, taken)
        return name, _object(rng, rng.randint(2, 5),
                             f"{_humanize(name)} of the {entity.replace('_', ' ')}.")
    if roll < 0.18:
        name = _pick_name(rng, _ARRAY_NAMES, taken)
        item = _object(rng, rng.randint(2, 4), f"One entry of {name.replace('_', ' ')}.")
        return name, {"type": "array", "minItems": rng.choice((0, 1)),
                      "maxItems": rng.choice((20, 50, 100)),
                      "description": f"{_humanize(name)}, in the order they happened.",
                      "items": item}
    return _scalar_field(rng, taken, nested=False)


# -- evolution -------------------------------------------------------------------------


def _widenable(schema: Schema) -> Iterator[Schema]:
    """Subschemas written in the contract (not shared) that can be widened."""
    stack: list[Any] = [schema]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        if any(k in node for k in ("maxLength", "maximum", "maxItems", "enum")):
            yield node
        stack.extend(node.get("properties", {}).values())
        if isinstance(node.get("items"), dict):
            stack.append(node["items"])


def _widen(node: Schema, rng: random.Random) -> str:
    options = [k for k in ("maxLength", "maximum", "maxItems", "enum") if k in node]
    key = rng.choice(options)
    if key == "enum":
        fresh = [v for v in _ENUM_POOL if v not in node["enum"]]
        if fresh:
            node["enum"] = [*node["enum"], rng.choice(fresh)]
        return "allows one more value"
    node[key] = node[key] * rng.choice((2, 4, 10))
    return f"raises {key}"


def _evolve(previous: Schema, rng: random.Random, entity: str, number: int) -> Schema:
    """The next version: optional properties added and/or bounds widened, nothing removed."""
    schema = copy.deepcopy(previous)
    properties: dict[str, Schema] = schema["properties"]
    room = _MAX_FIELDS - len(properties)
    adds = min(room, rng.choice((0, 1, 1, 2)))
    widen = adds == 0 or rng.random() < 0.5
    taken = set(properties)
    for _ in range(adds):
        name, sub = _field(rng, taken, entity)
        sub["description"] = sub["description"].rstrip(".") + f" (added in v{number})."
        properties[name] = sub
    nested = [p for p in properties.values() if p.get("type") == "object"]
    if nested and rng.random() < 0.3:  # an optional property inside a nested object too
        target = rng.choice(nested)
        name, sub = _scalar_field(rng, set(target["properties"]), nested=True)
        target["properties"][name] = sub
    if widen:
        candidates = list(_widenable(schema))
        if candidates:
            _widen(rng.choice(candidates), rng)
    schema["description"] = schema["description"].split(" (")[0] + f" (v{number})."
    return schema


# -- examples --------------------------------------------------------------------------


def _resolve(schema: Schema) -> Schema:
    ref = schema.get("$ref")
    if ref is None:
        return schema
    return _SHARED[ref.rpartition("/")[2].removesuffix(".yaml")]


def _text_value(rng: random.Random, low: int, high: int) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(1, 6))]
    text = " ".join(words)[:high].strip()
    while len(text) < low:
        text += "x"
    return text


def example(schema: Schema, rng: random.Random, optional: float = 0.6) -> JSON:
    """A value valid under ``schema`` (a generated schema; shared refs are followed)."""
    schema = _resolve(schema)
    if "enum" in schema:
        return rng.choice(schema["enum"])
    types = schema.get("type")
    if isinstance(types, list):
        if "null" in types and rng.random() < 0.3:
            return None
        types = next(t for t in types if t != "null")
    if types == "object":
        out: dict[str, JSON] = {}
        for name, sub in schema["properties"].items():
            if name in schema.get("required", ()) or rng.random() < optional:
                out[name] = example(sub, rng, optional)
        return out
    if types == "array":
        low = schema.get("minItems", 0)
        count = rng.randint(max(low, 1), max(low, 1, min(schema.get("maxItems", 3), 3)))
        items: list[JSON] = []
        for _ in range(count * 10):
            value = example(schema["items"], rng, optional)
            if not schema.get("uniqueItems") or value not in items:
                items.append(value)
            if len(items) == count:
                break
        return items
    if types == "string":
        if "pattern" in schema:
            return _PATTERNS[schema["pattern"]](rng)
        if "format" in schema:
            return _FORMATS[schema["format"]](rng)
        return _text_value(rng, schema.get("minLength", 0), schema.get("maxLength", 60))
    if types == "integer":
        low = schema.get("minimum", 0)
        return rng.randint(low, min(schema.get("maximum", low + 1000), low + 5000))
    if types == "number":
        low, high = schema.get("minimum", 0), schema.get("maximum", 1000)
        return min(high, max(low, round(rng.uniform(low, high), 2)))
    if types == "boolean":
        return rng.random() < 0.5
    raise ValueError(f"no example generator for {schema!r}")


# -- contracts -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContractSpec:
    """Where one generated contract lives and what it is called."""

    domain: str
    entity: str
    event: str  # <domain>.<PascalCase>
    path: str  # <domain>/<snake_case>.yaml, relative to the registry folder


def contract_paths(contracts: int = 1000, seed: int = 0) -> list[ContractSpec]:
    """The contracts `generate` writes for ``contracts`` and ``seed``, in file order."""
    rng = random.Random(f"names-{seed}")
    per_domain = [contracts // len(_DOMAINS) + (i < contracts % len(_DOMAINS))
                  for i in range(len(_DOMAINS))]
    specs: list[ContractSpec] = []
    for domain, count in zip(_DOMAINS, per_domain, strict=True):
        combos = [(q, e, v) for q in _QUALIFIERS for e in domain.entities for v in _VERBS]
        if count > len(combos):
            raise ValueError(f"at most {len(combos) * len(_DOMAINS)} contracts can be named")
        for qualifier, entity, verb in sorted(rng.sample(combos, count)):
            words = [w for w in (qualifier, *entity.split("_"), verb) if w]
            name = "".join(w.capitalize() for w in words)
            specs.append(ContractSpec(domain.name, entity, f"{domain.name}.{name}",
                                      f"{domain.name}/{'_'.join(words)}.yaml"))
    return sorted(specs, key=lambda s: s.path)


def _contract(spec: ContractSpec, versions: int, rng: random.Random) -> dict[str, Any]:
    domain = next(d for d in _DOMAINS if d.name == spec.domain)
    entity_words = spec.entity.replace("_", " ")
    verb = spec.path.rpartition("_")[2].removesuffix(".yaml")
    key = f"{spec.entity}_id"
    properties: dict[str, Schema] = {
        key: {"type": "string", "format": "uuid", "pattern": _UUID,
              "description": f"Identifier of the {entity_words}; the partition key."},
        "occurred_at": {"type": "string", "format": "date-time",
                        "description": "When it happened (RFC 3339, UTC)."},
    }
    taken = set(properties)
    room = max(_MIN_FIELDS, _MAX_FIELDS - 2 * (versions - 1))
    for _ in range(rng.randint(_MIN_FIELDS, room) - len(properties)):
        name, sub = _field(rng, taken, spec.entity)
        properties[name] = sub
    optional = [n for n in properties if n not in (key, "occurred_at")]
    required = [key, "occurred_at", *[n for n in optional if rng.random() < 0.5]]
    schema: Schema = {
        "$schema": DRAFT,
        "description": f"{_a(entity_words).capitalize()} was {verb} (v1).",
        "type": "object",
        "additionalProperties": False,
        "required": required,
        "properties": properties,
    }
    entries: dict[int, dict[str, Any]] = {}
    for number in range(1, versions + 1):
        if number > 1:
            schema = _evolve(schema, rng, spec.entity, number)
        entry: dict[str, Any] = {}
        if number < versions:
            entry["status"] = "deprecated"
            entry["deprecated_on"] = DEPRECATED_ON
        entry["schema"] = schema
        entry["examples"] = [example(schema, rng) for _ in range(rng.randint(1, 2))]
        entries[number] = entry
    service = spec.entity.replace("_", "-") + "-service"
    tags = rng.sample(("pii", "event-sourced", "gdpr", "high-volume", "internal"),
                      rng.randint(0, 2))
    doc: dict[str, Any] = {
        "event": spec.event,
        "summary": f"{_a(entity_words).capitalize()} was {verb}.",
        "description": (
            f"Emitted by {service} whenever {_a(entity_words)} is {verb}. Consumers must "
            f"tolerate redelivery: `{key}` with `occurred_at` identifies an occurrence."
        ),
        "owner": domain.team,
        "channel": f"{spec.domain}.{spec.entity.replace('_', '-')}",
        "key": key,
    }
    if rng.random() < 0.7:
        doc["compatibility"] = rng.choice(("BACKWARD", "BACKWARD_TRANSITIVE"))
    doc["producers"] = [service]
    doc["consumers"] = sorted(rng.sample(_CONSUMERS, rng.randint(1, 4)))
    if tags:
        doc["tags"] = tags
    if "pii" in tags:
        doc["x-accord-retention"] = rng.choice(("P30D", "P1Y", "P2Y", "P7Y"))
    doc["versions"] = entries
    return doc


class _Flow(list[Any]):
    """A list of scalars, written in flow style (`required: [a, b]`) as people write it."""


# yaml.safe_dump's representers with libyaml's emitter: the same bytes, four times faster.
class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    pass


_Dumper.add_representer(
    _Flow, lambda dumper, data: dumper.represent_sequence(
        "tag:yaml.org,2002:seq", data, flow_style=True)
)


def _styled(node: Any, in_example: bool = False) -> Any:
    if isinstance(node, dict):
        return {k: _styled(v, in_example or k == "examples") for k, v in node.items()}
    if isinstance(node, list):
        if not in_example and node and not any(isinstance(v, dict | list) for v in node):
            return _Flow(node)
        return [_styled(v, in_example) for v in node]
    return node


def _dump(path: Path, document: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.dump(_styled(document), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     width=100)
    path.write_text(text, encoding="utf-8")


def generate(out: Path, contracts: int = 1000, versions: int = 3, seed: int = 0) -> Path:
    """Write a registry workspace under ``out`` and return ``out`` (run `accord` there).

    ``out/contracts/`` and ``out/governance/policy.yaml`` are replaced if an earlier run of
    this generator wrote them; a folder not written by it is never deleted.
    """
    if contracts < 1 or versions < 1:
        raise ValueError("contracts and versions must be at least 1")
    out = Path(out)
    registry = out / REGISTRY
    if registry.exists():
        if not (out / _MARKER).is_file():
            raise FileExistsError(f"{registry} exists and was not written by synth.py")
        shutil.rmtree(registry)
    out.mkdir(parents=True, exist_ok=True)
    (out / _MARKER).write_text("written by benchmarks/synth.py\n", encoding="utf-8")
    (out / "pyproject.toml").write_text(_PYPROJECT, encoding="utf-8")
    _dump(out / POLICY, _POLICY)
    for name, document in _SHARED.items():
        _dump(registry / "_shared" / f"{name}.yaml", document)
    for spec in contract_paths(contracts, seed):
        rng = random.Random(f"{seed}-{spec.path}")
        _dump(registry / spec.path, _contract(spec, versions, rng))
    return out


# -- self-check ------------------------------------------------------------------------


def verify(out: Path) -> int:
    """Check a generated workspace with jsonschema; return the number of versions checked.

    Every version schema must be valid 2020-12, every example must validate (formats
    included) against its own version and every later one, and later versions must keep
    the required fields and all properties of earlier ones.  Raises AssertionError.
    """
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    root = Path(out) / REGISTRY
    base = "file:///registry/"
    resources: list[tuple[str, Resource[Any]]] = []
    for path in sorted((root / "_shared").glob("*.yaml")):
        document = yaml.load(path.read_text("utf-8"), Loader=yaml.CSafeLoader)
        Draft202012Validator.check_schema(document)
        resources.append((f"{base}_shared/{path.name}", DRAFT202012.create_resource(document)))
    registry: Registry[Any] = Registry().with_resources(resources)
    checker = FormatChecker()
    # jsonschema checks these only with optional packages installed; check them anyway.
    checker.checks("date-time", raises=ValueError)(
        lambda value: not isinstance(value, str)
        or bool(datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo)
    )
    checker.checks("uri")(
        lambda value: not isinstance(value, str) or bool(urlsplit(value).scheme and urlsplit(
            value).netloc)
    )
    checked = 0
    for path in sorted(root.glob("*/*.yaml")):
        relative = path.relative_to(root).as_posix()
        if relative.startswith("_"):
            continue
        document = yaml.load(path.read_text("utf-8"), Loader=yaml.CSafeLoader)
        numbers = sorted(document["versions"], key=int)
        validators = []
        for number in numbers:
            schema = {**document["versions"][number]["schema"], "$id": base + relative}
            Draft202012Validator.check_schema(schema)
            validators.append(Draft202012Validator(schema, registry=registry,
                                                   format_checker=checker))
        for i, number in enumerate(numbers):
            version = document["versions"][number]
            assert version["examples"], f"{relative} v{number}: no examples"
            for j, instance in enumerate(version["examples"]):
                for later, validator in zip(numbers[i:], validators[i:], strict=True):
                    errors = [e.message for e in validator.iter_errors(instance)]
                    assert not errors, f"{relative} v{number} example {j} under v{later}: {errors}"
            if i:
                old = document["versions"][numbers[i - 1]]["schema"]
                new = version["schema"]
                assert old["required"] == new["required"], f"{relative} v{number}: required"
                assert set(old["properties"]) <= set(new["properties"]), f"{relative} v{number}"
            checked += 1
    return checked


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("out", type=Path, help="workspace folder to write")
    parser.add_argument("--contracts", type=int, default=1000)
    parser.add_argument("--versions", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-check", action="store_true", help="skip the jsonschema self-check")
    args = parser.parse_args(argv)
    out = generate(args.out, args.contracts, args.versions, args.seed)
    print(f"wrote {args.contracts} contracts x {args.versions} versions to {out / REGISTRY}")
    if not args.no_check:
        print(f"self-check: {verify(out)} versions, all examples valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
