"""CloudEvents 1.0 envelopes: structured and binary modes, through the SDK."""

import json

import pytest
from jsonschema import Draft202012Validator

from accord.interop import cloudevents as ce
from accord.registry import load_registry
from tests.support import REPO


@pytest.fixture(scope="module")
def reading():
    contract = load_registry(REPO / "contracts").get("iot.SensorReadingRecorded")
    assert contract is not None and contract.envelope == "cloudevents"
    return contract, contract.latest


def test_structured_mode_round_trip(reading):
    contract, version = reading
    data = version.examples[0]
    event = ce.wrap(contract, version, data, id="e-1")
    envelope = ce.parse(json.dumps(event))
    assert envelope.mode == "structured" and envelope.data == data
    ce.validate(contract, version, envelope)
    assert Draft202012Validator(ce.structured_schema(contract, version)).is_valid(event)


def test_binary_mode_with_kafka_headers(reading):
    contract, version = reading
    headers = {"ce_specversion": b"1.0", "ce_id": b"e-2", "ce_type": contract.event.encode(),
               "ce_source": contract.producers[0].encode(), "content-type": b"application/json"}
    envelope = ce.parse(json.dumps(version.examples[0]).encode(), headers)
    assert envelope.mode == "binary" and envelope.data == version.examples[0]
    ce.validate(contract, version, envelope)


def test_missing_required_attribute(reading):
    contract, version = reading
    event = ce.wrap(contract, version, version.examples[0], id="e-3")
    del event["source"]
    with pytest.raises(ce.CloudEventError, match="missing the required attribute 'source'"):
        ce.parse(event)
    headers = {"ce_specversion": "1.0", "ce_type": contract.event, "ce_id": "x"}
    with pytest.raises(ce.CloudEventError, match="missing the required attribute 'source'"):
        ce.parse(b"{}", headers)


def test_wrong_type_source_and_data(reading):
    contract, version = reading
    good = ce.wrap(contract, version, version.examples[0], id="e-4")
    for change, message in [({"type": "iot.Other"}, "is not 'iot.SensorReadingRecorded'"),
                            ({"source": "intruder"}, "is not a producer"),
                            ({"data": {}}, "data is invalid at /")]:
        with pytest.raises(ce.CloudEventError, match=message):
            ce.validate(contract, version, ce.parse({**good, **change}))
    assert not Draft202012Validator(ce.structured_schema(contract, version)).is_valid(
        {**good, "type": "iot.Other"})


def test_what_the_sdk_would_let_through(reading):
    contract, version = reading
    good = ce.wrap(contract, version, version.examples[0], id="e-5")
    for change, message in [({"specversion": "0.3"}, "specversion '0.3' is not '1.0'"),
                            ({"time": "2026-03-02 14:00Z"}, "is not an RFC 3339 date-time")]:
        with pytest.raises(ce.CloudEventError, match=message):
            ce.validate(contract, version, ce.parse({**good, **change}))
    headers = {"ce_specversion": "1.0", "ce_type": contract.event, "ce_source": "iot-gateway"}
    with pytest.raises(ce.CloudEventError, match="missing the required attribute 'id'"):
        ce.parse(b"{}", headers)  # the SDK would make an id up
