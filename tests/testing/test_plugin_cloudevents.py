"""Contracts with `envelope: cloudevents` in the plugin: consumers get CloudEvents,
`validate` and providers take them in structured and binary mode."""

from __future__ import annotations

from accord.codegen import generate_python, write_package
from accord.registry import load_registry
from tests.testing.conftest import read_expectations

EVENT = "iot.SensorReadingRecorded"
READING = {
    "device_id": "dev-a4cf12b3e9d0", "sensor_type": "temperature", "value": 3.7,
    "unit": "celsius", "recorded_at": "2026-03-02T14:00:00Z",
    "received_at": "2026-03-02T14:00:00.412Z", "quality": "good",
}
ENVELOPE = {
    "specversion": "1.0", "id": "r-1", "source": "iot-gateway", "type": EVENT,
    "dataschema": "urn:accord:iot.SensorReadingRecorded:v1",
    "datacontenttype": "application/json", "data": READING,
}


def test_consumer_samples_are_cloudevents_and_reads_are_about_the_data(project):
    project.makepyfile(test_inner_dashboard=f"""
def test_dashboard(accord):
    readings = accord.consumer("dashboard").expects({EVENT!r}, fields=["device_id"])
    seen = 0
    for event in readings.samples(5):
        assert event["specversion"] == "1.0" and event["type"] == {EVENT!r}
        assert event["source"] == "iot-gateway"
        assert event["data"]["value"] is not None
        seen += 1
    assert seen == 10
    assert all("specversion" not in e for e in readings.samples(2, wrapped=False))
""")
    project.runpytest().assert_outcomes(passed=1)
    (entry,) = read_expectations(project.path, "dashboard")["expectations"]
    assert list(entry["fields"]) == ["device_id"]
    assert set(entry["observed"]) == {"value"}


def test_validate_takes_both_modes_and_names_what_is_wrong(project):
    project.makepyfile(f"""
import json
import pytest

ENVELOPE = {ENVELOPE!r}

def test_modes(accord):
    readings = accord.contract({EVENT!r})
    readings.validate(ENVELOPE)
    readings.validate(json.dumps(ENVELOPE))
    headers = {{"ce_specversion": b"1.0", "ce_id": b"r-2", "ce_source": b"iot-gateway",
               "ce_type": {EVENT!r}.encode(), "content-type": b"application/json"}}
    readings.validate(json.dumps(ENVELOPE["data"]).encode(), headers=headers)
    assert not readings.is_valid(b"{{}}", headers=headers)
    assert all(readings.is_valid(e) for e in readings.samples(3))
    assert all("specversion" not in e for e in readings.samples(3, wrapped=False))

def test_wrong_source(accord):
    accord.contract({EVENT!r}).validate({{**ENVELOPE, "source": "intruder"}})

def test_missing_id(accord):
    accord.contract({EVENT!r}).validate({{k: v for k, v in ENVELOPE.items() if k != "id"}})

def test_bad_data(accord):
    accord.contract({EVENT!r}).validate({{**ENVELOPE, "data": {{**ENVELOPE["data"],
                                                             "unit": "kelvin"}}}})

def test_headers_need_an_envelope(accord):
    accord.contract("orders.OrderPlaced").validate(b"{{}}", headers={{"ce_id": "1"}})
""")
    result = project.runpytest()
    result.assert_outcomes(passed=1, failed=4)
    result.stdout.fnmatch_lines([
        "*source 'intruder' is not a producer of iot.SensorReadingRecorded (iot-gateway)*",
        "*CloudEvent is missing the required attribute 'id'*",
        "*at /data/unit: 'kelvin' is not one of*",
        "*headers= is for CloudEvents in binary mode*",
    ], consecutive=False)


def test_provider_verifies_dicts_json_binary_and_generated_envelopes(project):
    package = generate_python(load_registry(project.path / "contracts"), package="ce_events")
    write_package(package, project.path)
    project.makepyfile(test_inner_dashboard=f"""
def test_dashboard(accord):
    expectation = accord.consumer("dashboard").expects({EVENT!r}, fields=["battery_pct"])
    for event in expectation.samples(3):
        assert "battery_pct" in event["data"]
""", test_inner_gateway=f"""
import json
from ce_events import SensorReadingRecordedV1, SensorReadingRecordedV1Event

ENVELOPE = {ENVELOPE!r}

def build():
    data = SensorReadingRecordedV1.from_dict({{**ENVELOPE["data"], "battery_pct": 80}})
    return SensorReadingRecordedV1Event(id="r-9", source="iot-gateway", data=data)

def test_gateway(accord):
    good = {{**ENVELOPE, "data": {{**ENVELOPE["data"], "battery_pct": 50}}}}
    accord.provider("iot-gateway").verify({EVENT!r}, lambda: [
        good, json.dumps(good), build(), build().to_dict()])
    accord.provider("iot-gateway").verify({EVENT!r}, lambda: build().to_binary())

def test_gateway_breaks(accord):
    accord.provider("iot-gateway").verify({EVENT!r}, lambda: [
        ENVELOPE, {{**ENVELOPE, "type": "iot.Other"}}])
""")
    project.runpytest("test_inner_dashboard.py").assert_outcomes(passed=1)
    result = project.runpytest("test_inner_gateway.py")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "*iot-gateway's iot.SensorReadingRecorded v1 events fail 2 check(s):",
        "*- event 1: dashboard expects battery_pct present(), but battery_pct is missing*",
        "*- event 2 is not a iot.SensorReadingRecorded v1 CloudEvent: CloudEvent type "
        "'iot.Other' is not 'iot.SensorReadingRecorded'",
    ])
