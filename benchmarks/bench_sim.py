"""The simulator: events/s of a 100,000-event scenario, and the time to shrink a failure.

    .venv/bin/python benchmarks/bench_sim.py      (or: benchmarks/run.py --only sim)

1. `benchmarks/sim_100k.yaml`: 100,000 producer events (OrderPlaced v1/v2 with 1% poison,
   PaymentAuthorized), every one validated with the compiled validators, faults on
   (duplicates, crashes, late acks), three consumer groups, follow-up OrderPaid events
   published and validated. The whole run is timed: generation, the loop, invariants.
   Target: 20,000 events/s.
2. The non-idempotent handler of the tests (`examples.sim_handlers.broken:revenue_total`,
   200 events, duplicates at 5%): the time to find, shrink and write the reproducer.

CPU time (process_time) is reported next to wall time: the machine is shared.
ACCORD_SIM_EVENTS overrides the event count of the first (for a quick look).
"""

from __future__ import annotations

import gc
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TARGET = 20_000.0
T = TypeVar("T")


def _timed(fn: Callable[[], T]) -> tuple[T, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    sys.path.insert(0, str(REPO / "src"))
    from accord.registry import load_registry
    from accord.sim import Simulation

    registry = load_registry(str(REPO / "contracts"))
    # As `accord` itself runs (cli.main): fewer full collections over long-lived objects.
    gc.set_threshold(100_000, 50, 1_000)
    events = int(os.environ.get("ACCORD_SIM_EVENTS", "100000"))
    print(f"python {platform.python_version()} on {platform.machine()}")

    sim = Simulation(HERE / "sim_100k.yaml", events=events, registry=registry, base=REPO)
    report, wall, cpu = _timed(sim.run)
    m = report.metrics
    print(f"scenario: {m['events']:,} events, {m['published']:,} records "
          f"({m['follow_ups']:,} follow-ups), faults {m['faults']}, "
          f"ok={report.ok}")
    print(f"  wall {wall:.2f} s -> {events / wall:,.0f} events/s; "
          f"CPU {cpu:.2f} s -> {events / cpu:,.0f} events/s (target {TARGET:,.0f})")

    scenario = {
        "seed": 3, "events": 200,
        "topics": {"orders": {"partitions": 2}},
        "producers": [{"service": "order-service", "event": "orders.OrderPlaced",
                       "rate": "100/s", "keys": 10}],
        "consumers": [{"service": "analytics", "group": "revenue",
                       "handler": "examples.sim_handlers.broken:revenue_total"}],
        "faults": {"duplicate": 0.05},
        "invariants": ["idempotent", "no-loss"],
    }
    with tempfile.TemporaryDirectory() as folder:
        repro = Path(folder) / "revenue.repro.yaml"
        shrinking = Simulation(scenario, registry=registry, base=REPO)
        report, wall, cpu = _timed(lambda: shrinking.run(shrink_to=repro))
    kept = report.shrunk or (0, 0)
    print(f"shrink (non-idempotent, 200 events): {kept[0]} event(s) and {kept[1]} fault(s) "
          f"kept; wall {wall:.2f} s, CPU {cpu:.2f} s")


if __name__ == "__main__":
    main()
