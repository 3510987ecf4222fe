"""Throughput and memory of the embedded broker, with FastStream's TestKafkaBroker as peer.

Run: ``.venv/bin/python benchmarks/bench_broker.py`` (needs ``faststream`` and
``aiokafka`` for the peer; without them the peer column says so). Prints a markdown table;
benchmarks/broker.md records the figures. Both are measured in the same run, on the same
workload: publish N records of 100 bytes, then consume and ack each once.
"""

from __future__ import annotations

import asyncio
import gc
import os
import platform
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from accord.broker import EmbeddedBroker

PAYLOAD = b"x" * 100
SHAPES = [(1, 1), (1, 4), (8, 1), (8, 4)]  # (partitions, consumers)
CORE_RECORDS = 200_000
PEER_RECORDS = 5_000
ROUNDS = 3


class Timer:
    """Wall-clock and CPU time together: on a shared machine the CPU time of this
    process is the steadier figure, the wall clock the honest one; both are reported."""

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()

    def rates(self, n: int) -> tuple[float, float]:
        """(records/s by wall clock, records/s by CPU time) since this timer started."""
        return n / (time.perf_counter() - self.wall), n / (time.process_time() - self.cpu)


def best(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """The best of several runs, per clock: the run least disturbed by other processes."""
    return max(r[0] for r in runs), max(r[1] for r in runs)


def core_rate(
    partitions: int, consumers: int, n: int = CORE_RECORDS
) -> tuple[tuple[float, float], tuple[float, float]]:
    """(end-to-end, publish-only) records/s through the EmbeddedBroker core."""
    broker = EmbeddedBroker(seed=0)
    broker.create_topic("bench", partitions=partitions)
    members = [broker.subscribe("bench", "g", max_in_flight=1000) for _ in range(consumers)]
    publish = broker.publish
    gc.collect()
    timer = Timer()
    for _ in range(n):
        publish("bench", PAYLOAD)
    published = timer.rates(n)
    consumed = 0
    while consumed < n:
        for member in members:
            for delivery in member.poll(500):
                delivery.ack()
                consumed += 1
    return timer.rates(n), published


def peer_available() -> bool:
    try:
        import faststream.kafka  # noqa: F401
    except ImportError:
        return False
    return True


async def _peer(partitions: int, consumers: int, n: int) -> tuple[float, float]:
    from faststream.kafka import KafkaBroker, TestKafkaBroker

    broker = KafkaBroker()
    consumed = 0

    def make_handler() -> Callable[[bytes], Any]:
        async def handle(body: bytes) -> None:
            nonlocal consumed
            consumed += 1  # auto-ack after the handler returns

        return handle

    # FastStream's test broker has no group semantics: per group it hands every message
    # to the first matching subscriber, so extra members stay idle (as with one partition).
    for _ in range(consumers):
        broker.subscriber("bench", group_id="g")(make_handler())
    async with TestKafkaBroker(broker) as test_broker:
        timer = Timer()
        for i in range(n):
            await test_broker.publish(PAYLOAD, "bench", partition=i % partitions)
        rates = timer.rates(n)
    assert consumed == n, (consumed, n)
    return rates


def peer_rate(partitions: int, consumers: int, n: int = PEER_RECORDS) -> tuple[float, float]:
    """End-to-end records/s through FastStream's in-memory TestKafkaBroker."""
    return asyncio.run(_peer(partitions, consumers, n))


def memory_per_record(n: int = 100_000) -> tuple[float, float]:
    """(bytes per retained record including its own 100-byte value, overhead without it)."""
    values = [PAYLOAD[:92] + i.to_bytes(8, "big") for i in range(n)]
    keys = [f"order-{i % 1000}" for i in range(n)]
    value_bytes = sys.getsizeof(values[0])
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    broker = EmbeddedBroker(seed=0)
    broker.create_topic("mem", partitions=4)
    for value, key in zip(values, keys, strict=True):
        broker.publish("mem", value, key=key)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    overhead = (after - before) / n  # the values were allocated before tracing started
    return overhead + value_bytes, overhead


def main() -> None:
    have_peer = peer_available()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"# Broker benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print()
    print(
        f"Python {platform.python_version()} on {platform.machine()} {platform.system()},"
        f" {os.cpu_count()} CPUs, load average {load:.1f} at start;"
        f" core {CORE_RECORDS:,} records, FastStream {PEER_RECORDS:,}; best of {ROUNDS}."
        " Rates are records/s, wall clock (CPU time of this process in brackets)."
    )
    print()
    print("| partitions | consumers | core publish | core publish→poll→ack |", end="")
    print(" FastStream TestKafkaBroker publish→handler | ratio |")
    print("|---:|---:|---:|---:|---:|---:|")
    for partitions, consumers in SHAPES:
        runs = [core_rate(partitions, consumers) for _ in range(ROUNDS)]
        e2e = best([r[0] for r in runs])
        pub = best([r[1] for r in runs])
        if have_peer:
            peer = best([peer_rate(partitions, consumers) for _ in range(ROUNDS)])
            peer_cell = f"{peer[0]:,.0f} ({peer[1]:,.0f})"
            ratio = f"{e2e[0] / peer[0]:.0f}× ({e2e[1] / peer[1]:.0f}×)"
        else:
            peer_cell, ratio = "not installed", "n/a"
        print(
            f"| {partitions} | {consumers} | {pub[0]:,.0f} ({pub[1]:,.0f})"
            f" | {e2e[0]:,.0f} ({e2e[1]:,.0f}) | {peer_cell} | {ratio} |"
        )
    total, overhead = memory_per_record()
    print()
    print(
        f"Memory per retained record (100-byte value, str key, 4 partitions): "
        f"{total:,.0f} B, of which {overhead:,.0f} B broker overhead (tracemalloc)."
    )


if __name__ == "__main__":
    main()
