"""Unit tests of the embedded broker's semantics, one concept per test."""

from __future__ import annotations

import json

import pytest

from accord.broker import (
    DeadLetter,
    EmbeddedBroker,
    StaleDeliveryError,
    murmur2,
    partition_for,
)


@pytest.fixture
def broker() -> EmbeddedBroker:
    return EmbeddedBroker(seed=7)


# -- partitioning ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [  # Kafka's UtilsTest.testMurmur2 vectors: keys land where Java clients put them.
        (b"21", -973932308),
        (b"foobar", -790332482),
        (b"a-little-bit-long-string", -985981536),
        (b"a-little-bit-longer-string", -1486304829),
        (b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971),
        (b"abc", 479470107),
    ],
)
def test_murmur2_matches_kafka(data: bytes, expected: int) -> None:
    assert murmur2(data) == expected


def test_str_and_bytes_keys_share_a_partition() -> None:
    assert partition_for("order-42", 12) == partition_for(b"order-42", 12)


def test_same_key_same_partition_and_offsets_grow(broker: EmbeddedBroker) -> None:
    broker.create_topic("orders", partitions=4)
    results = [broker.publish("orders", {"n": i}, key="o-1") for i in range(5)]
    assert {r.partition for r in results} == {partition_for("o-1", 4)}
    assert [r.offset for r in results] == [0, 1, 2, 3, 4]


def test_keyless_records_stick_then_spread_by_seed() -> None:
    def partitions(seed: int) -> list[int]:
        b = EmbeddedBroker(seed=seed)
        b.create_topic("t", partitions=4)
        return [b.publish("t", b"x").partition for _ in range(320)]

    assert partitions(1) == partitions(1)
    assert partitions(1) != partitions(2)
    runs = partitions(1)
    assert len(set(runs)) == 4
    # Kafka's sticky partitioner: batches of 16 keyless records share a partition.
    assert all(len(set(runs[i : i + 16])) == 1 for i in range(0, 320, 16))


# -- values ----------------------------------------------------------------------------


def test_json_values_are_decoded_afresh(broker: EmbeddedBroker) -> None:
    broker.create_topic("t")
    value = {"b": [1, 2], "a": "é"}
    broker.publish("t", value, headers={"h": "1"})
    value["b"].append(3)  # the log holds bytes: later mutation does not leak in
    (d,) = broker.subscribe("t", "g").poll(10)
    assert d.value == {"a": "é", "b": [1, 2]}
    d.value["a"] = "changed"
    assert d.value["a"] == "é"
    assert d.record.data == '{"a":"é","b":[1,2]}'.encode()
    assert dict(d.headers) == {"h": "1"}


def test_bytes_values_pass_through(broker: EmbeddedBroker) -> None:
    broker.create_topic("t")
    broker.publish("t", bytearray(b"\x00\x01"), key=b"k")
    (d,) = broker.subscribe("t", "g").poll(10)
    assert d.value == b"\x00\x01"
    assert d.key == b"k"
    assert d.record.size == 3


# -- groups ----------------------------------------------------------------------------


def test_groups_have_their_own_offsets(broker: EmbeddedBroker) -> None:
    broker.create_topic("t")
    for i in range(3):
        broker.publish("t", i)
    a = broker.subscribe("t", "email")
    b = broker.subscribe("t", "audit")
    for d in a.poll(10):
        d.ack()
    assert [d.value for d in b.poll(10)] == [0, 1, 2]
    assert broker.committed("email", "t") == {0: 3}
    assert broker.committed("audit", "t") == {0: 0}


