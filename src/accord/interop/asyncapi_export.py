"""A registry (or one service's view of it) as an AsyncAPI 3.0.0 document.

Each message is one event version; shared schemas go in `components/schemas`, and every
`$ref` is rewritten to point inside the AsyncAPI document. `x-accord-*` extensions carry
what AsyncAPI has no field for (owner, compatibility, status, dialect, …), so that
`accord import asyncapi` can rebuild the contracts.
"""

from __future__ import annotations

import re
from typing import Any

from accord.registry.model import JSON, Contract, ContractVersion, Registry
from accord.registry.refs import defs_key

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def message_id(contract: Contract, version: ContractVersion) -> str:
    return f"{contract.event}.v{version.number}"


def channel_id(address: str) -> str:
    return _SAFE.sub("-", address)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _rewrite(node: JSON, shared: set[str], local_base: str) -> JSON:
    """Point refs at `components/schemas` (shared) or at the message's own payload."""
    if isinstance(node, list):
        return [_rewrite(item, shared, local_base) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, JSON] = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str) and value.startswith("#"):
            pointer = value[1:]
            parts = pointer.split("/")
            if len(parts) > 2 and parts[1] == "$defs" and parts[2] in shared:
                rest = "/".join(parts[3:])
                out[key] = f"#/components/schemas/{parts[2]}" + (f"/{rest}" if rest else "")
            else:
                out[key] = "#" + local_base + pointer
        else:
            out[key] = _rewrite(value, shared, local_base)
    return out


def _extensions(contract: Contract, version: ContractVersion) -> dict[str, Any]:
    ext: dict[str, Any] = {
        "x-accord-event": contract.event,
        "x-accord-version": version.number,
        "x-accord-status": version.status,
    }
    optional = {
        "x-accord-owner": contract.owner,
        "x-accord-compatibility": contract.compatibility,
        "x-accord-key": contract.key,
        "x-accord-deprecated-on": version.deprecated_on,
        "x-accord-sunset-on": version.sunset_on,
        "x-accord-envelope": contract.envelope if contract.envelope != "none" else None,
        "x-accord-description": contract.description,
        "x-accord-path": contract.path,
    }
    ext.update({k: v for k, v in optional.items() if v is not None})
    schema = version.resolved if isinstance(version.resolved, dict) else {}
    ext["x-accord-dialect"] = "draft-07" if "draft-07" in str(schema.get("$schema", "")) \
        else "2020-12"
    document = contract.document if isinstance(contract.document, dict) else {}
    extra = {k: v for k, v in document.items()
             if k.startswith("x-") and k != "x-accord-ignore"}
    if extra:
        ext["x-accord-extensions"] = extra
    if contract.ignore:
        ext["x-accord-ignore"] = sorted(contract.ignore)
    rest = {k: v for k, v in version.extensions.items() if k != "x-accord-headers"}
    if rest:
        ext["x-accord-version-extensions"] = rest
    return ext


def export_asyncapi(registry: Registry, *, service: str | None = None,
                    title: str | None = None) -> dict[str, Any]:
    """The AsyncAPI 3.0.0 document; with ``service``, only what that service sends or receives."""
    shared_keys = {defs_key(path): path for path in registry.shared}
    contracts = [c for c in registry.contracts
                 if service is None or service in c.producers or service in c.consumers]
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for contract in contracts:
        address = contract.topic
        cid = channel_id(address)
        channel = channels.setdefault(cid, {"address": address, "messages": {}})
        refs = []
        for version in contract.versions:
            mid = message_id(contract, version)
            resolved = version.resolved if isinstance(version.resolved, dict) else {}
            defs = resolved.get("$defs", {})
            used_shared = {k for k in defs if k in shared_keys}
            base = f"/components/messages/{_escape(mid)}/payload"
            payload = _rewrite(
                {k: v for k, v in resolved.items() if k != "$schema"}, used_shared, base)
            local_defs = {k: v for k, v in payload.get("$defs", {}).items()
                          if k not in used_shared}
            payload.pop("$defs", None)
            if local_defs:
                payload["$defs"] = local_defs
            for key in sorted(used_shared):
                schemas.setdefault(key, {
                    **_rewrite(defs[key], used_shared | set(shared_keys), ""),
                    "x-accord-path": shared_keys[key],
                })
            message: dict[str, Any] = {
                "name": mid,
                "title": f"{contract.event} v{version.number}",
                "contentType": "application/cloudevents+json" if contract.envelope ==
                "cloudevents" else "application/json",
                "payload": payload,
            }
            if contract.summary:
                message["summary"] = contract.summary
            if contract.tags:
                message["tags"] = [{"name": tag} for tag in contract.tags]
            if version.examples:
                message["examples"] = [{"name": f"example-{i + 1}", "payload": example}
                                       for i, example in enumerate(version.examples)]
            if isinstance(version.extensions.get("x-accord-headers"), dict):
                message["headers"] = version.extensions["x-accord-headers"]
            message.update(_extensions(contract, version))
            messages[mid] = message
            channel["messages"][mid] = {"$ref": f"#/components/messages/{mid}"}
            refs.append({"$ref": f"#/channels/{cid}/messages/{mid}"})
        for action, services in (("send", contract.producers), ("receive", contract.consumers)):
            for name in services:
                if service is not None and name != service:
                    continue
                operations[f"{name}.{action}.{contract.event}"] = {
                    "action": action,
                    "channel": {"$ref": f"#/channels/{cid}"},
                    "messages": refs,
                    "x-accord-service": name,
                }
    label = f"{service} events" if service else "Event catalog"
    document: dict[str, Any] = {
        "asyncapi": "3.0.0",
        "info": {
            "title": title or label,
            "version": "1.0.0",
            "description": "Generated by Accord from the contract registry.",
        },
        "defaultContentType": "application/json",
        "channels": dict(sorted(channels.items())),
        "operations": dict(sorted(operations.items())),
        "components": {"schemas": dict(sorted(schemas.items())),
                       "messages": dict(sorted(messages.items()))},
    }
    if service is not None:
        document["x-accord-service"] = service
    return document
