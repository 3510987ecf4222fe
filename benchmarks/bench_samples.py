"""Samples per second from `Expectation.samples()`'s generator, over the example registry.

    .venv/bin/python benchmarks/bench_samples.py      (or: benchmarks/run.py --only samples)

For every version of every contract in `contracts/`, in one process:

- `stream`: `SampleStream.next_event()`: draw from the compiled schema, then validate with
  the schema's jsonschema validator (built once), as every sample is;
- `consumer`: what a consumer test pays per event: the above, the declared-field check,
  the recording wrapper, and the tolerant-reader variant (also wrapped).

Each is measured for ACCORD_BENCH_SECONDS (default 1.0) per event version after a warm-up
of 25 samples (which pays for compiling the schema and building the validator). CPU time
(process_time) is reported next to wall time because the machine is shared. The target is
2,000 events/s: 25 samples then cost 12.5 ms, well under a tenth of a second per test.
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TARGET = 2000.0


def _rate(step: Callable[[], object], seconds: float) -> tuple[float, float]:
    """(events per wall second, events per CPU second) of ``step`` over ``seconds``."""
    count = 0
    wall0, cpu0 = time.perf_counter(), time.process_time()
    while time.perf_counter() - wall0 < seconds:
        for _ in range(10):
            step()
        count += 10
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    return count / wall, count / max(cpu, 1e-9)


def main() -> None:
    sys.path.insert(0, str(REPO / "src"))
    from accord.registry import load_registry
    from accord.samples.stream import SampleStream, tolerant_variant
    from accord.testing.recording import Sample

    seconds = float(os.environ.get("ACCORD_BENCH_SECONDS", "1.0"))
    registry = load_registry(REPO / "contracts")
    print(f"python {platform.python_version()} on {platform.machine()}, "
          f"{seconds:.1f} s per measurement")
    print(f"{'event':<34}{'stream/s':>10}{'cpu/s':>10}{'consumer/s':>12}{'cpu/s':>10}")
    stream_rates, consumer_rates = [], []
    for contract in registry.contracts:
        for version in contract.versions:
            label = f"{contract.event} v{version.number}"
            stream = SampleStream(version.resolved, seed=0, examples=version.examples,
                                  label=label)
            stream.take(25)
            reads: set[str] = set()
            extra = random.Random(0)

            def consumer(stream: SampleStream = stream, reads: set[str] = reads,
                         extra: random.Random = extra) -> None:
                event = stream.next_event()
                Sample(event, reads, index=0, tolerant=False)
                Sample(tolerant_variant(event, extra), reads, index=0, tolerant=True)

            s_wall, s_cpu = _rate(stream.next_event, seconds)
            c_wall, c_cpu = _rate(consumer, seconds)
            stream_rates.append(s_cpu)
            consumer_rates.append(c_cpu)
            print(f"{label:<34}{s_wall:>10,.0f}{s_cpu:>10,.0f}{c_wall:>12,.0f}{c_cpu:>10,.0f}")
    for name, rates in (("stream", stream_rates), ("consumer", consumer_rates)):
        mean = len(rates) / sum(1 / r for r in rates)  # harmonic: events/s over a mixed run
        verdict = "meets" if min(rates) >= TARGET else "MISSES"
        print(f"{name}: {mean:,.0f} events/s (CPU, harmonic mean over {len(rates)} event "
              f"versions), slowest {min(rates):,.0f}, median {statistics.median(rates):,.0f}; "
              f"{verdict} the {TARGET:,.0f}/s target; 25 samples = {25000 / mean:.1f} ms")


if __name__ == "__main__":
    main()