def test_partitions_are_dealt_to_members_and_rebalanced(broker: EmbeddedBroker) -> None:
    broker.create_topic("t", partitions=4)
    c1 = broker.subscribe("t", "g")
    assert c1.assignment == (0, 1, 2, 3)
    c2 = broker.subscribe("t", "g")
    assert (c1.assignment, c2.assignment) == ((0, 2), (1, 3))
    c1.crash()
    assert c2.assignment == (0, 1, 2, 3)
    assert [(e.reason, e.member, e.generation) for e in broker.rebalances] == [
        ("join", "g-1", 1),
        ("join", "g-2", 2),
        ("crash", "g-1", 3),
    ]
    assert broker.rebalances[1].partitions_of("g-2") == (1, 3)


def test_rebalance_revokes_in_flight_of_moved_partitions(broker: EmbeddedBroker) -> None:
    broker.create_topic("t", partitions=2)
    for i in range(4):
        broker.publish("t", i, key=str(i))
    c1 = broker.subscribe("t", "g")
    held = c1.poll(10)
    c2 = broker.subscribe("t", "g")
    moved = [d for d in held if d.partition in c2.assignment]
    kept = [d for d in held if d.partition in c1.assignment]
    assert moved and kept
    with pytest.raises(StaleDeliveryError, match="revoked by rebalance"):
        moved[0].ack()
    for d in kept:
        d.ack()
    again = c2.poll(10)
    assert sorted((d.partition, d.offset) for d in again) == sorted(
        (d.partition, d.offset) for d in moved
    )
    assert {d.attempt for d in again} == {2}


def test_shared_mode_spreads_one_partition_over_members(broker: EmbeddedBroker) -> None:
    broker.create_topic("jobs")
    for i in range(6):
        broker.publish("jobs", i)
    workers = [broker.subscribe("jobs", "w", mode="shared", max_in_flight=2) for _ in range(3)]
    got = [[d.value for d in w.poll(10)] for w in workers]
    assert got == [[0, 1], [2, 3], [4, 5]]


def test_start_latest_skips_history(broker: EmbeddedBroker) -> None:
    broker.create_topic("t")
    broker.publish("t", "old")
    c = broker.subscribe("t", "g", start="latest")
    broker.publish("t", "new")
    assert [d.value for d in c.poll(10)] == ["new"]


# -- delivery --------------------------------------------------------------------------


def test_out_of_order_acks_commit_the_lowest_unacked(broker: EmbeddedBroker) -> None:
    broker.create_topic("t")
    for i in range(4):
        broker.publish("t", i)
    ds = broker.subscribe("t", "g").poll(10)
    ds[1].ack()
    ds[2].ack()
    assert broker.committed("g", "t") == {0: 0}
    ds[0].ack()
    assert broker.committed("g", "t") == {0: 3}
    ds[3].ack()
    assert broker.committed("g", "t") == {0: 4}


def test_nack_with_delay_redelivers_after_it(broker: EmbeddedBroker) -> None:
    broker.create_topic("t")
    broker.publish("t", "x")
    c = broker.subscribe("t", "g")
    (d,) = c.poll(1)
    d.nack(delay_ms=500, error="db down")
    broker.advance(499)
    assert c.poll(1) == []
    broker.advance(1)
    (again,) = c.poll(1)
    assert (again.attempt, again.error) == (2, None)
    assert d.error == "db down"


def test_ack_timeout_redelivers(broker: EmbeddedBroker) -> None:
    broker.create_topic("t")
    broker.publish("t", "x")
    c = broker.subscribe("t", "g", ack_timeout_ms=1000)
    (d,) = c.poll(1)
    broker.advance(999)
    assert c.poll(1) == []
    broker.advance(1)
    with pytest.raises(StaleDeliveryError, match="ack timeout after 1000 ms"):
        d.ack()
    (again,) = c.poll(1)
    assert again.attempt == 2
    assert broker.metrics().topics["t"].redelivered == 1
    assert broker.metrics().redelivered("g", "t") == 1


