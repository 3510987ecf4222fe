"""Events/s consumed through each real-engine adapter with validation, next to the raw client.

Run: ``.venv/bin/python benchmarks/bench_adapters.py`` (needs ``nats-server`` and
``redis-server`` on PATH; it starts its own on free loopback ports and stops them; Kafka is
librdkafka's mock cluster from the confluent-kafka wheel, started the same way).
benchmarks/adapters.md records the figures.

Workload, per engine and round: the first N events the tour's scenario
(``scenarios/shop.yaml``) publishes to ``orders``, with their keys: ``OrderPlaced`` v1 and
v2 from the producers' sample pools and the order lifecycle flow's ``OrderShipped``,
``OrderDelivered`` and ``OrderCancelled`` (the few poison events the scenario injects
left out, so every message is judged valid; the validation layer says which those are).
They are published, then consumed once by one group member and acked one by one.

- raw: the engine's own client doing the same protocol work (redis-py ``XREADGROUP`` in
  batches of 500 and one ``XACK`` per entry; nats-py ``fetch(500)`` and ``ack()`` per
  message on its own event loop; a confluent-kafka ``Consumer`` in a cooperative-sticky
  group, ``consume(500)`` and an asynchronous commit after each batch, as the adapter
  commits once per poll), plus ``json.loads`` of each value;
- adapter: ``accord.broker.adapters`` ``poll(500)`` and ``ack()``, and each message
  judged by ``accord.tap.Identifier`` against the whole example registry by channel
  (``orders`` holds five contracts, so most messages are tried against several schemas).

Both run in the same process, against the same server, in alternating rounds. On Kafka
both sides' clocks start when their first batch arrives: a new group takes 3 s to form on
the mock cluster (its initial rebalance delay), which neither side can shorten.
"""

from __future__ import annotations

import asyncio
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from accord.broker.adapters import connect
from accord.broker.adapters.local import serve
from accord.registry import load_registry
from accord.tap import Identifier

ROOT = Path(__file__).resolve().parent.parent
EVENTS = 20_000
KAFKA_EVENTS = 10_000
"""librdkafka's mock cluster keeps 5 MiB per partition (older message sets are dropped, as
retention.bytes would): 20,000 of these ~1.2 KB events on 4 partitions would lose some."""
ROUNDS = 5
BATCH = 500
IN_FLIGHT = 1000  # MaxAckPending on NATS, for both sides


Workload = list[tuple[Any, str | None]]


def _workload(count: int) -> tuple[Workload, str]:
    """The first ``count`` valid events shop.yaml publishes to ``orders``, with their keys,
    and what they are."""
    import yaml

    from accord.sim import Simulation

    registry = load_registry(ROOT / "contracts")
    scenario = yaml.safe_load((ROOT / "scenarios" / "shop.yaml").read_text())
    scenario["events"] = count * 3  # orders has about two events in three: ample
    sim = Simulation(scenario, registry=registry, base=ROOT)
    found: Workload = []
    kinds: dict[str, int] = {}
    for event in sim.stream():
        if event.topic == "orders" and sim.validators.is_valid(event.event, event.version,
                                                               event.payload):
            found.append((event.payload, event.key))
            name = f"{event.event} v{event.version}"
            kinds[name] = kinds.get(name, 0) + 1
            if len(found) == count:
                distinct = len({json.dumps(value, sort_keys=True) for value, _ in found})
                return found, (f"{distinct:,} distinct payloads, "
                               f"{len({key for _, key in found}):,} keys: "
                               + ", ".join(f"{n:,} {k}" for k, n in sorted(kinds.items())))
    raise SystemExit(f"shop.yaml gave only {len(found):,} valid events on orders")


def _fill(url: str, topic: str, work: Workload) -> None:
    broker = connect(url)
    broker.create_topic(topic)
    for start in range(0, EVENTS, 1_000):
        broker.publish_many(topic, [(value, key, None)
                                    for value, key in work[start:min(start + 1_000, EVENTS)]])
    broker.close()


def _adapter(url: str, topic: str, group: str, judge: Identifier | None) -> float:
    """Through the adapter, each message judged; with no judge, only decoded (the adapter's
    own cost next to the raw client's, validation apart)."""
    broker = connect(url)
    sub = broker.subscribe(topic, group, start="earliest", max_in_flight=IN_FLIGHT)
    seen = valid = 0
    started = time.perf_counter()
    while seen < EVENTS:
        batch = sub.poll(BATCH, timeout_ms=200)
        if not seen and url.startswith("kafka"):
            started = time.perf_counter()  # the group has formed: the clock starts
        for message in batch:
            if judge is None:
                json.loads(message.data)
                valid += 1
            else:
                valid += judge.judge(message.data, message.headers, "bench").valid
            message.ack()
            seen += 1
    elapsed = time.perf_counter() - started
    assert valid == EVENTS, f"only {valid} of {EVENTS} judged valid"
    broker.close()
    return EVENTS / elapsed


def _raw_redis(url: str, topic: str, group: str) -> float:
    import redis

    client = redis.Redis.from_url(url)
    client.xgroup_create(topic, group, id="0")
    seen = 0
    started = time.perf_counter()
    while seen < EVENTS:
        for _stream, entries in client.xreadgroup(group, "c", {topic: ">"}, count=BATCH,
                                                  block=200) or ():
            for eid, fields in entries:
                json.loads(fields[b"v"])
                client.xack(topic, group, eid)
                seen += 1
    elapsed = time.perf_counter() - started
    client.close()
    return EVENTS / elapsed


