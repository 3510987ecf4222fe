"""Broken handlers are caught by the invariant that names their bug."""

from __future__ import annotations

from pathlib import Path

from accord.cli import main
from accord.sim import Simulation, load_repro
from tests.sim.sim_support import REPO, registry, scenario

REVENUE = {"service": "analytics", "group": "revenue",
           "handler": "examples.sim_handlers.broken:revenue_total"}


def test_non_idempotent_handler_is_caught_shrunk_and_replayed(tmp_path: Path, at_repo: Path,
                                                              capsys: object) -> None:
    repro = tmp_path / "revenue.repro.yaml"
    sim = Simulation(scenario(REVENUE, events=200, faults={"duplicate": 0.05},
                              invariants=["idempotent", "no-loss"]),
                     registry=registry(), base=REPO)
    report = sim.run(shrink_to=repro)
    assert not report.ok
    assert {v.invariant for v in report.violations} == {"idempotent"}
    assert report.shrunk is not None
    events, faults = report.shrunk
    assert events <= 3 and faults == 1
    text = repro.read_text()
    for key in ("seed:", "scenario:", "events:", "faults:"):
        assert f"\n{key}" in "\n" + text
    again = load_repro(repro, registry(), REPO).run()
    assert [v.invariant for v in again.violations] == ["idempotent"]
    assert main(["sim", "replay", str(repro)]) == 1
    assert "idempotent" in capsys.readouterr().out  # type: ignore[attr-defined]


def test_cli_writes_the_reproducer(tmp_path: Path, at_repo: Path, capsys: object) -> None:
    file = tmp_path / "revenue.yaml"
    import yaml

    file.write_text(yaml.safe_dump(scenario(REVENUE, events=120, faults={"duplicate": 0.05},
                                            invariants=["idempotent"])))
    repro = tmp_path / "out.yaml"
    assert main(["sim", "run", str(file), "--repro", str(repro)]) == 1
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "idempotent" in out and f"reproducer: {repro}" in out
    assert main(["sim", "replay", str(repro), "--format", "json"]) == 1


def test_handler_crashing_on_one_enum_value_is_caught() -> None:
    report = Simulation(scenario(
        {"service": "fraud-service", "group": "fraud",
         "handler": "examples.sim_handlers.broken:crashes_on_gift_card"},
        producer={"service": "payment-service", "event": "payments.PaymentAuthorized",
                  "rate": "50/s", "keys": 10}), registry=registry(), base=REPO).run()
    accepted = [v for v in report.violations if v.invariant == "valid-accepted"]
    assert accepted and all("gift cards are not supported" in v.message for v in accepted)
    # After max_deliveries the broker gives up on them: they end in the DLQ, not lost.
    assert report.metrics["dead_lettered"]["max-deliveries"] >= 1
    assert "no-loss" not in {v.invariant for v in report.violations}


def test_poison_events_are_dead_lettered_with_reasons() -> None:
    sim = Simulation(scenario(
        {"service": "analytics", "group": "analytics", "model": "recorder"},
        producer={"service": "order-service", "event": "orders.OrderPlaced", "rate": "100/s",
                  "keys": 10, "invalid": 0.2}), registry=registry(), base=REPO)
    events = sim.events()
    poison = [e for e in events if not e.valid]
    assert len(poison) > 10
    report = sim.run()
    assert report.ok, report.violations
    assert report.metrics["dead_lettered"] == {"rejected": len(poison)}


def test_poison_reasons_name_the_schema_error() -> None:
    from accord.sim.engine import Engine
    from accord.sim.faults import Faults

    sim = Simulation(scenario(
        {"service": "analytics", "group": "analytics", "model": "recorder"}, events=60,
        producer={"service": "order-service", "event": "orders.OrderPlaced", "rate": "100/s",
                  "keys": 10, "invalid": 0.3}), registry=registry(), base=REPO)
    s = sim.scenario
    outcome = Engine(s, sim.events(), Faults(s.faults, s.seed), sim.validators).run()
    dead = outcome.broker.dead_letters("orders")
    assert dead and all(d.reason == "rejected" for d in dead)
    assert all(d.last_error.startswith("schema: ") for d in dead)


def test_reading_a_v2_only_field_is_caught_when_versions_mix() -> None:
    consumer = {"service": "analytics", "group": "channels",
                "handler": "examples.sim_handlers.broken:reads_v2_field"}
    mixed = {"service": "order-service", "event": "orders.OrderPlaced", "rate": "100/s",
             "keys": 10, "versions": {"1": 0.5, "2": 0.5}}
    report = Simulation(scenario(consumer, events=80, producer=mixed), registry=registry(),
                        base=REPO).run()
    found = [v for v in report.violations if v.invariant == "valid-accepted"]
    assert any("KeyError: 'sales_channel'" in v.message and " v1 " in v.message
               for v in found)



def test_version_weights_from_python_take_int_keys() -> None:
    """A dict written in Python says {1: 0.2, 2: 0.8}, as the YAML looks; same run."""
    consumer = {"service": "analytics", "group": "a", "model": "recorder"}
    runs = [Simulation(scenario(consumer, events=40, producer={
        "service": "order-service", "event": "orders.OrderPlaced", "rate": "100/s",
        "keys": 5, "versions": mix}), registry=registry(), base=REPO).run().json_text()
        for mix in ({1: 0.2, 2: 0.8}, {"1": 0.2, "2": 0.8})]
    assert runs[0] == runs[1]


def test_a_duplicated_follow_up_reaches_the_next_service() -> None:
    """The order service's publish of OrderPaid is retried (a duplicate follow-up): a
    downstream handler that counts deliveries is caught, and the shrunk fault is that
    follow-up's duplicate, not a producer's."""
    spec = {
        "seed": 5, "events": 60,
        "topics": {"orders": {"partitions": 2}, "payments": {"partitions": 2}},
        "producers": [{"service": "payment-service", "event": "payments.PaymentAuthorized",
                       "rate": "100/s", "keys": 10}],
        "consumers": [
            {"service": "order-service", "group": "order-service",
             "handler": "examples.sim_handlers.shop:order_service",
             "events": ["payments.PaymentAuthorized"]},
            {"service": "email-service", "group": "email", "events": ["orders.OrderPaid"],
             "handler": "tests.sim.sim_support:counts_deliveries"},
        ],
        "faults": {"duplicate": 0.1},
        "invariants": ["idempotent", "no-loss"],
    }
    sim = Simulation(spec, registry=registry(), base=REPO)
    report = sim.run()
    assert [(v.invariant, v.group) for v in report.violations] == [("idempotent", "email")]
    follow_ups = [f for f in report.faults if f.kind == "duplicate" and ">" in f.event]
    assert follow_ups and all(f.event.count(">order-service.") == 1 for f in follow_ups)
    events, faults = sim.shrink(sim.events(), report.faults, "idempotent")
    assert len(events) == 1 and [f.kind for f in faults] == ["duplicate"]
    assert ">order-service." in faults[0].event
