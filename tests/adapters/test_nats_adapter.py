"""The NATS JetStream adapter against a real nats-server."""

from __future__ import annotations

import time

import pytest

from accord.broker.adapters import AdapterError, EngineBroker, connect
from accord.broker.protocol import Broker
from tests.adapters.support import Connect
from tests.adapters.support import poll_until as _poll_until


def test_publish_consume_ack_and_lag(nats_url: str, unique: str, engine_connect: Connect) -> None:
    broker = engine_connect(nats_url)
    assert isinstance(broker, Broker) and isinstance(broker, EngineBroker)
    broker.create_topic(unique)
    for i in range(10):
        broker.publish(unique, {"n": i}, key="k", headers={"h": "x"})
    sub = broker.subscribe(unique, "g")
    got = _poll_until(sub, 10)
    assert [m.value["n"] for m in got] == list(range(10))
    assert got[0].headers["h"] == "x" and got[0].attempt == 1 and got[0].key == "k"
    assert broker.lag("g", unique) == 10  # read but not acked still counts
    for m in got:
        m.ack()
    assert broker.lag("g", unique) == 0
    broker.close()


def test_dedup_by_msg_id(nats_url: str, unique: str, engine_connect: Connect) -> None:
    broker = engine_connect(nats_url)
    broker.create_topic(unique)
    assert not broker.publish(unique, 1, msg_id="a").duplicate
    assert broker.publish(unique, 1, msg_id="a").duplicate


def test_ack_timeout_redelivers_through_ackwait(nats_url: str, unique: str,
                                                engine_connect: Connect) -> None:
    broker = engine_connect(nats_url)
    broker.create_topic(unique)
    broker.publish(unique, {"n": 1})
    crashed = broker.subscribe(unique, "g", ack_timeout_ms=300)
    assert len(_poll_until(crashed, 1)) == 1
    crashed.crash()
    survivor = broker.subscribe(unique, "g", ack_timeout_ms=300)
    again = _poll_until(survivor, 1)
    assert again[0].attempt == 2 and again[0].value == {"n": 1}
    again[0].ack()
    assert broker.metrics().topics[unique].redelivered == 1


def test_nack_delay_then_dead_letter(nats_url: str, unique: str, engine_connect: Connect) -> None:
    broker = engine_connect(nats_url)
    broker.create_topic(unique)
    broker.publish(unique, {"n": 1})
    sub = broker.subscribe(unique, "g", max_deliveries=2, ack_timeout_ms=5_000)
    first = _poll_until(sub, 1)
    first[0].nack(delay_ms=50)
    second = _poll_until(sub, 1)
    assert second[0].attempt == 2
    second[0].nack(delay_ms=0)
    assert _poll_until(sub, 1, timeout_s=0.5) == []
    deadline = time.monotonic() + 3
    while not broker.dead_letters(unique) and time.monotonic() < deadline:
        time.sleep(0.02)
    [dead] = broker.dead_letters(unique)
    assert dead.value == {"n": 1} and dead.reason == "max-deliveries" and dead.group == "g"
    assert broker.lag("g", unique) == 0


def test_seek_replays(nats_url: str, unique: str, engine_connect: Connect) -> None:
    broker = engine_connect(nats_url)
    broker.create_topic(unique)
    offsets = [broker.publish(unique, i).offset for i in range(5)]
    sub = broker.subscribe(unique, "g")
    for m in _poll_until(sub, 5):
        m.ack()
    broker.seek("g", unique, offset=offsets[3])
    assert [m.value for m in _poll_until(sub, 2)] == [3, 4]
    broker.seek("g", unique, to="earliest")
    assert len(_poll_until(sub, 5)) == 5


def test_unreachable_is_one_clear_error() -> None:
    started = time.monotonic()
    with pytest.raises(AdapterError, match="cannot reach nats"):
        connect("nats://127.0.0.1:1", timeout=0.5)
    assert time.monotonic() - started < 3


def test_missing_stream_is_one_clear_error(nats_url: str, unique: str,
                                           engine_connect: Connect) -> None:
    broker = engine_connect(nats_url)
    with pytest.raises(AdapterError, match="no stream for subject"):
        broker.subscribe(unique, "g")
    broker.close()
