"""The Python API and the example scenario."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.cli import main
from accord.sim import Simulation
from tests.sim.sim_support import REPO, registry, scenario


def test_example_scenario_passes(at_repo: Path, capsys: object) -> None:
    assert main(["sim", "run", "scenarios/shop.yaml", "--events", "400"]) == 0


def test_python_api_reports_metrics() -> None:
    report = Simulation(scenario({"service": "analytics", "group": "analytics",
                                  "model": "projection"},
                                 invariants=["no-loss", "replay-equals-live", "idempotent"],
                                 faults={"duplicate": 0.1, "crash": 0.02}),
                        registry=registry(), base=REPO).run()
    assert report.ok, report.violations
    assert report.metrics["events"] == 150
    assert report.metrics["faults"]["duplicate"] > 0
    assert report.metrics["latency_ms"]["p99"] >= report.metrics["latency_ms"]["p50"]


def test_same_seed_gives_byte_identical_json(at_repo: Path, capsys: object) -> None:
    outputs = []
    for _ in range(2):
        code = main(["sim", "run", "scenarios/shop.yaml", "--events", "300", "--seed", "11",
                     "--format", "json"])
        assert code == 0
        outputs.append(capsys.readouterr().out)  # type: ignore[attr-defined]
    assert outputs[0] == outputs[1]
    assert '"ok": true' in outputs[0]
    other = main(["sim", "run", "scenarios/shop.yaml", "--events", "300", "--seed", "12",
                  "--format", "json"])
    assert other == 0
    assert capsys.readouterr().out != outputs[0]  # type: ignore[attr-defined]


def test_slo_breach_fails_the_run() -> None:
    report = Simulation(scenario({"service": "analytics", "group": "analytics",
                                  "model": "recorder"},
                                 faults={"delay": {"p": 0.5, "max": "2s"}},
                                 slo={"p99_latency": "100ms"}),
                        registry=registry(), base=REPO).run()
    assert [v.invariant for v in report.violations] == ["slo:p99_latency"]


def test_html_report_plots_latency_and_lag(tmp_path: Path, at_repo: Path) -> None:
    page = tmp_path / "report.html"
    assert main(["sim", "run", "scenarios/shop.yaml", "--events", "300", "--html",
                 str(page), "--format", "json"]) == 0
    text = page.read_text()
    assert text.count("<svg") == 2 and "Lag per consumer group" in text
    assert "analytics-orders" in text


def test_handler_can_take_generated_classes() -> None:
    consumer = {"service": "analytics", "group": "analytics", "payload": "class",
                "handler": "tests.sim.sim_support:takes_classes"}
    mixed = {"service": "order-service", "event": "orders.OrderPlaced", "rate": "100/s",
             "keys": 5, "versions": {"1": 0.5, "2": 0.5}}
    sim = Simulation(scenario(consumer, events=40, producer=mixed,
                              invariants=["no-loss", "valid-accepted", "replay-equals-live"]),
                     registry=registry(), base=REPO)
    report = sim.run()
    assert report.ok, report.violations
    from accord.sim.engine import Engine
    from accord.sim.faults import Faults

    s = sim.scenario
    outcome = Engine(s, sim.events(), Faults(s.faults, s.seed), sim.validators).run()
    names = set(outcome.states["analytics"].snapshot().values())
    assert names == {"OrderPlacedV1", "OrderPlacedV2"}


def test_json_report_is_identical_across_processes() -> None:
    import os
    import subprocess
    import sys

    outputs = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run([sys.executable, "-m", "accord", "sim", "run",
                               "scenarios/shop.yaml", "--events", "200", "--format", "json"],
                              cwd=REPO, env=env, capture_output=True, check=True)
        outputs.add(done.stdout)
    assert len(outputs) == 1


def test_a_live_report_says_why_it_has_no_reproducer() -> None:
    """The text of a run on an engine: real time, what was not checked, no shrinking."""
    from accord.sim.engine import Violation
    from accord.sim.report import Report

    metrics = {"events": 3, "published": 3, "follow_ups": 0, "broker": "nats://h:1",
               "elapsed_ms": 2500, "throughput_per_s": 1.2,
               "latency_ms": {"p50": 1, "p95": 2, "p99": 3, "max": 4}, "max_lag": {},
               "redelivered": 0, "dead_lettered": {}, "dlq_rate": 0.0, "faults": {},
               "topics": {}}
    report = Report(1, "s.yaml", [Violation("no-loss", "1 event(s) lost", "e1", "g")],
                    metrics, unchecked={"per-key-order": "no key partitions"})
    text = report.text()
    assert "2.5 s real time on nats://h:1" in text
    assert "not checked here: per-key-order (no key partitions)" in text
    assert "FAILED: 1 violation(s)" in text and "no reproducer: shrinking" in text
    assert report.exit_code == 1 and report.to_json()["unchecked"] == {
        "per-key-order": "no key partitions"}
    stopped = Report(1, "s.yaml", [], metrics, error="connection lost")
    assert stopped.exit_code == 2 and not stopped.ok
    assert "STOPPED: connection lost" in stopped.text()


def test_same_seed_gives_the_same_bytes_across_processes() -> None:
    """Two processes with different string-hash seeds: nothing may depend on set order."""
    import os
    import subprocess
    import sys

    outputs = []
    for hash_seed in ("1", "2"):
        result = subprocess.run(
            [sys.executable, "-m", "accord", "sim", "run", "scenarios/shop.yaml",
             "--events", "2000", "--format", "json"], cwd=REPO, capture_output=True,
            text=True, timeout=600, env={**os.environ, "PYTHONHASHSEED": hash_seed})
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]


def test_a_run_keeps_summaries_unless_asked_to_keep_the_log() -> None:
    from accord.sim.engine import Engine
    from accord.sim.faults import Faults
    from accord.sim.generators import generate

    sim = Simulation(scenario({"service": "analytics", "group": "analytics",
                               "model": "projection"}, events=3000),
                     registry=registry(), base=REPO)
    s = sim.scenario
    lean = Engine(s, generate(s, sim.validators), Faults(s.faults, s.seed),
                  sim.validators).run()
    kept = Engine(s, generate(s, sim.validators), Faults(s.faults, s.seed), sim.validators,
                  keep_log=True).run()
    assert lean.published == kept.published == 3000
    assert len(kept.records) == 3000 and len(kept.events) == 3000
    assert len(lean.records) < 300 and lean.events == []  # what was still in flight
    assert lean.handled == kept.handled and not any(lean.pending.values())


def test_a_run_leaves_the_collector_as_it_found_it() -> None:
    """The engine freezes what exists before a run (its collections need not scan it) and
    thaws it after, also when the run ends in an exception; a process that froze objects
    of its own keeps them frozen, and a cycle made during the run is still collected."""
    import gc
    import weakref

    def run() -> None:
        Simulation(scenario({"service": "analytics", "group": "analytics",
                             "model": "projection"}), registry=registry(), base=REPO).run()

    assert gc.get_freeze_count() == 0
    run()
    assert gc.get_freeze_count() == 0

    class Node:
        pass

    cycle = Node()
    cycle.self = cycle  # type: ignore[attr-defined]
    gone = weakref.ref(cycle)
    del cycle
    gc.freeze()  # the process's own: the run must not thaw them
    try:
        frozen = gc.get_freeze_count()
        run()
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
    gc.collect()
    assert gone() is None  # thawed once ours were: collected as usual

    raising = Simulation(scenario({"service": "analytics", "group": "analytics",
                                   "handler": "tests.sim.sim_support:interrupting"}),
                         registry=registry(), base=REPO)
    with pytest.raises(KeyboardInterrupt):
        raising.run()
    assert gc.get_freeze_count() == 0
