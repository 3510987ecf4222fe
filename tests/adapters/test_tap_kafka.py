"""`accord tap` on Kafka: Confluent's wire format from the real serializer, and --from."""

from __future__ import annotations

import json
from typing import Any

import pytest
from confluent_kafka import Producer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.json_schema import JSONSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

from accord.broker.adapters import connect
from accord.cli import main
from accord.interop.wire import frame
from accord.registry import load_policy, load_registry
from accord.serve import build_catalog
from accord.serve.catalog import served_schema
from accord.serve.server import BackgroundServer
from tests.support import REPO

EVENT = "orders.OrderPlaced"


def _tap(capsys: Any, url: str, channel: str, *extra: str) -> tuple[int, str, str]:
    code = main(["tap", "--broker", url, "--channel", channel, "--duration", "8", *extra])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("by_registry", [False, True])
def test_wire_format_from_the_confluent_serializer(kafka_url: str, unique: str, capsys: Any,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  by_registry: bool) -> None:
    """A producer using Confluent's own JSONSerializer against `accord registry serve`;
    the tap names each message by its schema id, locally or through --schema-registry."""
    monkeypatch.chdir(REPO)
    registry = load_registry(REPO / "contracts")
    contract = registry.get(EVENT)
    assert contract is not None
    version = contract.latest_active()
    assert version is not None
    catalog = build_catalog(registry, load_policy(REPO / "governance/policy.yaml"))
    producer = Producer({"bootstrap.servers": kafka_url.partition("://")[2],
                         "partitioner": "murmur2_random"})
    with BackgroundServer(catalog) as running, \
            SchemaRegistryClient({"url": running.url}) as client:
        serializer = JSONSerializer(json.dumps(served_schema(version)), client, conf={
            "auto.register.schemas": False,
            "subject.name.strategy": lambda ctx, name: "orders-value"})
        context = SerializationContext("orders", MessageField.VALUE)
        good = [serializer(example, context) for example in version.examples[:2]]
        schema_id = int.from_bytes(good[0][1:5], "big")  # type: ignore[index]
        broken = frame(schema_id, json.dumps({"order_id": 5}).encode())  # no serializer
        for data in [*good, broken]:                                     # lets this out
            producer.produce(unique, data, key=b"one")
        producer.flush(10)
        extra = ("--schema-registry", running.url) if by_registry else ()
        code, out, err = _tap(capsys, kafka_url, unique, "--from", "earliest",
                              "--max-events", "3", *extra)
    assert code == 1, out + err
    assert f"{EVENT} v{version.number}: 2 valid, 1 invalid" in out


def test_a_schema_registry_that_cannot_be_reached_stops_the_tap(
        kafka_url: str, unique: str, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    broker = connect(kafka_url)
    broker.publish(unique, frame(1, b'{"order_id": "a"}'), key="one")
    broker.close()
    code, _, err = _tap(capsys, kafka_url, unique, "--from", "earliest", "--max-events",
                          "1", "--schema-registry", "http://127.0.0.1:1")
    assert code == 2 and "cannot reach the schema registry at http://127.0.0.1:1" in err
    assert "Traceback" not in err


def test_tap_from_an_offset(kafka_url: str, unique: str, capsys: Any,
                            write_tree: Any) -> None:
    write_tree({"contracts/shop/ping.yaml": PING.format(channel=unique)})
    broker = connect(kafka_url)
    offsets = [broker.publish(unique, {"n": n}, key="one").offset for n in range(4)]
    broker.close()
    code, out, _ = _tap(capsys, kafka_url, unique, "--from", str(offsets[2]),
                        "--max-events", "10", "--duration", "6", "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert report["events"] == 2  # offsets 2 and 3 only


@pytest.mark.parametrize("start", ["yesterday", "-5", "12:00"])
def test_a_bad_from_is_one_clear_error(start: str, capsys: Any, write_tree: Any) -> None:
    write_tree({"contracts/shop/ping.yaml": PING.format(channel="pings")})
    code = main(["tap", "--broker", "kafka://127.0.0.1:1", "--channel", "pings",
                 "--from", start])
    err = capsys.readouterr().err
    assert code == 2 and "--from" in err and "Traceback" not in err


PING = """\
event: shop.Ping
summary: A ping.
owner: team-ops
channel: {channel}
producers: [ops]
consumers: [ops]
versions:
  1:
    schema: {{type: object, required: [n], properties: {{n: {{type: integer}}}}}}
"""
