"""`accord sim run --broker`: the simulator's events/s on each engine, next to the raw client.

Run: ``.venv/bin/python benchmarks/bench_sim_engines.py [ENGINE ...]`` (needs
``nats-server`` and ``redis-server``; it starts its own on free loopback ports, and
librdkafka's mock Kafka cluster from the confluent-kafka wheel). benchmarks/sim_engines.md
records the figures.

Workload, per engine and round: N ``orders.OrderPlaced`` events from the simulator's own
generator (v1/v2 mix, 10 keys), at a rate no engine can reach, so the run is as fast as
the loop goes, and one consumer group (the built-in recorder) with the invariants no-loss,
valid-accepted and invalid-dead-lettered, no faults.

- sim: ``Simulation(..., broker=URL).run()`` end to end, wall clock: namespace, topics,
  publishing (validated, canonical JSON), polling, decoding and handling, acking, the
  settle check, dead letters and the report, and deleting the run's topics;
- raw: the engine's own client publishing the same N canonical payloads at its best
  (redis-py: one pipeline of XADDs; nats-py: ``js.publish`` calls in flight together,
  1,000 at a time, ``asyncio.gather``-ed), then one consumer fetching in batches of 500,
  ``json.loads`` and one ack each; on a fresh stream. Kafka: one idempotent producer
  (murmur2, as the adapter's) producing all N keyed payloads then ``flush``, then a new
  consumer group reading them back in batches of 500 with an asynchronous commit per
  batch. On Kafka both clocks start once the group has formed (3 s on the mock cluster):
  the simulator's figure is its report's ``elapsed_ms``, which starts at the first event
  after ``ready()``, and the raw side forms its group before producing. The
  simulator publishes each loop's due events with ``publish_many`` (the same
  techniques), so this is like for like.
- embedded: the same Simulation on the embedded broker (virtual time), for scale.

All in the same process; sim and raw against the same server, alternating which goes
first per round; the embedded runs come first, before any server starts.
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

from accord.broker.adapters.local import serve
from accord.registry import load_registry
from accord.sim import Simulation
from accord.sim.validation import canonical

ROOT = Path(__file__).resolve().parent.parent
EVENTS = 5_000
ROUNDS = 3
BATCH = 500

SPEC: dict[str, Any] = {
    "seed": 11, "events": EVENTS,
    "topics": {"orders": {"partitions": 1}},
    "producers": [{"service": "order-service", "event": "orders.OrderPlaced",
                   "rate": "10000000/s", "keys": 10, "versions": {1: 0.2, 2: 0.8}}],
    "consumers": [{"service": "analytics", "group": "analytics", "model": "recorder"}],
    "invariants": ["no-loss", "valid-accepted", "invalid-dead-lettered"],
}


def _simulation(broker: str | None) -> Simulation:
    registry = load_registry(ROOT / "contracts")
    return Simulation(SPEC, registry=registry, base=ROOT, broker=broker)


def _sim(broker: str | None) -> float:
    sim = _simulation(broker)
    started = time.perf_counter()
    report = sim.run()
    elapsed = time.perf_counter() - started
    assert report.ok, report.text()
    assert report.metrics["events"] == EVENTS
    if broker is not None and broker.startswith("kafka"):
        # The run's own real time, from its first event: its groups formed before it.
        elapsed = report.metrics["elapsed_ms"] / 1000
    return EVENTS / elapsed


def _raw_redis(url: str, topic: str, payloads: list[bytes]) -> float:
    import redis

    client = redis.Redis.from_url(url)
    started = time.perf_counter()
    pipe = client.pipeline(transaction=False)
    for data in payloads:
        pipe.xadd(topic, {"v": data})
    pipe.execute()
    client.xgroup_create(topic, "g", id="0")
    seen = 0
    while seen < len(payloads):
        for _stream, entries in client.xreadgroup("g", "c", {topic: ">"}, count=BATCH,
                                                  block=200) or ():
            for eid, fields in entries:
                json.loads(fields[b"v"])
                client.xack(topic, "g", eid)
                seen += 1
    elapsed = time.perf_counter() - started
    client.delete(topic)
    client.close()
    return len(payloads) / elapsed


def _raw_nats(url: str, topic: str, payloads: list[bytes]) -> float:
    import nats
    from nats.js.api import ConsumerConfig

    async def run() -> float:
        nc = await nats.connect(url)
        js = nc.jetstream()
        await js.add_stream(name=topic, subjects=[topic])
        started = time.perf_counter()
        for start in range(0, len(payloads), 1000):
            await asyncio.gather(*(js.publish(topic, data)
                                   for data in payloads[start:start + 1000]))
        psub = await js.pull_subscribe(topic, durable="g", stream=topic,
                                       config=ConsumerConfig(max_ack_pending=1000))
        seen = 0
        while seen < len(payloads):
            try:
                msgs = await psub.fetch(BATCH, timeout=0.2)
            except TimeoutError:
                continue
            for msg in msgs:
                json.loads(msg.data)
                await msg.ack()
                seen += 1
        elapsed = time.perf_counter() - started
        await js.delete_stream(topic)
        await nc.close()
        return len(payloads) / elapsed

    return asyncio.run(run())


def _raw_kafka(url: str, topic: str, payloads: list[bytes]) -> float:
    from confluent_kafka import Consumer, Producer

    servers = url.partition("://")[2]
    producer = Producer({"bootstrap.servers": servers, "enable.idempotence": True,
                         "partitioner": "murmur2_random", "linger.ms": 2})
    producer.list_topics(topic, timeout=10)  # created (auto) before the group forms
    consumer = Consumer({"bootstrap.servers": servers, "group.id": f"raw-{topic}",
                         "auto.offset.reset": "earliest", "enable.auto.commit": False,
                         "partition.assignment.strategy": "cooperative-sticky",
                         "session.timeout.ms": 4_000, "fetch.wait.max.ms": 5})
    consumer.subscribe([topic])
    while not consumer.assignment():  # the group forms first, as the simulator's does
        consumer.consume(1, 0.1)
    started = time.perf_counter()
    for n, payload in enumerate(payloads):
        producer.produce(topic, payload, f"k{n % 10}".encode())
        producer.poll(0)
    producer.flush(30)
    seen = 0
    while seen < len(payloads):
        batch = consumer.consume(BATCH, 0.2)
        for message in batch:
            if message.error() is None:
                json.loads(message.value())
                seen += 1
        if batch:
            consumer.commit(asynchronous=True)
    elapsed = time.perf_counter() - started
    consumer.close()
    return len(payloads) / elapsed


RAW: dict[str, Callable[[str, str, list[bytes]], float]] = {
    "nats": _raw_nats, "redis": _raw_redis, "kafka": _raw_kafka}


def main() -> None:
    payloads = [canonical(e.payload).encode() for e in _simulation(None).events()]
    print(f"Run of {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()}"
          f", {platform.machine()}; {EVENTS:,} events per run")
    embedded = [_sim(None) for _ in range(ROUNDS)]
    print(f"\nembedded broker (virtual time): median {statistics.median(embedded):,.0f} "
          "events/s wall")
    print("\n| engine | round | raw client publish + consume events/s | "
          "accord sim run --broker events/s | ratio |")
    print("|---|---|---|---|---|")
    engines = [e for e in sys.argv[1:] if e in RAW] or list(RAW)
    ratios: dict[str, list[float]] = {engine: [] for engine in engines}
    for engine in engines:
        with serve(engine) as url:
            for n in range(ROUNDS):
                first_raw = n % 2 == 0  # alternate which goes first
                if first_raw:
                    raw = RAW[engine](url, f"raw{n}", payloads)
                sim = _sim(url)
                if not first_raw:
                    raw = RAW[engine](url, f"raw{n}", payloads)
                ratios[engine].append(sim / raw)
                print(f"| {engine} | {n + 1} | {raw:,.0f} | {sim:,.0f} | {sim / raw:.2f}x |",
                      flush=True)
    print()
    for engine, found in ratios.items():
        print(f"- {engine}: median ratio {statistics.median(found):.2f}x "
              f"(range {min(found):.2f}-{max(found):.2f}x over {len(found)} rounds)")


if __name__ == "__main__":
    sys.exit(main())
