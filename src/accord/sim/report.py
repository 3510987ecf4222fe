"""What a run reports: broker metrics in run time, SLO checks, text and JSON.

On the embedded broker the JSON holds virtual-time figures only, so the same seed gives
the same bytes; wall-clock figures go in the text output. A run on a real engine reports
real time (``elapsed_ms``), the engine's URL, and the invariants it could not check there.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from accord.sim.engine import Outcome, Violation
from accord.sim.faults import Fault


def percentile(histogram: dict[int, int], percent: int) -> int:
    total = sum(histogram.values())
    if not total:
        return 0
    rank = max(1, -(-total * percent // 100))
    seen = 0
    for value, count in sorted(histogram.items()):
        seen += count
        if seen >= rank:
            return value
    return max(histogram)


def metrics_of(outcome: Outcome) -> dict[str, Any]:
    """Throughput, latency percentiles, lag, redeliveries and DLQ, all in run time."""
    m = outcome.final if outcome.final is not None else outcome.broker.metrics()
    histogram: Counter[int] = Counter()
    topics: dict[str, Any] = {}
    dead: Counter[str] = Counter()
    redelivered = 0
    for name, t in sorted(m.topics.items()):
        if name.endswith(".dlq"):
            continue
        dead.update(t.dead_lettered)
        redelivered += t.redelivered
        topics[name] = {"published": t.published, "delivered": t.delivered,
                        "redelivered": t.redelivered, "acked": t.consumed,
                        "dead_lettered": dict(sorted(t.dead_lettered.items()))}
    # The simulator's own notes, on every engine: from when the producer made a record.
    for bucket in outcome.latency_series.values():
        histogram.update(bucket)
    hist = dict(histogram)
    seconds = max(m.now, 1) / 1000
    published = outcome.published
    clock: dict[str, Any] = {"virtual_ms": m.now} if outcome.engine == "embedded" else {
        "broker": outcome.engine, "elapsed_ms": m.now}
    events = len(outcome.events) if outcome.sent is None else outcome.sent
    return {
        "events": events,
        "published": published,
        "follow_ups": outcome.follow_ups,
        **clock,
        "throughput_per_s": round(events / seconds, 1),
        "latency_ms": {"p50": percentile(hist, 50), "p95": percentile(hist, 95),
                       "p99": percentile(hist, 99), "max": max(hist, default=0)},
        "max_lag": dict(sorted(outcome.max_lag.items())),
        "redelivered": redelivered,
        "dead_lettered": dict(sorted(dead.items())),
        "dlq_rate": round(sum(dead.values()) / published, 6) if published else 0.0,
        "faults": dict(sorted((outcome.fault_counts or Counter(
            f.kind for f in outcome.injected)).items())),
        "topics": topics,
    }


def check_slo(slo: dict[str, float], metrics: dict[str, Any]) -> list[Violation]:
    found = []
    p99 = metrics["latency_ms"]["p99"]
    if "p99_latency" in slo and p99 > slo["p99_latency"]:
        found.append(Violation("slo:p99_latency", f"p99 latency {p99} ms > "
                               f"{int(slo['p99_latency'])} ms"))
    if "max_lag" in slo:
        for group, lag in metrics["max_lag"].items():
            if lag > slo["max_lag"]:
                found.append(Violation("slo:max_lag", f"{group} lag reached {lag} > "
                                       f"{int(slo['max_lag'])}", None, group))
    if "dlq_rate" in slo and metrics["dlq_rate"] > slo["dlq_rate"]:
        found.append(Violation("slo:dlq_rate", f"DLQ rate {metrics['dlq_rate']} > "
                               f"{slo['dlq_rate']}"))
    return found


@dataclass
class Report:
    """``ok`` when every invariant and SLO holds; ``repro`` names the reproducer file."""

    seed: int
    scenario: str
    violations: list[Violation]
    metrics: dict[str, Any]
    faults: list[Fault] = field(default_factory=list)
    repro: str | None = None
    shrunk: tuple[int, int] | None = None  # (events, faults) in the reproducer
    series: dict[str, Any] = field(default_factory=dict, repr=False)  # for --html only
    unchecked: dict[str, str] = field(default_factory=dict)  # invariant -> why not here
    error: str | None = None  # a real engine failed mid-run: the figures are partial
    warnings: list[Violation] = field(default_factory=list)  # lowered with `warn:`
    checked: tuple[str, ...] = ()  # the invariants this run checked
    run_cpu: float = field(default=0.0, repr=False)
    """CPU seconds of the run itself (the engine's loop), text only."""
    costs: dict[str, float] = field(default_factory=dict, repr=False)
    """CPU seconds of the invariants that run the scenario's events again (a second run for
    ``idempotent``, the replay of ``replay-equals-live``); text only, not in the JSON."""

    @property
    def ok(self) -> bool:
        return not self.violations and self.error is None

    @property
    def exit_code(self) -> int:
        """0 ok, 1 a violation, 2 the run could not finish (a dropped engine link)."""
        return 2 if self.error is not None else 0 if self.ok else 1

    def to_json(self) -> dict[str, Any]:
        out = {"scenario": self.scenario, "seed": self.seed, "ok": self.ok,
               "violations": [v.to_json() for v in self.violations],
               "metrics": self.metrics, "repro": self.repro,
               "shrunk": None if self.shrunk is None else
               {"events": self.shrunk[0], "faults": self.shrunk[1]}}
        if "broker" in self.metrics:  # a real engine's run; embedded output is unchanged
            out.update(unchecked=self.unchecked, error=self.error)
        if self.warnings:
            out["warnings"] = [v.to_json() for v in self.warnings]
        return out

    def json_text(self) -> str:
        return json.dumps(self.to_json(), indent=2, sort_keys=True)

    def text(self, wall_s: float | None = None, cpu_s: float | None = None) -> str:
        m = self.metrics
        lat = m["latency_ms"]
        clock = f"{m['virtual_ms'] / 1000:.1f} s virtual" if "virtual_ms" in m else \
            f"{m['elapsed_ms'] / 1000:.1f} s real time on {m['broker']}"
        lines = [
            f"scenario {self.scenario} (seed {self.seed}): {m['events']} events, "
            f"{m['published']} records ({m['follow_ups']} follow-ups), {clock}",
            f"  latency p50 {lat['p50']} ms, p95 {lat['p95']} ms, p99 {lat['p99']} ms, "
            f"max {lat['max']} ms",
            "  max lag " + (", ".join(f"{g} {n}" for g, n in m["max_lag"].items()) or "-"),
            f"  redelivered {m['redelivered']}, dead-lettered "
            + (", ".join(f"{n} {r}" for r, n in m["dead_lettered"].items()) or "0")
            + f" (rate {m['dlq_rate']})",
            "  faults " + (", ".join(f"{n} {k}" for k, n in m["faults"].items()) or "none"),
        ]
        if wall_s is not None and cpu_s is not None:
            rate = m["events"] / wall_s if wall_s else 0.0
            lines.append(f"  wall {wall_s:.2f} s, CPU {cpu_s:.2f} s ({rate:,.0f} events/s wall)")
            spent = {k: v for k, v in self.costs.items() if v > 0}
            if self.run_cpu > 0:
                run = self.run_cpu
                other = max(cpu_s - run - sum(spent.values()), 0.0)
                lines.append(f"  CPU of the run {run:.2f} s ({m['events'] / run:,.0f} events/s, "
                             f"{m['published'] / run:,.0f} records/s); "
                             + "".join(f"{k} {v:.2f} s, " for k, v in sorted(spent.items()))
                             + f"the rest (set-up, shrinking, report) {other:.2f} s")
        for name, why in self.unchecked.items():
            lines.append(f"  not checked here: {name} ({why})")
        if self.error is not None:
            lines.append(f"STOPPED: {self.error}; the figures above are what was measured "
                         "before it")
        elif self.ok:
            lines.append("ok: every invariant and SLO holds" + (
                " that this engine supports" if self.unchecked else "") + (
                f" (checked: {', '.join(i for i in self.checked if i not in self.unchecked)})"
                if self.checked else ""))
        for v in self.warnings:
            lines.append(f"  warning (lowered with warn:): {v.invariant}: {v.message}")
        if self.violations:
            lines.append(f"FAILED: {len(self.violations)} violation(s)")
            for v in self.violations:
                where = " ".join(x for x in (v.group and f"[{v.group}]",
                                             v.event and f"event {v.event}") if x)
                lines.append(f"  {v.invariant}: {v.message}" + (f" ({where})" if where else ""))
                if v.detail:
                    lines.extend("      " + line for line in v.detail.splitlines()[-12:])
            if self.repro:
                assert self.shrunk is not None
                lines.append(f"reproducer: {self.repro} ({self.shrunk[0]} events, "
                             f"{self.shrunk[1]} faults); run `accord sim replay {self.repro}`")
            elif "broker" in m:
                lines.append("no reproducer: shrinking re-runs the scenario hundreds of times, "
                             "so it runs on the embedded broker only (the same command "
                             "without --broker)")
        return "\n".join(lines)
