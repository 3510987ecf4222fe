"""`accord registry serve` against the real Confluent client and its JSON serializers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("uvicorn")
pytest.importorskip("confluent_kafka.schema_registry")

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.schema_registry.json_schema import (
    JSONDeserializer,
    JSONSerializer,
)
from confluent_kafka.serialization import (
    MessageField,
    SerializationContext,
    SerializationError,
)

from accord.registry import load_policy, load_registry
from accord.registry.ids import schema_id
from accord.serve import build_catalog
from accord.serve.catalog import served_schema
from accord.serve.server import BackgroundServer
from tests.support import REPO

EVENT = "orders.OrderPlaced"
ALONE = "cdc.CustomerRowChanged"
"""The only event on its channel, so its topic subject's `latest` is its latest version."""


@pytest.fixture(scope="module")
def registry() -> Any:
    return load_registry(REPO / "contracts")


@pytest.fixture(scope="module", params=["topic", "record"])
def server(request: pytest.FixtureRequest, registry: Any) -> Iterator[tuple[str, str]]:
    catalog = build_catalog(registry, load_policy(REPO / "governance/policy.yaml"),
                            request.param)
    with BackgroundServer(catalog) as running:
        yield running.url, request.param


def _client_copy(schema: Any) -> str:
    """The schema as a client might hold it: other key order, other white space."""

    def reverse(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: reverse(node[k]) for k in reversed(list(node))}
        if isinstance(node, list):
            return [reverse(v) for v in node]
        return node

    return json.dumps(reverse(schema), indent=3)


@pytest.fixture
def client(server: tuple[str, str]) -> Iterator[SchemaRegistryClient]:
    with SchemaRegistryClient({"url": server[0]}) as opened:
        yield opened


def _subject(strategy: str) -> Any:
    return lambda ctx, record_name: "orders-value" if strategy == "topic" else EVENT


@pytest.mark.parametrize("use_latest", [False, True])
def test_serializer_round_trip(server: tuple[str, str], client: SchemaRegistryClient,
                               registry: Any, use_latest: bool) -> None:
    strategy = server[1]
    contract = registry.get(ALONE if strategy == "topic" else EVENT)
    version = contract.latest_active()
    serializer = JSONSerializer(
        _client_copy(served_schema(version)), client,
        conf={"auto.register.schemas": False, "use.latest.version": use_latest,
              "subject.name.strategy": lambda ctx, name: (
                  f"{ctx.topic}-value" if strategy == "topic" else contract.event)})
    ctx = SerializationContext(contract.topic, MessageField.VALUE)
    event = version.examples[0]
    data = serializer(event, ctx)
    assert data is not None
    assert data[0] == 0
    assert int.from_bytes(data[1:5], "big") == schema_id(contract, version)

    deserializer = JSONDeserializer(None, schema_registry_client=client)
    assert deserializer(data, ctx) == event


def test_serializer_refuses_what_breaks_the_contract(
        server: tuple[str, str], client: SchemaRegistryClient, registry: Any) -> None:
    strategy = server[1]
    version = registry.get(EVENT).latest_active()
    serializer = JSONSerializer(_client_copy(served_schema(version)), client,
                                conf={"auto.register.schemas": False,
                                      "subject.name.strategy": _subject(strategy)})
    bad = dict(version.examples[0])
    bad.pop(sorted(version.resolved["required"])[0])
    with pytest.raises(SerializationError):
        serializer(bad, SerializationContext("orders", MessageField.VALUE))


def test_a_schema_the_registry_lacks_is_not_found(server: tuple[str, str],
                                                 client: SchemaRegistryClient) -> None:
    strategy = server[1]
    subject = "orders-value" if strategy == "topic" else EVENT
    stranger = Schema(json.dumps({"type": "object", "required": ["nope"]}), "JSON")
    with pytest.raises(SchemaRegistryError) as caught:
        client.lookup_schema(subject, stranger)
    assert caught.value.http_status_code == 404
    assert caught.value.error_code == 40403


