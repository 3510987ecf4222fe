"""`accord sim run --broker`: the simulator's events/s on each engine, next to the raw client.

Run: ``.venv/bin/python benchmarks/bench_sim_engines.py`` (needs ``nats-server`` and
``redis-server``; it starts its own on free loopback ports). benchmarks/sim_engines.md
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
  ``json.loads`` and one ack each; on a fresh stream. The simulator publishes each loop's
  due events with ``publish_many`` (the same two techniques), so this is like for like.
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


RAW: dict[str, Callable[[str, str, list[bytes]], float]] = {
    "nats": _raw_nats, "redis": _raw_redis}


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
    ratios: dict[str, list[float]] = {"nats": [], "redis": []}
    for engine in ("nats", "redis"):
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
