"""The Kafka adapter against a Kafka-protocol cluster: librdkafka's mock cluster, started
from the installed confluent-kafka wheel (see conftest.py), or ACCORD_KAFKA_URL.

Where the mock lacks a feature, the test says so and asserts what the mock does, so a
change on either side shows up here.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.broker.adapters import AdapterError, EngineBroker, connect
from accord.broker.adapters.kafka_config import parse
from accord.broker.partitioning import partition_for
from accord.broker.protocol import Broker
from tests.adapters.support import Connect, poll_until


def _poll_until(sub: Any, count: int, timeout_s: float = 10.0) -> list[Any]:
    return poll_until(sub, count, timeout_s)  # a Kafka group forms in seconds


def _raw(url: str) -> str:
    return url.partition("://")[2]


def test_publish_consume_ack_and_lag(kafka_url: str, unique: str,
                                     engine_connect: Connect) -> None:
    broker = engine_connect(kafka_url)
    assert isinstance(broker, Broker) and isinstance(broker, EngineBroker)
    broker.create_topic(unique, partitions=4)
    for i in range(10):
        broker.publish(unique, {"n": i}, key="k", headers={"h": "x"})
    sub = broker.subscribe(unique, "g")
    got = _poll_until(sub, 10)
    assert [m.value["n"] for m in got] == list(range(10))  # one key: one partition, in order
    assert got[0].headers == {"h": "x"} and got[0].attempt == 1 and got[0].key == "k"
    assert broker.lag("g", unique) == 10  # read but not acked still counts
    for m in got[:4]:
        m.ack()
    assert broker.lag("g", unique) == 6  # committed: the lowest unsettled offset
    got[9].ack()
    assert broker.lag("g", unique) == 6  # a gap holds the commit back (at-least-once)
    for m in got[4:9]:
        m.ack()
    assert broker.lag("g", unique) == 0
    # What the group committed is what Kafka itself reports to any client of the group.
    reader = Consumer({"bootstrap.servers": _raw(kafka_url), "group.id": "g"})
    try:
        partition = got[0].partition
        [committed] = reader.committed([TopicPartition(unique, partition)], timeout=5)
        assert committed.offset == got[-1].offset + 1
    finally:
        reader.close()


def test_dedup_by_msg_id_within_the_window(kafka_url: str, unique: str,
                                           engine_connect: Connect) -> None:
    broker = engine_connect(kafka_url)
    assert not broker.publish(unique, 1, msg_id="a").duplicate
    assert broker.publish(unique, 1, msg_id="a").duplicate
    assert broker.metrics().topics[unique].duplicates == 1
    assert "dedup" in broker.differences  # kept by this client, and the docs say so


def test_a_crashed_members_records_go_to_the_survivor(kafka_url: str, unique: str,
                                                      engine_connect: Connect) -> None:
    broker = engine_connect(kafka_url)
    broker.create_topic(unique)
    for n in range(40):
        broker.publish(unique, {"n": n}, key=f"k{n % 8}")
    crashed = broker.subscribe(unique, "g", ack_timeout_ms=60_000)
    survivor = broker.subscribe(unique, "g", ack_timeout_ms=60_000)
    taken = _poll_until(crashed, 1)
    assert taken and crashed.assigned and survivor.assigned  # cooperative: both hold some
    crashed.crash()  # never acked: nothing of it was committed
    acked: dict[int, int] = {}
    deadline = time.monotonic() + 30
    while len(acked) < 40 and time.monotonic() < deadline:
        for m in survivor.poll(100, timeout_ms=100):
            acked[m.value["n"]] = m.attempt
            m.ack()
    assert sorted(acked) == list(range(40))
    assert {acked[m.value["n"]] for m in taken} == {2}  # the group re-read them


def test_ack_timeout_redelivers_within_the_member(kafka_url: str, unique: str,
                                                  engine_connect: Connect) -> None:
    broker = engine_connect(kafka_url)
    broker.publish(unique, {"n": 1})
    sub = broker.subscribe(unique, "g", ack_timeout_ms=200)
    [first] = _poll_until(sub, 1)
    time.sleep(0.3)
    [again] = _poll_until(sub, 1)
    assert (again.offset, again.attempt) == (first.offset, 2)
    again.ack()
    assert broker.lag("g", unique) == 0
    assert broker.metrics().topics[unique].redelivered == 1


def test_nack_delay_then_dead_letter_with_reason_headers(kafka_url: str, unique: str,
                                                         engine_connect: Connect) -> None:
    broker = engine_connect(kafka_url)
    broker.publish(unique, {"n": 1}, key="poison", headers={"trace": "t1"})
    sub = broker.subscribe(unique, "g", max_deliveries=2, ack_timeout_ms=5_000)
    [first] = _poll_until(sub, 1)
    started = time.monotonic()
    first.nack(delay_ms=300, error="cannot parse")
    assert sub.poll(10) == []  # not before its delay
    [second] = _poll_until(sub, 1)
    assert second.attempt == 2 and time.monotonic() - started >= 0.3
    second.nack(delay_ms=0, error="cannot parse")
    assert _poll_until(sub, 1, timeout_s=0.5) == []
    [dead] = broker.dead_letters(unique)
    assert dead.value == {"n": 1} and dead.reason == "max-deliveries" and dead.group == "g"
    assert dead.attempt == 2 and dead.last_error == "cannot parse"
    assert broker.lag("g", unique) == 0  # the dead letter settled it
    # The dead-letter topic as any Kafka client sees it: key, value and reason headers.
    reader = Consumer({"bootstrap.servers": _raw(kafka_url), "group.id": "dlq-reader",
                       "auto.offset.reset": "earliest"})
    try:
        reader.subscribe([unique + ".dlq"])
        records = []
        deadline = time.monotonic() + 15
        while not records and time.monotonic() < deadline:
            records = [m for m in reader.consume(10, 0.5) if m.error() is None]
        [record] = records
        headers = dict(record.headers())
        assert record.key() == b"poison" and headers["trace"] == b"t1"
        assert headers["x-dead-letter-reason"] == b"max-deliveries"
        assert headers["x-dead-letter-offset"] == str(first.offset).encode()
    finally:
        reader.close()


def test_seek_to_an_offset_and_to_the_start(kafka_url: str, unique: str,
                                            engine_connect: Connect) -> None:
    broker = engine_connect(kafka_url)
    offsets = [broker.publish(unique, i, key="one").offset for i in range(5)]
    sub = broker.subscribe(unique, "g")
    for m in _poll_until(sub, 5):
        m.ack()
    broker.seek("g", unique, offset=offsets[3])
    assert [m.value for m in _poll_until(sub, 2)] == [3, 4]
    broker.seek("g", unique, to="earliest")
    assert len(_poll_until(sub, 5)) == 5


def test_seek_by_time(kafka_url: str, unique: str, engine_connect: Connect) -> None:
    broker = engine_connect(kafka_url)
    broker.publish(unique, 0, key="one")
    time.sleep(0.05)
    middle = int(time.time() * 1000)
    time.sleep(0.05)
    later = broker.publish(unique, 1, key="one")
    sub = broker.subscribe(unique, "g")
    for m in _poll_until(sub, 2):
        m.ack()
    targets = broker.seek("g", unique, timestamp=middle)
    if broker.mock:
        # librdkafka's mock answers ListOffsets by time with the end of the partition (a
        # FIXME in rdkafka_mock_handlers.c): seek by time is not verified on it.
        assert targets[later.partition] == later.offset + 1
        assert "seek-by-time" in broker.differences
        return
    assert targets[later.partition] == later.offset
    assert [m.value for m in _poll_until(sub, 1)] == [1]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.text(min_size=1, max_size=30))
def test_a_key_goes_where_the_embedded_broker_and_java_put_it(
        kafka_url: str, engine_connect: Connect, key: str) -> None:
    broker = _shared(kafka_url, engine_connect)
    result = broker.publish("keys", {"k": key}, key=key)
    assert result.partition == partition_for(key, len(broker.partitions("keys")))


_BROKERS: dict[str, Any] = {}


def _shared(url: str, engine_connect: Connect) -> Any:
    if url not in _BROKERS:
        _BROKERS[url] = connect(url)
        _BROKERS[url].create_topic("keys", partitions=4)
    return _BROKERS[url]


def test_per_key_order_holds_across_a_rebalance(kafka_url: str, unique: str,
                                                engine_connect: Connect) -> None:
    """A member joins mid-stream; partitions move; each key is still handled in order
    (first handling of each record), nothing is lost, and some records are handled again
    only where the old owner had not committed them."""
    broker = engine_connect(kafka_url)
    broker.create_topic(unique, partitions=4)
    keys = [f"order-{n}" for n in range(20)]
    total = 2_000
    broker.publish_many(unique, [({"key": keys[n % 20], "seq": n}, keys[n % 20], None)
                                 for n in range(total)])
    first = broker.subscribe(unique, "g", max_in_flight=50)
    handled: list[tuple[str, int]] = []
    seen: set[int] = set()
    members = [first]

    def work(member: Any) -> None:
        for m in member.poll(25, timeout_ms=20):
            if m.value["seq"] not in seen:
                seen.add(m.value["seq"])
                handled.append((m.key, m.value["seq"]))
            m.ack()

    deadline = time.monotonic() + 60
    rebalanced = False
    while (len(seen) < total or not rebalanced) and time.monotonic() < deadline:
        for member in members:
            work(member)
        if len(seen) >= total // 4 and len(members) == 1:
            # Joins: the group rebalances under load (as soon as the group coordinator
            # gets to it: both members keep polling meanwhile).
            members.append(broker.subscribe(unique, "g", max_in_flight=50))
        if len(members) == 2 and members[1].assigned and len(first.assigned) < 4:
            rebalanced = True
    assert rebalanced, "the second member never got a partition"
    assert len(seen) == total  # nothing lost
    last: dict[str, int] = {}
    for key, seq in handled:
        assert seq > last.get(key, -1), f"{key}: {seq} handled after {last[key]}"
        last[key] = seq


def test_records_from_other_kafka_clients(kafka_url: str, unique: str,
                                          engine_connect: Connect) -> None:
    """Records a plain confluent-kafka producer wrote (no Accord headers) read as bytes,
    and what the adapter wrote reads in any client as JSON with its key and headers."""
    # murmur2, as a Java producer partitions (librdkafka's own default is CRC32).
    producer = Producer({"bootstrap.servers": _raw(kafka_url), "partitioner": "murmur2_random"})
    producer.produce(unique, b'{"order_id": "x"}', key=b"x", headers={"source": b"java"})
    producer.flush(10)
    broker = engine_connect(kafka_url)
    broker.publish(unique, {"order_id": "y"}, key="x", headers={"source": "accord"})
    sub = broker.subscribe(unique, "g")
    first, second = _poll_until(sub, 2)
    assert first.value == b'{"order_id": "x"}' and first.headers == {"source": "java"}
    assert second.value == {"order_id": "y"} and second.key == "x"
    reader = Consumer({"bootstrap.servers": _raw(kafka_url), "group.id": "plain",
                       "auto.offset.reset": "earliest"})
    try:
        reader.subscribe([unique])
        records: list[Any] = []
        deadline = time.monotonic() + 15
        while len(records) < 2 and time.monotonic() < deadline:
            records += [m for m in reader.consume(10, 0.5) if m.error() is None]
        assert records[1].value() == b'{"order_id":"y"}' and records[1].key() == b"x"
        assert dict(records[1].headers())["source"] == b"accord"
    finally:
        reader.close()


@pytest.mark.parametrize(("url", "message"), [
    ("kafka://127.0.0.1", "is not HOST:PORT"),
    ("kafka://", "names no server"),
    ("kafka://h:1?group.id=x", "group.id is set by Accord itself"),
    ("kafka://h:1?config=/nonexistent/client.properties", "cannot read config file"),
])
def test_a_bad_url_is_one_clear_error(url: str, message: str) -> None:
    with pytest.raises(AdapterError, match=message):
        connect(url)


def test_unreachable_is_one_clear_error() -> None:
    with pytest.raises(AdapterError, match=r"cannot reach kafka at kafka://127\.0\.0\.1:1: "):
        connect("kafka://127.0.0.1:1", timeout=0.5)


def test_sasl_and_tls_settings_from_the_url_and_a_properties_file(tmp_path: Any) -> None:
    config = tmp_path / "client.properties"
    config.write_text("# from the platform team\nssl.ca.location=/etc/ca.pem\n"
                      "sasl.mechanism=SCRAM-SHA-512\n")
    settings = parse(f"kafka://app:s%40cret@b1:9093,b2:9093?config={config}"
                     "&sasl.mechanism=SCRAM-SHA-256")
    assert settings == {
        "bootstrap.servers": "b1:9093,b2:9093", "ssl.ca.location": "/etc/ca.pem",
        "sasl.mechanism": "SCRAM-SHA-256",  # the URL wins over the file
        "sasl.username": "app", "sasl.password": "s@cret",
        "security.protocol": "SASL_SSL"}  # a password never goes in clear by default
    assert parse("kafka://b:9092")["bootstrap.servers"] == "b:9092"
    bad = tmp_path / "bad.properties"
    bad.write_text("ssl.ca.location=/x\nno equals sign here\n")
    with pytest.raises(AdapterError, match=r"bad.properties:2: expected key=value"):
        parse(f"kafka://b:9092?config={bad}")


def test_the_password_is_never_shown() -> None:
    with pytest.raises(AdapterError) as caught:
        connect("kafka://app:s3cret@127.0.0.1:1?sasl.password=other&ssl.key.password=k",
                timeout=0.5)
    text = str(caught.value)
    assert "s3cret" not in text and "other" not in text and "=k" not in text
    assert "app:***@" in text
