"""The Hypothesis strategy, and the plugin's cost to test runs that do not use it."""

from __future__ import annotations


def test_events_strategy_in_given(project):
    project.makepyfile("""
from hypothesis import given, settings
from accord.testing import events

seen = set()

@settings(max_examples=30, database=None)
@given(events("orders.OrderCancelled"))
def test_cancellations(event):
    assert event["sequence"] >= 2
    assert event["reason"] in {"customer_request", "payment_failed", "out_of_stock",
                               "fraud_suspected", "address_undeliverable"}
    seen.add(event["reason"])

@given(events("orders.Unknown"))
def test_unknown(event):
    pass
""")
    result = project.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*accord: unknown event 'orders.Unknown'*"])


def test_events_strategy_wraps_cloudevents(project):  # type: ignore[no-untyped-def]
    project.makepyfile("""
from hypothesis import HealthCheck, given, settings
from accord.testing import events

@settings(max_examples=25, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(message=events("iot.SensorReadingRecorded"))
def test_envelopes(accord, message):
    assert message["specversion"] == "1.0" and message["type"] == "iot.SensorReadingRecorded"
    assert message["source"] == "iot-gateway" and "device_id" in message["data"]
    accord.contract("iot.SensorReadingRecorded").validate(message)

@settings(max_examples=10, database=None)
@given(events("iot.SensorReadingRecorded", wrapped=False))
def test_data_alone(data):
    assert "specversion" not in data and "device_id" in data
""")
    result = project.runpytest()
    result.assert_outcomes(passed=2)


def test_plugin_loads_nothing_heavy_until_the_fixture_is_used(pytester):
    pytester.makepyfile("""
import sys

def test_light():
    heavy = [m for m in ("accord.registry", "accord.testing.fixture", "jsonschema",
                         "hypothesis_jsonschema") if m in sys.modules]
    assert heavy == []
""")
    pytester.runpytest_subprocess("-p", "no:hypothesispytest").assert_outcomes(passed=1)


def test_a_strategy_leaves_the_contract_schema_as_it_was() -> None:
    """hypothesis-jsonschema rewrites the schema it gets; the contract's must not change."""
    import json as _json
    import warnings
    from pathlib import Path

    from accord.registry import load_registry
    from accord.testing.strategies import strategy_for

    registry = load_registry(Path(__file__).resolve().parents[2] / "contracts")
    for contract in registry.contracts:
        for version in contract.versions:
            before = _json.dumps(version.resolved, sort_keys=True)
            with warnings.catch_warnings():  # .example() is what draws here, outside @given
                warnings.simplefilter("ignore")
                strategy_for(version.resolved).example()
            assert _json.dumps(version.resolved, sort_keys=True) == before, contract.event
