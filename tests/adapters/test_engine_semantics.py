"""No loss across a crash and dead letters, through each adapter directly.

The same properties through the simulator (`accord sim run --broker`) are in
test_sim_engines.py; these pin them at the adapter level, with the engine's own redelivery.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

Connect = Callable[..., Any]
EVENTS = 200


def test_no_loss_across_a_member_crash(engine: str, unique: str,
                                       engine_connect: Connect) -> None:
    broker = engine_connect(engine)
    broker.create_topic(unique)
    for n in range(EVENTS):
        broker.publish(unique, {"n": n}, msg_id=f"m{n}")
    broker.publish(unique, {"n": 0}, msg_id="m0")  # a producer retry: deduplicated
    crashing = broker.subscribe(unique, "g", ack_timeout_ms=300, max_in_flight=500)
    survivor = broker.subscribe(unique, "g", ack_timeout_ms=300, max_in_flight=500)
    taken = crashing.poll(50, timeout_ms=500)
    assert taken  # these 50-or-fewer are never acked: the engine must redeliver them
    crashing.crash()
    acked: dict[int, int] = {}
    deadline = time.monotonic() + 10
    while len(acked) < EVENTS and time.monotonic() < deadline:
        for message in survivor.poll(100, timeout_ms=100):
            acked[message.value["n"]] = message.attempt
            message.ack()
    assert sorted(acked) == list(range(EVENTS))  # nothing lost, the duplicate dropped
    assert {acked[m.value["n"]] for m in taken} == {2}  # redelivered by AckWait/XAUTOCLAIM
    assert broker.metrics().topics[unique].duplicates == 1


def test_poison_message_is_dead_lettered_others_flow(engine: str, unique: str,
                                                     engine_connect: Connect) -> None:
    broker = engine_connect(engine)
    broker.create_topic(unique)
    for n in range(5):
        broker.publish(unique, {"n": n, "poison": n == 2})
    sub = broker.subscribe(unique, "g", max_deliveries=3, ack_timeout_ms=5_000)
    done: set[int] = set()
    deadline = time.monotonic() + 10
    while (len(done) < 4 or not broker.dead_letters(unique)) and time.monotonic() < deadline:
        for message in sub.poll(10, timeout_ms=50):
            if message.value["poison"]:
                message.nack(delay_ms=10, error="cannot parse")
            else:
                done.add(message.value["n"])
                message.ack()
    assert done == {0, 1, 3, 4}
    [dead] = broker.dead_letters(unique)
    assert dead.value == {"n": 2, "poison": True} and dead.attempt == 3


def test_publish_many_keeps_order_and_offsets(engine: str, unique: str,
                                              engine_connect: Connect) -> None:
    broker = engine_connect(engine)
    broker.create_topic(unique)
    # One key: on Kafka, order and offsets hold within a partition, and a key picks one.
    first = broker.publish(unique, {"n": -1}, key="k")
    items = [({"n": n}, "k", {"h": str(n)}) for n in range(1_500)]  # > one pipeline
    results = broker.publish_many(unique, items)
    offsets = [r.offset for r in results]
    assert offsets == sorted(offsets) and len(set(offsets)) == 1_500
    assert offsets[0] > first.offset
    sub = broker.subscribe(unique, "g", max_in_flight=2_000)
    seen: list[tuple[int, int, Any, Any]] = []
    deadline = time.monotonic() + 10
    while len(seen) < 1_501 and time.monotonic() < deadline:
        for m in sub.poll(500, timeout_ms=100):
            seen.append((m.offset, m.value["n"], m.key, m.headers.get("h")))
            m.ack()
    assert [n for _, n, _, _ in seen] == list(range(-1, 1_500))  # the log's order
    assert [o for o, _, _, _ in seen[1:]] == offsets  # what publish_many said
    assert all(k == "k" and h == str(n) for _, n, k, h in seen[1:])
    assert broker.metrics().topics[unique].published == 1_501


def test_publish_many_to_a_missing_stream_is_one_clear_error(nats_url: str, unique: str,
                                                             engine_connect: Connect) -> None:
    from accord.broker.adapters import AdapterError

    broker = engine_connect(nats_url)
    with pytest.raises(AdapterError, match="no stream for subject"):
        broker.publish_many(f"nowhere.{unique}", [({"n": 1}, None, None)])


def test_publish_many_refused_midway_says_what_went_out_nats(nats_url: str, unique: str,
                                                              engine_connect: Connect) -> None:
    import asyncio

    import nats
    from nats.js.api import DiscardPolicy

    from accord.broker.adapters import PartialPublish

    async def small_stream() -> None:  # holds 5, refuses the rest
        client = await nats.connect(nats_url)
        await client.jetstream().add_stream(name=unique, subjects=[unique], max_msgs=5,
                                            discard=DiscardPolicy.NEW)
        await client.close()

    asyncio.run(small_stream())
    broker = engine_connect(nats_url)
    with pytest.raises(PartialPublish, match=r"5 of 10 published") as caught:
        broker.publish_many(unique, [({"n": n}, None, None) for n in range(10)])
    assert sorted(caught.value.results) == [0, 1, 2, 3, 4]
    assert [r.offset for _, r in sorted(caught.value.results.items())] == [1, 2, 3, 4, 5]
    assert broker.metrics().topics[unique].published == 5


def test_publish_many_refused_midway_says_what_went_out_redis(
        private_server: Callable[..., Any], engine_connect: Connect) -> None:
    from accord.broker.adapters import PartialPublish

    url, _ = private_server("redis", "--maxmemory", "2mb", "--maxmemory-policy", "noeviction")
    broker = engine_connect(url)
    big = "x" * 100_000
    with pytest.raises(PartialPublish, match="maxmemory") as caught:
        broker.publish_many("s", [({"n": n, "pad": big}, None, None) for n in range(60)])
    stored = caught.value.results
    assert stored and sorted(stored) == list(range(len(stored)))  # a prefix, in order
    assert f"{len(stored)} of 60 published" in str(caught.value)
    assert broker.metrics().topics["s"].published == len(stored)
    assert big not in str(caught.value)  # the error does not quote the payload
