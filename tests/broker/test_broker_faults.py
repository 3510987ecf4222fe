"""Broker-side faults the simulator injects (issue 17): a partition without a leader for a
while, and a crash that loses the writes it had acknowledged but not flushed."""

from __future__ import annotations

import pytest

from accord.broker import EmbeddedBroker, PartitionOfflineError, partition_for


def _broker() -> EmbeddedBroker:
    broker = EmbeddedBroker(seed=1)
    broker.create_topic("t", partitions=2)
    return broker


def test_an_offline_partition_refuses_writes_and_serves_no_reads_until_it_is_back() -> None:
    broker = _broker()
    key = next(k for k in (f"k{i}" for i in range(100)) if partition_for(k, 2) == 0)
    other = next(k for k in (f"k{i}" for i in range(100)) if partition_for(k, 2) == 1)
    broker.publish("t", b"1", key=key)
    consumer = broker.subscribe("t", "g")
    broker.take_offline("t", 0, until=broker.now + 500)
    with pytest.raises(PartitionOfflineError) as refused:
        broker.publish("t", b"2", key=key)
    assert refused.value.until == broker.now + 500
    broker.publish("t", b"3", key=other)  # the other partition is fine
    assert [d.value for d in consumer.poll()] == [b"3"]
    broker.advance(500)
    assert [d.value for d in consumer.poll()] == [b"1"]
    broker.publish("t", b"2", key=key)
    assert [d.value for d in consumer.poll()] == [b"2"]


def test_lost_unflushed_writes_vanish_from_the_log_and_offsets_are_not_reused() -> None:
    broker = _broker()
    for i in range(4):
        broker.publish("t", str(i).encode(), key="a")
        broker.advance(100)
    lost = broker.lose_unflushed("t", window_ms=250)  # now 400: the writes at 200, 300 ms
    p = partition_for("a", 2)
    assert lost == [(p, 2), (p, 3)]
    assert [r.value for r in broker.records("t", p)] == [b"0", b"1"]
    assert broker.publish("t", b"4", key="a").offset == 4
    consumer = broker.subscribe("t", "g")
    assert [d.value for d in consumer.poll()] == [b"0", b"1", b"4"]