def _raw_nats(url: str, topic: str, group: str) -> float:
    import nats
    from nats.js.api import ConsumerConfig

    async def consume() -> float:
        nc = await nats.connect(url)
        js = nc.jetstream()
        stream = await js.find_stream_name_by_subject(topic)
        psub = await js.pull_subscribe(topic, durable=group, stream=stream,
                                       config=ConsumerConfig(max_ack_pending=IN_FLIGHT))
        seen = 0
        started = time.perf_counter()
        while seen < EVENTS:
            try:
                msgs = await psub.fetch(BATCH, timeout=0.2)
            except TimeoutError:
                continue
            for msg in msgs:
                json.loads(msg.data)
                await msg.ack()
                seen += 1
        elapsed = time.perf_counter() - started
        await nc.close()
        return EVENTS / elapsed

    return asyncio.run(consume())


def _raw_kafka(url: str, topic: str, group: str) -> float:
    from confluent_kafka import Consumer

    consumer = Consumer({"bootstrap.servers": url.partition("://")[2], "group.id": group,
                         "auto.offset.reset": "earliest", "enable.auto.commit": False,
                         "partition.assignment.strategy": "cooperative-sticky",
                         "session.timeout.ms": 4_000, "fetch.wait.max.ms": 5})
    consumer.subscribe([topic])
    seen = 0
    started = time.perf_counter()
    while seen < EVENTS:
        batch = consumer.consume(BATCH, 0.2)
        if not seen:
            started = time.perf_counter()  # the group has formed: the clock starts
        for message in batch:
            if message.error() is None:
                json.loads(message.value())
                seen += 1
        if batch:
            consumer.commit(asynchronous=True)
    elapsed = time.perf_counter() - started
    consumer.close()
    return EVENTS / elapsed


RAW: dict[str, Callable[[str, str, str], float]] = {
    "nats": _raw_nats, "redis": _raw_redis, "kafka": _raw_kafka}


def main() -> None:
    global EVENTS
    work, what = _workload(EVENTS)
    judge = Identifier(load_registry(ROOT / "contracts"), "orders")
    # Warm-up outside the timing: the first judgement generates the registry's classes.
    assert judge.judge(json.dumps(work[0][0]).encode(), {}, "warm-up").valid
    engines = [e for e in sys.argv[1:] if e in RAW] or list(RAW)
    ratios: dict[str, list[float]] = {engine: [] for engine in engines}
    print(f"# adapters: {EVENTS:,} events (Kafka {KAFKA_EVENTS:,}) x {ROUNDS} rounds, "
          f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()}, "
          f"{platform.machine()}\n\nshop.yaml's events on orders: {what}")
    print("\n| engine | round | raw client events/s | adapter + validation events/s | ratio |")
    print("|---|---|---|---|---|")
    for engine in engines:
        EVENTS = KAFKA_EVENTS if engine == "kafka" else 20_000
        with serve(engine) as url:
            for n in range(ROUNDS):
                topic = "orders" if engine == "nats" else f"orders{n}"
                raw_topic, adapter_topic = f"raw{n}", topic
                _fill(url, raw_topic, work)
                raw = RAW[engine](url, raw_topic, "g")
                _fill(url, adapter_topic, work)
                adapted = _adapter(url, adapter_topic, f"g{n}", judge)
                if engine == "nats":  # one stream per subject: clear it for the next round
                    _purge(url, adapter_topic, raw_topic)
                ratios[engine].append(adapted / raw)
                print(f"| {engine} | {n + 1} | {raw:,.0f} | {adapted:,.0f} | "
                      f"{adapted / raw:.2f}x |", flush=True)
    if "--alone" in sys.argv:
        _alone(engines, work)
    print()
    for engine, found in ratios.items():
        print(f"{engine}: median ratio {statistics.median(found):.2f}x "
              f"(range {min(found):.2f}-{max(found):.2f}x over {len(found)} rounds)")


def _alone(engines: list[str], work: Workload) -> None:
    """The adapter without validation, against the same raw client, same rounds."""
    print("\n| engine | round | raw client events/s | adapter alone (decode only) events/s | "
          "ratio |")
    print("|---|---|---|---|---|")
    for engine in engines:
        with serve(engine) as url:
            for n in range(ROUNDS):
                topic = "orders" if engine == "nats" else f"alone{n}"
                _fill(url, f"rawalone{n}", work)
                raw = RAW[engine](url, f"rawalone{n}", "ga")
                _fill(url, topic, work)
                adapted = _adapter(url, topic, f"ga{n}", None)
                if engine == "nats":
                    _purge(url, topic, f"rawalone{n}")
                print(f"| {engine} | {n + 1} | {raw:,.0f} | {adapted:,.0f} | "
                      f"{adapted / raw:.2f}x |", flush=True)


def _purge(url: str, *subjects: str) -> None:
    import nats

    async def purge() -> None:
        nc = await nats.connect(url)
        js = nc.jetstream()
        for subject in subjects:
            await js.delete_stream(await js.find_stream_name_by_subject(subject))
        await nc.close()

    asyncio.run(purge())


if __name__ == "__main__":
    sys.exit(main())