def test_registering_is_refused_with_the_reason(server: tuple[str, str],
                                               client: SchemaRegistryClient) -> None:
    strategy = server[1]
    subject = "orders-value" if strategy == "topic" else EVENT
    with pytest.raises(SchemaRegistryError) as caught:
        client.register_schema(subject, Schema(json.dumps({"type": "object"}), "JSON"))
    assert caught.value.error_code == 42205
    assert "git" in caught.value.error_message


def test_compatibility_is_accords_verdict(registry: Any) -> None:
    catalog = build_catalog(registry, load_policy(REPO / "governance/policy.yaml"), "record")
    version = registry.get(EVENT).latest_active()
    narrowed = json.loads(json.dumps(served_schema(version)))
    narrowed["required"] = [*narrowed["required"], "loyalty_id"]
    narrowed["properties"]["loyalty_id"] = {"type": "string"}
    with BackgroundServer(catalog) as running, \
            SchemaRegistryClient({"url": running.url}) as client:
        same = Schema(json.dumps(served_schema(version)), "JSON")
        assert client.test_compatibility(EVENT, same) is True
        assert client.test_compatibility(EVENT, Schema(json.dumps(narrowed), "JSON")) is False
        assert client.get_compatibility(EVENT) == "BACKWARD_TRANSITIVE" or \
            client.get_compatibility(EVENT) == registry.get(EVENT).compatibility
        assert client.get_schema_types() == ["JSON"]
        assert client.get_global_mode() == "READONLY"
        latest = client.get_latest_version(EVENT)
        assert latest.version == version.number
        assert latest.schema_id == schema_id(registry.get(EVENT), version)


def test_the_documented_walkthrough(registry: Any) -> None:
    """The snippet of registry-server.md, as written there (the event from the contract)."""
    page = (REPO / "site/docs/registry-server.md").read_text()
    snippet = page.split("## From `accord registry serve` to a serialised message")[1]
    code = snippet.split("```python\n")[1].split("```")[0]
    catalog = build_catalog(registry, load_policy(REPO / "governance/policy.yaml"))
    contract = registry.get(ALONE)
    with BackgroundServer(catalog) as running:
        scope: dict[str, Any] = {"event": contract.latest_active().examples[0]}
        exec(code.replace("http://127.0.0.1:8081", running.url), scope)
        data = scope["data"]
        scope["client"].close()
    assert data[0] == 0
    assert int.from_bytes(data[1:5], "big") == schema_id(contract, contract.latest_active())


def test_tap_identifies_framed_messages_by_id(registry: Any) -> None:
    """Bytes from the real JSONSerializer: tap names the version by the id on the wire."""
    from accord.interop.wire import frame
    from accord.tap import Identifier, Verdict

    catalog = build_catalog(registry, load_policy(REPO / "governance/policy.yaml"), "record")
    contract = registry.get(EVENT)
    version = contract.version(1)
    with BackgroundServer(catalog) as running, \
            SchemaRegistryClient({"url": running.url}) as client:
        serializer = JSONSerializer(json.dumps(served_schema(version)), client,
                                    conf={"auto.register.schemas": False,
                                          "subject.name.strategy": lambda ctx, name: EVENT})
        data = serializer(version.examples[0], SerializationContext("orders", MessageField.VALUE))
    identify = Identifier(registry, contract.topic)
    # Judged by the version its id names, not by the best match on the channel.
    assert identify.judge(data, {}, "m") == Verdict(EVENT, 1)
    broken = frame(schema_id(contract, version), b'{"order_id": 5}')
    verdict = identify.judge(broken, {}, "m")
    assert (verdict.event, verdict.version) == (EVENT, 1) and verdict.violations
    unknown = identify.judge(frame(7, b"{}"), {}, "m")
    assert unknown.event is None and "schema id 7" in unknown.reason
