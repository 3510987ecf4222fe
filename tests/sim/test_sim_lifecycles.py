"""Entity lifecycles (issue 17): a producer `flow` walks each entity (one fresh key)
through its steps; `causal-order` and `terminal-last` check what each group saw."""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise
from pathlib import Path

import pytest
import yaml

from accord.sim.scenario import ScenarioError
from accord.sim.simulation import Simulation, load_repro
from tests.sim.sim_support import ORDER_FLOW, REPO, flow_scenario, registry

STATUS_HANDLER = {"service": "email-service", "group": "email",
                  "handler": "tests.sim.sim_support:order_status"}


def _lifecycles(sim: Simulation) -> dict[str, list[tuple[int, str]]]:
    by_key: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for e in sim.events():
        assert e.key is not None and e.flow == 0
        by_key[e.key].append((e.at, e.event))
    return by_key


def test_each_entity_walks_the_flow_in_time_order() -> None:
    sim = Simulation(flow_scenario(STATUS_HANDLER), registry=registry(), base=REPO)
    lifecycles = _lifecycles(sim)
    assert len(lifecycles) > 50
    steps = ORDER_FLOW["steps"]
    ended = 0
    for key, seen in lifecycles.items():
        times = [at for at, _ in seen]
        assert times == sorted(times), key
        names = [name for _, name in seen]
        assert names[0] == ORDER_FLOW["start"]
        for before, after in pairwise(names):
            assert after in steps[before]["next"], (key, names)
        if not steps[names[-1]].get("next"):
            ended += 1
    assert ended > 20  # many entities ran to a terminal step
    # Both branches are taken: placed → paid and placed → cancelled.
    second = {names[1] for names in ([n for _, n in s] for s in lifecycles.values())
              if len(names) > 1}
    assert second == {"orders.OrderPaid", "orders.OrderCancelled"}


def test_without_faults_every_group_sees_lifecycles_in_order() -> None:
    report = Simulation(flow_scenario(STATUS_HANDLER), registry=registry(), base=REPO).run()
    assert report.ok, report.text()
    assert {"causal-order", "terminal-last"} <= set(report.checked)


def test_out_of_order_steps_break_causal_order_and_shrink(tmp_path: Path) -> None:
    repro = tmp_path / "repro.yaml"
    sim = Simulation(flow_scenario(STATUS_HANDLER, faults={"out_of_order": 0.1}),
                     registry=registry(), base=REPO)
    report = sim.run(shrink_to=repro)
    assert not report.ok
    assert report.metrics["faults"]["out-of-order"] > 0
    assert {v.invariant for v in report.violations} >= {"causal-order"}
    assert report.shrunk is not None and report.shrunk[0] <= 3
    data = yaml.safe_load(repro.read_text())
    assert data["violation"]["invariant"] in {"causal-order", "terminal-last"}
    assert all("step" in e and "flow" in e for e in data["events"])
    replayed = load_repro(repro, registry(), REPO).run()
    assert data["violation"]["invariant"] in {v.invariant for v in replayed.violations}


def test_missing_steps_are_counted_and_lifecycles_go_on() -> None:
    sim = Simulation(flow_scenario(STATUS_HANDLER, faults={"missing_step": 0.1}),
                     registry=registry(), base=REPO)
    report = sim.run()
    assert report.ok, report.text()
    assert report.metrics["faults"]["missing-step"] > 0
    skipped = [names for names in ([n for _, n in s] for s in _lifecycles(sim).values())
               if len(names) > 1 and names[1] == "orders.OrderShipped"]
    assert skipped  # placed, then shipped: the paid step went missing, the flow went on


def test_without_flows_the_lifecycle_invariants_say_why_they_are_not_checked() -> None:
    from tests.sim.sim_support import scenario

    spec = scenario({"service": "analytics", "group": "a", "model": "recorder"},
                    invariants=["no-loss", "causal-order"])
    report = Simulation(spec, registry=registry(), base=REPO).run()
    assert report.ok
    assert report.unchecked == {"causal-order": "the scenario has no flows (entity lifecycles)"}


@pytest.mark.parametrize(("edit", "message"), [
    (lambda f: f["steps"].pop("orders.OrderDelivered"), "next step 'orders.OrderDelivered'"),
    (lambda f: f.update(start="orders.Nope"), "start 'orders.Nope' is not one of"),
    (lambda f: f["steps"]["orders.OrderShipped"].update(next={"orders.OrderPaid": 1}),
     "step 'orders.OrderDelivered' cannot be reached"),
    (lambda f: f["steps"]["orders.OrderPaid"].update(service="payment-service"),
     "'payment-service' does not produce orders.OrderPaid"),
    (lambda f: f["steps"]["orders.OrderPaid"].update(after="2s..1s"), "ends before it starts"),
])
def test_bad_flows_are_located_errors(edit: object, message: str) -> None:
    import copy

    flow = copy.deepcopy(ORDER_FLOW)
    edit(flow)  # type: ignore[operator]
    spec = flow_scenario(STATUS_HANDLER)
    spec["producers"][0]["flow"] = flow
    with pytest.raises(ScenarioError) as raised:
        Simulation(spec, registry=registry(), base=REPO)
    assert message in str(raised.value)


def test_a_shared_key_pool_makes_two_producers_meet_on_keys() -> None:
    spec = {"seed": 1, "events": 200, "keys": {"payments": 15},
            "producers": [
                {"service": "payment-service", "event": "payments.PaymentAuthorized",
                 "keys": "payments"},
                {"service": "payment-service", "event": "payments.RefundIssued",
                 "keys": "payments"}],
            "consumers": [{"service": "analytics", "group": "a", "model": "projection"}]}
    events = Simulation(spec, registry=registry(), base=REPO).events()
    by_event: dict[str, set[str | None]] = defaultdict(set)
    for e in events:
        by_event[e.event].add(e.key)
    shared = by_event["payments.PaymentAuthorized"] & by_event["payments.RefundIssued"]
    assert len(shared) >= 10 and len(by_event["payments.PaymentAuthorized"]) <= 15
