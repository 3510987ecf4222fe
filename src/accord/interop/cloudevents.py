"""CloudEvents 1.0 envelopes for contracts with `envelope: cloudevents`.

The payload is `data`; `type` is the event name; `dataschema` is the version's schema URI;
`source` is the producer. Both content modes are understood: structured
(`application/cloudevents+json`, one JSON document) and binary (attributes in `ce_`
headers, as in Kafka; `ce-` headers, as in HTTP, also work). Parsing goes through the
`cloudevents` SDK.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from accord.errors import AccordError
from accord.registry.model import JSON, Contract, ContractVersion
from accord.validation import validator

STRUCTURED = "application/cloudevents+json"
REQUIRED = ("specversion", "id", "source", "type")


class CloudEventError(AccordError):
    """A message is not a valid CloudEvent of the contract it claims to be."""


def schema_uri(contract: Contract, version: ContractVersion) -> str:
    """The `dataschema` of a version: a URN that names the event and the version."""
    return f"urn:accord:{contract.event}:v{version.number}"


def _prefix_refs(node: JSON, prefix: str) -> JSON:
    if isinstance(node, list):
        return [_prefix_refs(item, prefix) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str) and value.startswith("#/") and not \
                value.startswith("#/$defs/"):
            out[key] = "#" + prefix + value[1:]
        else:
            out[key] = _prefix_refs(value, prefix)
    return out


def structured_schema(contract: Contract, version: ContractVersion) -> dict[str, Any]:
    """A JSON Schema of the structured-mode envelope, with the version's schema as `data`."""
    data = version.resolved if isinstance(version.resolved, dict) else {}
    body = _prefix_refs({k: v for k, v in data.items() if k not in ("$defs", "$schema")},
                        "/properties/data")
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"{contract.event} v{version.number} (CloudEvents 1.0, structured mode)",
        "type": "object",
        "required": [*REQUIRED, "data"],
        "properties": {
            "specversion": {"const": "1.0"},
            "id": {"type": "string", "minLength": 1},
            "source": {"type": "string", "minLength": 1},
            "type": {"const": contract.event},
            "dataschema": {"const": schema_uri(contract, version)},
            "datacontenttype": {"type": "string"},
            "subject": {"type": "string"},
            "time": {"type": "string"},
            "data": body,
        },
    }
    if "$defs" in data:
        schema["$defs"] = data["$defs"]
    return schema


@dataclass(frozen=True, slots=True)
class Envelope:
    """A parsed CloudEvent: its context attributes and its data."""

    attributes: Mapping[str, Any]
    data: JSON
    mode: str
    """structured | binary"""


def _sdk_error(exc: Exception) -> CloudEventError:
    text = str(exc)
    for name in REQUIRED:
        if f"Missing required attribute: '{name}'" in text:
            return CloudEventError(f"CloudEvent is missing the required attribute {name!r}")
    return CloudEventError(f"not a CloudEvent: {text}")


# RFC 3339, as CloudEvents requires of `time`; the SDK's parser takes any ISO 8601 text.
_RFC3339 = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?"
                      r"(?:[Zz]|[+-][0-9]{2}:[0-9]{2})\Z", re.ASCII)


def _check_time(text: str) -> None:
    head, dot, rest = text.upper().partition(".")
    if dot:  # fromisoformat keeps at most microseconds: more digits are cut, not refused
        digits = len(rest) - len(rest.lstrip("0123456789"))
        head += "." + rest[:min(digits, 6)] + rest[digits:]
    try:
        if _RFC3339.match(text) is None:
            raise ValueError
        datetime.fromisoformat(head)
    except ValueError:
        raise CloudEventError(f"time {text!r} is not an RFC 3339 date-time") from None


