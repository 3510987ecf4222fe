"""`envelope: cloudevents` contracts in the simulator: iot-gateway's readings travel as
CloudEvents (structured or binary mode) and consumers unwrap them."""

from __future__ import annotations

from typing import Any

import pytest

from accord.interop import cloudevents as ce
from accord.sim import ScenarioError, Simulation
from accord.sim.envelopes import encode
from tests.sim.sim_support import REPO, registry

EVENT = "iot.SensorReadingRecorded"
HERE = "tests.sim.test_sim_cloudevents"


def iot(consumer: dict[str, Any], *, mode: str | None = None, **extra: Any) -> dict[str, Any]:
    producer = {"service": "iot-gateway", "event": EVENT, "rate": "200/s", "keys": 8,
                "invalid": 0.05}
    if mode is not None:
        producer["mode"] = mode
    return {"seed": 5, "events": 200, "topics": {"iot.readings": {"partitions": 2}},
            "producers": [producer], "consumers": [consumer], **extra}


# Handlers, imported by the scenarios below as tests.sim.test_sim_cloudevents:<name>.

def latest_reading(event: dict[str, Any], ctx: Any) -> None:
    """Gets the data: the reading itself, no envelope."""
    assert "specversion" not in event and event["device_id"].startswith("dev-")
    ctx.state.set(f"device/{event['device_id']}", event["value"])


def checks_envelope(event: dict[str, Any], ctx: Any) -> None:
    """Gets the whole CloudEvent (``payload: envelope``)."""
    assert event["specversion"] == "1.0" and event["type"] == EVENT
    assert event["source"] == "iot-gateway" and event["id"] == ctx.id
    assert event["dataschema"] == "urn:accord:iot.SensorReadingRecorded:v1"
    ctx.state.set(f"device/{event['data']['device_id']}", event["data"]["value"])


def takes_class(event: Any, ctx: Any) -> None:
    ctx.state.set(f"device/{event.device_id}", type(event).__name__)


def republishes(event: dict[str, Any], ctx: Any) -> None:
    """dashboard is no producer of the readings: its CloudEvent's source would be wrong."""
    ctx.publish(EVENT, event)


def run(raw: dict[str, Any]) -> Any:
    return Simulation(raw, registry=registry(), base=REPO).run()


@pytest.mark.parametrize("mode", [None, "structured", "binary"])
def test_consumers_get_the_data_and_poison_is_dead_lettered(mode: str | None) -> None:
    report = run(iot({"service": "dashboard", "group": "dashboard", "instances": 2,
                      "handler": f"{HERE}:latest_reading", "event_sourced": True},
                     mode=mode, faults={"duplicate": 0.05, "crash": 0.01},
                     invariants=["no-loss", "valid-accepted", "invalid-dead-lettered",
                                 "replay-equals-live", "idempotent"]))
    assert report.ok, report.violations
    assert report.metrics["events"] == 200
    assert report.metrics["dead_lettered"]["rejected"] > 0


@pytest.mark.parametrize("mode", ["structured", "binary"])
def test_handlers_may_ask_for_the_envelope_or_the_class(mode: str) -> None:
    for handler, payload in (("checks_envelope", "envelope"), ("takes_class", "class")):
        report = run(iot({"service": "realtime-ml", "group": "ml", "payload": payload,
                          "handler": f"{HERE}:{handler}"}, mode=mode))
        assert report.ok, (handler, report.violations)


def test_a_follow_up_from_a_service_that_is_no_producer_is_a_violation() -> None:
    report = run(iot({"service": "dashboard", "group": "dashboard",
                      "handler": f"{HERE}:republishes"}))
    assert {v.invariant for v in report.violations} == {"contract-valid-outputs"}
    assert "not one of its producers (iot-gateway)" in report.violations[0].message


def test_the_wire_is_a_cloudevent_in_either_mode() -> None:
    contract = registry().get(EVENT)
    assert contract is not None
    text = '{"device_id":"dev-a4cf12b3e9d0"}'
    for mode in ("structured", "binary"):
        value, headers = encode(contract, 1, "e7", text, "iot-gateway", mode)
        envelope = ce.parse(value, headers)
        assert envelope.mode == mode and envelope.data == {"device_id": "dev-a4cf12b3e9d0"}
        assert envelope.attributes["id"] == "e7"
        assert envelope.attributes["source"] == "iot-gateway"
        assert envelope.attributes["dataschema"] == "urn:accord:iot.SensorReadingRecorded:v1"


def test_mode_needs_a_cloudevents_contract() -> None:
    raw = iot({"service": "analytics", "group": "a", "model": "recorder"})
    raw["producers"] = [{"service": "order-service", "event": "orders.OrderPlaced",
                         "mode": "binary"}]
    raw["topics"] = {}
    with pytest.raises(ScenarioError, match="mode is the CloudEvents content mode"):
        run(raw)