def test_max_deliveries_dead_letters_with_reason_headers(broker: EmbeddedBroker) -> None:
    broker.create_topic("orders")
    broker.publish("orders", {"id": 1}, key="k", headers={"trace": "abc"})
    c = broker.subscribe("orders", "email", max_deliveries=3)
    for attempt in (1, 2, 3):
        (d,) = c.poll(1)
        assert d.attempt == attempt
        d.nack(error=ValueError(f"bad {attempt}"))
    assert c.poll(1) == []
    (dl,) = broker.dead_letters("orders")
    assert isinstance(dl, DeadLetter)
    assert (dl.value, dl.key, dl.attempt, dl.reason) == ({"id": 1}, "k", 3, "max-deliveries")
    assert dl.last_error == "ValueError: bad 3"
    assert dict(dl.headers) == {
        "trace": "abc",
        "x-dead-letter-reason": "max-deliveries",
        "x-attempts": "3",
        "x-last-error": "ValueError: bad 3",
        "x-original-topic": "orders",
        "x-original-partition": "0",
        "x-original-offset": "0",
        "x-original-timestamp": "0",
        "x-original-group": "email",
    }
    # The dead-letter topic is a real topic: it can be consumed like any other.
    (from_dlq,) = broker.subscribe("orders.dlq", "ops").poll(10)
    assert from_dlq.value == {"id": 1}
    assert from_dlq.headers["x-attempts"] == "3"
    m = broker.metrics()
    assert dict(m.topics["orders"].dead_lettered) == {"max-deliveries": 1}
    assert broker.committed("email", "orders") == {0: 1}


def test_reject_dead_letters_at_once(broker: EmbeddedBroker) -> None:
    broker.create_topic("t")
    broker.publish("t", "poison")
    (d,) = broker.subscribe("t", "g").poll(1)
    d.reject(error="unparseable")
    (dl,) = broker.dead_letters("t")
    assert (dl.reason, dl.attempt, dl.last_error) == ("rejected", 1, "unparseable")
    assert d.settled


def test_without_dead_letter_topic_records_are_discarded(broker: EmbeddedBroker) -> None:
    broker.create_topic("t", dead_letter=False)
    assert "t.dlq" not in broker.topics
    broker.publish("t", 1)
    c = broker.subscribe("t", "g", max_deliveries=1)
    c.poll(1)[0].nack()
    assert broker.dead_letters("t") == []
    assert dict(broker.metrics().topics["t"].discarded) == {"max-deliveries": 1}


def test_crash_gives_deliveries_to_the_survivor(broker: EmbeddedBroker) -> None:
    broker.create_topic("t")
    broker.publish("t", "x")
    c1 = broker.subscribe("t", "g")
    assert len(c1.poll(1)) == 1
    c2 = broker.subscribe("t", "g")
    assert c2.poll(1) == []  # partition 0 stays with c1 (first in join order)
    c1.crash()
    (again,) = c2.poll(1)
    assert (again.offset, again.attempt, again.consumer_id) == (0, 2, c2.member_id)


def test_max_in_flight_limits_polls(broker: EmbeddedBroker) -> None:
    broker.create_topic("t")
    for i in range(5):
        broker.publish("t", i)
    c = broker.subscribe("t", "g", max_in_flight=2)
    first = c.poll(10)
    assert len(first) == 2
    assert c.poll(10) == []
    first[0].ack()
    assert [d.value for d in c.poll(10)] == [2]
    assert c.in_flight == 2


def test_redeliveries_come_before_new_records(broker: EmbeddedBroker) -> None:
    broker.create_topic("t")
    for i in range(4):
        broker.publish("t", i)
    c = broker.subscribe("t", "g")
    a, b = c.poll(2)
    b.nack()
    a.nack()
    assert [(d.value, d.attempt) for d in c.poll(3)] == [(0, 2), (1, 2), (2, 1)]


# -- producer idempotence --------------------------------------------------------------


