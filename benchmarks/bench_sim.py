"""The simulator: the tour's own scenario at 10x and 100x its size, and the time to shrink.

    .venv/bin/python benchmarks/bench_sim.py      (or: benchmarks/run.py --only sim)

1. `scenarios/shop.yaml` (the tour's scenario: its handlers, the CQRS projection, CDC, an
   order lifecycle flow, duplicates, crashes, late acks, producer retries, slow
   consumers, every invariant including idempotent and replay-equals-live) through
   `accord sim run --events N`, each size in a fresh process, at 10,000, 100,000 and
   1,000,000 events (ACCORD_SIM_SIZES=10000,100000 for fewer). Measured per size: the
   process's CPU and peak memory (wait4), the run's own CPU as the report prints it, and
   the CPU of the invariants that go over the events again. The baseline is the smallest
   size of the same run: the rate should hold as the run grows (issue 17: within 20%).
   Target: 20,000 events/s.
2. The non-idempotent handler of the tests (`examples.sim_handlers.broken:revenue_total`,
   200 events, duplicates at 5%): the time to find, shrink and write the reproducer.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
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


_RUN = re.compile(r"CPU of the run ([\d.]+) s \(([\d,]+) events/s\)")
_SPENT = re.compile(r"(idempotent|replay-equals-live) ([\d.]+) s")


def shop(events: int) -> dict[str, float]:
    """One `accord sim run scenarios/shop.yaml --events N` in its own process."""
    with subprocess.Popen([sys.executable, "-m", "accord", "sim", "run",
                           "scenarios/shop.yaml", "--events", str(events)],
                          cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True) as child:
        out = child.stdout.read() if child.stdout else ""
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    found = _RUN.search(out)
    if child.returncode != 0 or found is None:
        raise SystemExit(f"shop.yaml at {events:,} events failed:\n{out[-3000:]}")
    spent = {name: float(v) for name, v in _SPENT.findall(out)}
    return {"cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024,
            "run_cpu": float(found.group(1)), "rate": events / float(found.group(1)),
            "idempotent": spent.get("idempotent", 0.0),
            "replay": spent.get("replay-equals-live", 0.0)}


def main() -> None:
    sys.path.insert(0, str(REPO / "src"))
    from accord.registry import load_registry
    from accord.sim import Simulation

    registry = load_registry(str(REPO / "contracts"))
    sizes = [int(n) for n in os.environ.get("ACCORD_SIM_SIZES",
                                            "10000,100000,1000000").split(",")]
    print(f"python {platform.python_version()} on {platform.machine()}")
    print("| events | process CPU | peak memory | run CPU | events/s (run CPU) | vs smallest "
          "| idempotent CPU | replay CPU |")
    print("|---|---|---|---|---|---|---|---|")
    first = None
    for n in sizes:
        r = shop(n)
        first = first or r["rate"]
        print(f"| {n:,} | {r['cpu']:.1f} s | {r['rss_mb']:.0f} MB | {r['run_cpu']:.1f} s | "
              f"{r['rate']:,.0f} | {r['rate'] / first:.2f}x | {r['idempotent']:.1f} s | "
              f"{r['replay']:.1f} s |", flush=True)
    print(f"target: {TARGET:,.0f} events/s of run CPU at every size, within 20% of each other")

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
