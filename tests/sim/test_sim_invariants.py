"""Each invariant catches what it names, and user invariants plug in by import path."""

from __future__ import annotations

from accord.sim import Simulation
from tests.sim.sim_support import REPO, registry, scenario


def _invariants(consumer: dict[str, object], **extra: object) -> set[str]:
    report = Simulation(scenario(consumer, events=60, **extra), registry=registry(),
                        base=REPO).run()
    return {v.invariant for v in report.violations}


def test_retry_after_later_events_breaks_per_key_order() -> None:
    found = _invariants({"service": "analytics", "group": "analytics",
                         "handler": "tests.sim.sim_support:fails_first_attempt"})
    assert {"per-key-order", "valid-accepted"} <= found
    assert "no-loss" not in found


def test_invalid_follow_up_breaks_contract_valid_outputs() -> None:
    found = _invariants({"service": "analytics", "group": "analytics",
                         "handler": "tests.sim.sim_support:publishes_bad_output"})
    assert found == {"contract-valid-outputs"}


def test_counting_deliveries_breaks_replay_equals_live() -> None:
    found = _invariants({"service": "analytics", "group": "analytics", "event_sourced": True,
                         "handler": "tests.sim.sim_support:counts_deliveries"},
                        faults={"crash": 0.2}, invariants=["replay-equals-live", "no-loss"])
    assert found == {"replay-equals-live"}


def test_user_invariant_by_import_path() -> None:
    found = _invariants({"service": "analytics", "group": "analytics", "model": "recorder"},
                        invariants=["no-loss", "tests.sim.sim_support:at_most_ten_rows"])
    assert found == {"tests.sim.sim_support:at_most_ten_rows"}


def test_duration_and_shared_mode() -> None:
    spec = scenario({"service": "analytics", "group": "analytics", "model": "recorder",
                     "mode": "shared", "instances": 3}, duration="2s")
    del spec["events"]
    report = Simulation(spec, registry=registry(), base=REPO).run()
    assert report.ok, report.violations
    assert report.metrics["events"] == 200  # 100/s for 2 s of virtual time