def test_msg_id_dedup_window(broker: EmbeddedBroker) -> None:
    broker.create_topic("t", dedup_window_ms=1000)
    first = broker.publish("t", "a", msg_id="m1")
    dup = broker.publish("t", "a", msg_id="m1")
    assert dup.duplicate and not first.duplicate
    assert (dup.partition, dup.offset) == (first.partition, first.offset)
    broker.advance(1000)
    later = broker.publish("t", "a", msg_id="m1")
    assert (later.offset, later.duplicate) == (1, False)
    m = broker.metrics().topics["t"]
    assert (m.published, m.duplicates) == (2, 1)


# -- retention, replay, compaction -----------------------------------------------------


def test_retention_by_time(broker: EmbeddedBroker) -> None:
    broker.create_topic("t", retention_ms=1000)
    broker.publish("t", "old")
    broker.advance(500)
    broker.publish("t", "new")
    broker.advance(500)
    assert [r.value for r in broker.records("t")] == ["new"]
    c = broker.subscribe("t", "g")
    assert [d.value for d in c.poll(10)] == ["new"]
    assert broker.metrics().topics["t"].expired == 1


def test_retention_by_size_counts_value_key_and_headers(broker: EmbeddedBroker) -> None:
    broker.create_topic("t", retention_bytes=10)
    broker.publish("t", b"12345", key="k")  # 6 bytes
    broker.publish("t", b"123", headers={"h": "v"})  # 5 bytes: 11 > 10, the first goes
    assert [r.offset for r in broker.records("t")] == [1]
    assert broker.metrics().topics["t"].retained_bytes == 5
    broker.publish("t", b"x" * 50)  # bigger than the limit: the newest record always stays
    assert [r.offset for r in broker.records("t")] == [2]


def test_records_in_flight_survive_retention(broker: EmbeddedBroker) -> None:
    broker.create_topic("t", retention_ms=10)
    broker.publish("t", "x")
    c = broker.subscribe("t", "g")
    (d,) = c.poll(1)
    d.nack(delay_ms=100)
    broker.advance(100)
    assert broker.records("t") == []
    (again,) = c.poll(1)
    assert again.value == "x"


def test_seek_to_offset_earliest_latest(broker: EmbeddedBroker) -> None:
    broker.create_topic("t")
    for i in range(5):
        broker.publish("t", i)
    c = broker.subscribe("t", "g")
    for d in c.poll(10):
        d.ack()
    assert broker.seek("g", "t", offset=3) == {0: 3}
    assert [d.value for d in c.poll(10)] == [3, 4]
    broker.seek("g", "t", to="earliest")
    assert len(c.poll(10)) == 5
    broker.seek("g", "t", to="latest")
    assert c.poll(10) == []
    assert broker.committed("g", "t") == {0: 5}


def test_seek_voids_unsettled_deliveries(broker: EmbeddedBroker) -> None:
    broker.create_topic("t")
    broker.publish("t", 0)
    c = broker.subscribe("t", "g")
    (d,) = c.poll(1)
    broker.seek("g", "t", to="earliest")
    with pytest.raises(StaleDeliveryError):
        d.ack()
    (again,) = c.poll(1)
    assert again.attempt == 1


def test_seek_by_timestamp_is_offsets_for_times(broker: EmbeddedBroker) -> None:
    broker.create_topic("t", partitions=2)
    for i in range(6):
        broker.publish("t", i, key=str(i % 2))
        broker.advance(100)
    # records at t=0..500; the first at or after 250 is the one at 300
    targets = broker.seek("audit", "t", timestamp=250)
    c = broker.subscribe("t", "audit")
    got = sorted(d.value for d in c.poll(10))
    assert got == [3, 4, 5]
    assert sum(targets.values()) == 3
    assert broker.seek("audit", "t", timestamp=10_000) == {0: 3, 1: 3}


def test_seek_before_log_start_moves_to_log_start(broker: EmbeddedBroker) -> None:
    broker.create_topic("t", retention_ms=100)
    broker.publish("t", 0)
    broker.advance(100)
    broker.publish("t", 1)
    assert broker.seek("g", "t", offset=0) == {0: 1}


