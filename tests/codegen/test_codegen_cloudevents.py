"""The CloudEvents envelope classes: round trips, both modes, and exactly as strict as
`accord.interop.cloudevents.parse` + `validate` (the SDK) on mutated envelopes."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest

from accord.interop import cloudevents as ce
from accord.registry import Registry
from tests.codegen.codegen_support import load_package

EVENT = "iot.SensorReadingRecorded"
STYLES = ("example_dc", "example_pd")

# Each changes a valid structured-mode envelope; None deletes the attribute.
MUTATIONS: dict[str, dict[str, Any]] = {
    "no specversion": {"specversion": None}, "no id": {"id": None},
    "no source": {"source": None}, "no type": {"type": None}, "no data": {"data": None},
    "no dataschema": {"dataschema": None}, "no datacontenttype": {"datacontenttype": None},
    "specversion 0.3": {"specversion": "0.3"}, "specversion 2.0": {"specversion": "2.0"},
    "specversion number": {"specversion": 1.0}, "id number": {"id": 5}, "id empty": {"id": ""},
    "source empty": {"source": ""}, "source not a producer": {"source": "intruder"},
    "type other": {"type": "iot.Other"}, "dataschema other": {"dataschema": "urn:x"},
    "dataschema number": {"dataschema": 5}, "time": {"time": "2026-03-02T14:00:00.5+01:00"},
    "time not a date": {"time": "yesterday"}, "time number": {"time": 5},
    "time null": {"time": "null"}, "time without zone": {"time": "2026-03-02T14:00:00"},
    "time with a space": {"time": "2026-03-02 14:00:00Z"},
    "time without seconds": {"time": "2026-03-02T14:00Z"},
    "time hour 24": {"time": "2026-03-02T24:00:00Z"},
    "time basic format": {"time": "20260302T140000Z"},
    "time offset without colon": {"time": "2026-03-02T14:00:00+0100"},
    "time comma fraction": {"time": "2026-03-02T14:00:00,5Z"},
    "time nanoseconds": {"time": "2026-03-02t14:00:00.123456789z"},
    "time february 30": {"time": "2026-02-30T14:00:00Z"},
    "datacontenttype empty": {"datacontenttype": ""},
    "subject": {"subject": "dev-a4cf12b3e9d0"}, "subject number": {"subject": 5},
    "subject empty": {"subject": ""}, "datacontenttype other": {"datacontenttype": "text/json"},
    "extension": {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"},
    "extension number": {"partitionkey2": 7}, "extension bool": {"sampled": True},
    "extension with capitals": {"traceParent": "x"},
    "extension with underscore": {"trace_parent": "x"},
    "data_base64": {"data_base64": "e30="}, "data empty": {"data": {}},
    "data wrong type": {"data": [1]}, "data extra property": {"data": "+extra"},
    "data bad pattern": {"data": "device_id=dev-XYZ"}, "data bad enum": {"data": "unit=kelvin"},
}


def _mutate(good: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    event = dict(good)
    for key, value in change.items():
        if key == "data" and isinstance(value, str):  # a change inside the data
            data = dict(event["data"])
            if value == "+extra":
                data["extra"] = 1
            else:
                field, _, text = value.partition("=")
                data[field] = text
            event["data"] = data
        elif key == "time" and value == "null":
            event["time"] = None
        elif value is None:
            event.pop(key, None)
        else:
            event[key] = value
    return event


def _accepted_by_library(registries: dict[str, Registry], event: Any,
                         headers: dict[str, Any] | None = None) -> bool:
    contract = registries["example"].get(EVENT)
    assert contract is not None
    try:
        ce.validate(contract, contract.latest, ce.parse(event, headers))
    except ce.CloudEventError:
        return False
    return True


@pytest.fixture(scope="module")
def good(registries: dict[str, Registry]) -> dict[str, Any]:
    contract = registries["example"].get(EVENT)
    assert contract is not None
    version = contract.latest
    return ce.wrap(contract, version, version.examples[0], id="e-1",
                   time="2026-03-02T14:00:00.412Z")


@pytest.mark.parametrize("package", STYLES)
def test_structured_round_trip(generated: Path, good: dict[str, Any], package: str) -> None:
    events = load_package(generated, package)
    wrapper = events.SensorReadingRecordedV1Event
    event = wrapper.from_dict(good)
    assert isinstance(event.data, events.SensorReadingRecordedV1)
    assert event.time == datetime.datetime(2026, 3, 2, 14, 0, 0, 412000, tzinfo=datetime.UTC)
    assert event.to_dict() == good
    assert wrapper.from_json(event.to_json()).to_dict() == good
    bare = {k: v for k, v in good.items() if k not in ("dataschema", "datacontenttype", "time")}
    assert wrapper.from_dict(bare).to_dict() == bare  # absent attributes stay absent


@pytest.mark.parametrize("package", STYLES)
def test_binary_round_trip(generated: Path, good: dict[str, Any], package: str) -> None:
    wrapper = load_package(generated, package).SensorReadingRecordedV1Event
    event = wrapper.from_dict({**good, "sampled": True})
    headers, body = event.to_binary()
    assert headers["ce_type"] == EVENT.encode() and headers["ce_sampled"] == b"true"
    assert headers["content-type"] == b"application/json"
    assert json.loads(body) == good["data"]
    again = wrapper.from_binary(headers, body)
    assert again.data == event.data and again.id == "e-1"
    http = {k.replace("ce_", "ce-").title(): v.decode() for k, v in headers.items()}
    assert wrapper.from_binary(http, body.decode()).data == event.data


def test_a_producer_builds_the_envelope(generated: Path, good: dict[str, Any]) -> None:
    events = load_package(generated, "example_dc")
    data = events.SensorReadingRecordedV1.from_dict(good["data"])
    event = events.SensorReadingRecordedV1Event(id="e-1", source="iot-gateway", data=data)
    sent = event.to_dict()
    assert sent["type"] == EVENT and sent["specversion"] == "1.0"
    assert sent["dataschema"] == "urn:accord:iot.SensorReadingRecorded:v1"
    assert "iot.SensorReadingRecordedV1Event" not in dir(events)  # named in the package
    assert "SensorReadingRecordedV1Event" in events.__all__


@pytest.mark.parametrize("package", STYLES)
@pytest.mark.parametrize("name", MUTATIONS)
def test_exactly_as_strict_as_the_sdk(generated: Path, registries: dict[str, Registry],
                                      good: dict[str, Any], package: str, name: str) -> None:
    wrapper = load_package(generated, package).SensorReadingRecordedV1Event
    event = _mutate(good, MUTATIONS[name])
    expected = _accepted_by_library(registries, event)
    try:
        wrapper.from_dict(event)
    except ValueError as error:  # the generated ValidationError
        assert not expected, f"{name}: the wrapper refuses what the SDK accepts: {error}"
    else:
        assert expected, f"{name}: the wrapper accepts what the SDK refuses"


BINARY: dict[str, dict[str, Any]] = {
    "good": {}, "no ce_id": {"ce_id": None}, "no ce_source": {"ce_source": None},
    "ce_specversion 0.3": {"ce_specversion": b"0.3"}, "ce_type other": {"ce_type": b"x.Y"},
    "ce_dataschema other": {"ce_dataschema": b"urn:x"}, "ce_time bad": {"ce_time": b"noon"},
    "ce_time": {"ce_time": b"2026-03-02T14:00:00Z"},
    "ce_time ISO but not RFC 3339": {"ce_time": b"2026-03-02 14:00Z"},
    "ce_extension": {"ce_foo": b"bar"},
    "no content-type": {"content-type": None},
}


@pytest.mark.parametrize("name", BINARY)
def test_binary_mode_exactly_as_strict(generated: Path, registries: dict[str, Registry],
                                       good: dict[str, Any], name: str) -> None:
    wrapper = load_package(generated, "example_dc").SensorReadingRecordedV1Event
    headers, body = wrapper.from_dict(good).to_binary()
    for key, value in BINARY[name].items():
        if value is None:
            headers.pop(key, None)
        else:
            headers[key] = value
    expected = _accepted_by_library(registries, body, headers)
    try:
        wrapper.from_binary(headers, body)
    except ValueError as error:
        assert not expected, f"{name}: the wrapper refuses what the SDK accepts: {error}"
    else:
        assert expected, f"{name}: the wrapper accepts what the SDK refuses"


def test_errors_name_the_attribute(generated: Path, good: dict[str, Any]) -> None:
    events = load_package(generated, "example_dc")
    wrapper = events.SensorReadingRecordedV1Event
    with pytest.raises(events.ValidationError) as caught:
        wrapper.from_dict({**good, "type": "iot.Other"})
    assert caught.value.path == "$.type" and caught.value.rule == "const"
    with pytest.raises(events.ValidationError) as caught:
        wrapper.from_dict({**good, "data": {**good["data"], "unit": "kelvin"}})
    assert caught.value.path == "$.data.unit"
    with pytest.raises(events.ValidationError, match=r"\$\.id: required"):
        wrapper.from_dict({k: v for k, v in good.items() if k != "id"})
