"""The Redis Streams adapter against a real redis-server."""

from __future__ import annotations

import time

import pytest

from accord.broker.adapters import AdapterError, EngineBroker, connect
from accord.broker.protocol import Broker
from tests.adapters.support import Connect
from tests.adapters.support import poll_until as _poll_until


def test_publish_consume_ack_and_lag(redis_url: str, unique: str, engine_connect: Connect) -> None:
    broker = engine_connect(redis_url)
    assert isinstance(broker, Broker) and isinstance(broker, EngineBroker)
    broker.create_topic(unique, max_records=1000)  # type: ignore[call-arg]
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


def test_dedup_by_msg_id(redis_url: str, unique: str, engine_connect: Connect) -> None:
    broker = engine_connect(redis_url)
    assert not broker.publish(unique, 1, msg_id="a").duplicate
    assert broker.publish(unique, 1, msg_id="a").duplicate


def test_ack_timeout_redelivers_through_xautoclaim(redis_url: str, unique: str,
                                                   engine_connect: Connect) -> None:
    broker = engine_connect(redis_url)
    broker.publish(unique, {"n": 1})
    crashed = broker.subscribe(unique, "g", ack_timeout_ms=100)
    assert len(_poll_until(crashed, 1)) == 1
    crashed.crash()
    survivor = broker.subscribe(unique, "g", ack_timeout_ms=100)
    again = _poll_until(survivor, 1)
    assert again[0].attempt == 2 and again[0].value == {"n": 1}
    again[0].ack()
    assert broker.metrics().topics[unique].redelivered == 1


def test_nack_delay_then_dead_letter(redis_url: str, unique: str, engine_connect: Connect) -> None:
    broker = engine_connect(redis_url)
    broker.publish(unique, {"n": 1})
    sub = broker.subscribe(unique, "g", max_deliveries=2, ack_timeout_ms=5_000)
    first = _poll_until(sub, 1)
    first[0].nack(delay_ms=50)
    second = _poll_until(sub, 1)
    assert second[0].attempt == 2
    second[0].nack(delay_ms=0)
    assert _poll_until(sub, 1, timeout_s=0.5) == []
    [dead] = broker.dead_letters(unique)
    assert dead.value == {"n": 1} and dead.reason == "max-deliveries" and dead.group == "g"
    assert broker.lag("g", unique) == 0


def test_seek_replays(redis_url: str, unique: str, engine_connect: Connect) -> None:
    broker = engine_connect(redis_url)
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
    with pytest.raises(AdapterError, match="cannot reach redis"):
        connect("redis://127.0.0.1:1/0", timeout=0.5)
    assert time.monotonic() - started < 3


def test_unknown_scheme() -> None:
    with pytest.raises(AdapterError, match="unknown broker URL"):
        connect("amqp://x:5672")


def test_a_database_that_is_not_a_number_is_one_clear_error() -> None:
    with pytest.raises(AdapterError, match="the database after the last / is a number"):
        connect("redis://:s3cret@127.0.0.1:1/abc")


def test_another_server_on_the_port_is_named_as_such(nats_url: str) -> None:
    wrong = nats_url.replace("nats://", "redis://") + "/0"
    with pytest.raises(AdapterError, match="does not speak the Redis protocol"):
        connect(wrong)