def parse(value: bytes | str | Mapping[str, Any], headers: Mapping[str, Any] | None = None
          ) -> Envelope:
    """Read a CloudEvent in structured or binary mode (chosen by `ce_`/`ce-` headers)."""
    from cloudevents.core.bindings import kafka
    from cloudevents.core.formats.json import JSONFormat

    raw_headers = {str(k).lower(): v for k, v in (headers or {}).items()}
    binary = any(k.startswith(("ce_", "ce-")) for k in raw_headers)
    encoded = {k.replace("ce-", "ce_", 1) if k.startswith("ce-") else k:
               v if isinstance(v, bytes) else str(v).encode() for k, v in raw_headers.items()}
    if isinstance(value, Mapping):
        body = json.dumps(value).encode()
    else:
        body = value.encode() if isinstance(value, str) else value
    document: dict[str, Any] = {}
    if not binary:
        try:
            document = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise CloudEventError(f"a structured CloudEvent must be JSON: {exc}") from None
        if not isinstance(document, dict):
            raise CloudEventError("a structured CloudEvent must be a JSON object")
        for name in REQUIRED:
            if name not in document:
                raise CloudEventError(f"CloudEvent is missing the required attribute {name!r}")
        encoded.setdefault("content-type", STRUCTURED.encode())
    else:
        # The SDK makes up an id (and other attributes) that binary headers leave out.
        for name in REQUIRED:
            if f"ce_{name}" not in encoded:
                raise CloudEventError(f"CloudEvent is missing the required attribute {name!r}")
    try:
        event = kafka.from_kafka(kafka.KafkaMessage(encoded, None, body), JSONFormat())
    except Exception as exc:  # the SDK raises several unrelated types for bad input
        raise _sdk_error(exc) from None
    time = document.get("time") if not binary else encoded.get("ce_time")
    if isinstance(time, bytes | str):
        _check_time(time.decode() if isinstance(time, bytes) else time)
    attributes = dict(event.get_attributes())
    data = event.get_data()
    if isinstance(data, bytes | str) and binary:
        try:
            data = json.loads(data)
        except ValueError:
            raise CloudEventError("the CloudEvent's data is not JSON") from None
    return Envelope(attributes, data, "binary" if binary else "structured")


def validate(contract: Contract, version: ContractVersion, envelope: Envelope) -> None:
    """Check the envelope's attributes against the contract, and its data against the schema."""
    validate_attributes(contract, version, envelope)
    found = validator(version.resolved).problems(envelope.data, limit=1)
    if found:
        where, message = found[0]
        raise CloudEventError(f"data is invalid at {where}: {message}")


def validate_attributes(contract: Contract, version: ContractVersion, envelope: Envelope
                        ) -> None:
    """Check the envelope's context attributes only (for callers that report data errors
    their own way, as the pytest plugin does)."""
    attributes = envelope.attributes
    # The SDK also reads CloudEvents 0.3; a contract's envelope is 1.0.
    if attributes.get("specversion") != "1.0":
        raise CloudEventError(f"specversion {attributes.get('specversion')!r} is not '1.0'")
    if attributes.get("type") != contract.event:
        raise CloudEventError(
            f"CloudEvent type {attributes.get('type')!r} is not {contract.event!r}")
    dataschema = attributes.get("dataschema")
    if dataschema is not None and dataschema != schema_uri(contract, version):
        raise CloudEventError(f"dataschema {dataschema!r} is not {schema_uri(contract, version)!r}")
    if contract.producers and attributes.get("source") not in contract.producers:
        raise CloudEventError(f"source {attributes.get('source')!r} is not a producer of "
                              f"{contract.event} ({', '.join(contract.producers)})")


def wrap(contract: Contract, version: ContractVersion, data: JSON, *, id: str,
         source: str | None = None, time: str | None = None) -> dict[str, Any]:
    """A structured-mode CloudEvent for ``data`` (what a producer sends)."""
    event: dict[str, Any] = {
        "specversion": "1.0",
        "id": id,
        "source": source or (contract.producers[0] if contract.producers else contract.owner),
        "type": contract.event,
        "dataschema": schema_uri(contract, version),
        "datacontenttype": "application/json",
        "data": data,
    }
    if time is not None:
        event["time"] = time
    return event
