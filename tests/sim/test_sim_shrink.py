"""Delta debugging finds a 1-minimal failing subset."""

from __future__ import annotations

from pathlib import Path

import yaml

from accord.sim import Simulation, load_repro
from accord.sim.shrink import ddmin
from tests.sim.sim_support import REPO, registry, scenario


def test_ddmin_keeps_only_the_culprits() -> None:
    calls = []

    def fails(items: list[int]) -> bool:
        calls.append(len(items))
        return 3 in items and 17 in items

    assert ddmin(list(range(40)), fails) == [3, 17]
    assert len(calls) < 200


def test_ddmin_of_a_single_culprit() -> None:
    assert ddmin(list(range(10)), lambda items: 9 in items) == [9]


def test_an_slo_breach_is_shrunk_to_a_reproducer_too(tmp_path: Path) -> None:
    """No invariant breaks; late acks break the p99 SLO: the reproducer is one event and
    the one late ack, and replaying it breaks the same SLO."""
    repro = tmp_path / "slo.repro.yaml"
    spec = scenario({"service": "analytics", "group": "a", "model": "recorder"}, events=200,
                    faults={"delay": {"p": 0.05, "max": "900ms"}},
                    invariants=["no-loss"], slo={"p99_latency": "400ms"})
    report = Simulation(spec, registry=registry(), base=REPO).run(shrink_to=repro)
    assert [v.invariant for v in report.violations] == ["slo:p99_latency"]
    assert report.shrunk is not None
    events, faults = report.shrunk
    assert events == 1 and faults == 1
    data = yaml.safe_load(repro.read_text())
    assert data["faults"][0]["kind"] == "delay" and data["faults"][0]["ms"] > 400
    again = load_repro(repro, registry(), REPO).run()
    assert [v.invariant for v in again.violations] == ["slo:p99_latency"]


def test_a_dlq_rate_breach_shrinks_to_one_poison_event(tmp_path: Path) -> None:
    repro = tmp_path / "dlq.repro.yaml"
    spec = scenario({"service": "analytics", "group": "a", "model": "recorder"}, events=200,
                    producer={"service": "order-service", "event": "orders.OrderPlaced",
                              "rate": "100/s", "keys": 10, "invalid": 0.05},
                    invariants=["no-loss", "invalid-dead-lettered"], slo={"dlq_rate": 0.01})
    report = Simulation(spec, registry=registry(), base=REPO).run(shrink_to=repro)
    assert [v.invariant for v in report.violations] == ["slo:dlq_rate"]
    assert report.shrunk == (1, 0)
    assert yaml.safe_load(repro.read_text())["events"][0]["valid"] is False