def test_compaction_keeps_latest_per_key(broker: EmbeddedBroker) -> None:
    broker.create_topic("users", compact=True)
    for key, value in [("a", 1), ("b", 1), ("a", 2), (None, 9), ("b", 2), ("a", 3)]:
        broker.publish("users", value, key=key)
    broker.advance(1)
    assert [(r.key, r.value, r.offset) for r in broker.records("users")] == [
        (None, 9, 3),
        ("b", 2, 4),
        ("a", 3, 5),
    ]
    c = broker.subscribe("users", "rebuild")
    assert [d.offset for d in c.poll(10)] == [3, 4, 5]  # offsets keep their gaps
    broker.seek("rebuild", "users", offset=1)
    assert [d.offset for d in c.poll(10)] == [3, 4, 5]


# -- time, metrics, determinism --------------------------------------------------------


def test_latency_percentiles_and_lag(broker: EmbeddedBroker) -> None:
    broker.create_topic("t")
    c = broker.subscribe("t", "g")
    for i in range(100):
        broker.publish("t", i)
        broker.advance(1)
    ds = c.poll(100)
    for d in ds[:10]:
        d.ack()
    m = broker.metrics()
    assert m.lag("g", "t") == 90
    assert m.in_flight("g", "t") == 90
    lat = m.topics["t"].latency
    assert (lat.count, lat.p50, lat.p90, lat.max) == (10, 95, 99, 100)
    (part,) = m.partitions
    assert (part.committed, part.lag, part.pending, part.owner) == (10, 90, 0, c.member_id)
    plain = m.to_dict()
    assert json.loads(json.dumps(plain))["topics"]["t"]["latency"]["histogram"]["99"] == 1
    assert plain["topics"]["t"]["latency"]["p90"] == 99
    assert plain["partitions"][0]["lag"] == 90


def test_advance_fires_timers_in_time_order() -> None:
    b = EmbeddedBroker(seed=0, trace=True)
    b.create_topic("t")
    b.publish("t", 0)
    b.publish("t", 1)
    c = b.subscribe("t", "g", ack_timeout_ms=300)
    d0, _d1 = c.poll(2)
    d0.nack(delay_ms=200)
    b.advance(1000)
    steps = [s for s in b.trace if s[1] in ("timeout", "advance")]
    assert steps == [(300, "timeout", "g", 0, 1), (1000, "advance", 1000, 1000)]


def scenario(seed: int) -> bytes:
    b = EmbeddedBroker(seed=seed, trace=True)
    b.create_topic("t", partitions=3)
    consumers = [b.subscribe("t", "g", ack_timeout_ms=50) for _ in range(2)]
    for i in range(30):
        b.publish("t", {"i": i}, key=None if i % 3 else f"k{i}")
        for c in consumers:
            for j, d in enumerate(c.poll(2)):
                if j % 2:
                    d.nack(delay_ms=10)
                else:
                    d.ack()
        b.advance(20)
    return b.trace_bytes()


def test_same_seed_same_trace_byte_for_byte() -> None:
    assert scenario(3) == scenario(3)
    assert scenario(3) != scenario(4)


def test_compaction_waits_for_a_dirty_half(broker: EmbeddedBroker) -> None:
    broker.create_topic("kv", compact=True)
    for i in range(4):
        broker.publish("kv", i, key="k")
    broker.advance(1)
    assert [r.value for r in broker.records("kv")] == [3]
    broker.publish("kv", 4, key="k")  # 1 new vs 1 kept: dirty enough
    broker.publish("kv", 5, key="j")
    broker.advance(1)
    assert [r.value for r in broker.records("kv")] == [4, 5]
    broker.publish("kv", 6, key="k")  # 1 new vs 2 kept: not yet
    broker.advance(1)
    assert [r.value for r in broker.records("kv")] == [4, 5, 6]
    assert broker.compact("kv") == 1  # forced
    assert [r.value for r in broker.records("kv")] == [5, 6]
