"""The sample generator over the example registry: valid, varied, reproducible."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import pytest

from accord.registry import load_registry
from accord.samples.fields import all_paths, branches, covers, json_type, lookup
from accord.samples.stream import SampleStream
from accord.testing.contract import subschema_validator, validator_for_schema
from accord.testing.recording import iter_paths
from tests.testing.conftest import CONTRACTS

RUN = 25
REGISTRY = load_registry(CONTRACTS)
VERSIONS = [(c.event, v) for c in REGISTRY.contracts for v in c.versions]


def _values(events: list[Any]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = defaultdict(list)
    for event in events:
        for path, value in iter_paths(event):
            out[path].append(value)
    return out


def _uncovered(schema: Any, events: list[Any]) -> list[str]:
    """Enum values and union branches (oneOf/anyOf, type lists) no event shows."""
    seen = _values(events)
    missing = []
    for path in all_paths(schema):
        info = lookup(schema, path)
        assert info is not None
        values = seen.get(path, [])
        for node in info.schemas:
            options = list(branches(schema, node))
            if len(options) > 1:
                for option in options:
                    validator = subschema_validator(schema, option)
                    if not any(validator.is_valid(v) for v in values):
                        missing.append(f"{path}: branch {json.dumps(option)[:60]}")
            for option in options:
                if not isinstance(option, dict):
                    continue
                for wanted in option.get("enum") or ():
                    if wanted not in values:
                        missing.append(f"{path}: enum value {wanted!r}")
                kinds = option.get("type")
                if isinstance(kinds, list) and "enum" not in option:
                    for kind in kinds:
                        if not any(covers(frozenset({kind}), frozenset({json_type(v)}))
                                   for v in values):
                            missing.append(f"{path}: type {kind}")
    return missing


@pytest.mark.parametrize(("event", "version"), VERSIONS,
                         ids=[f"{e}-v{v.number}" for e, v in VERSIONS])
def test_a_run_of_samples_is_valid_and_covers_every_enum_value_and_branch(event, version):
    stream = SampleStream(version.resolved, seed=0, examples=version.examples, label=event)
    events = stream.take(RUN)
    validator = validator_for_schema(version.resolved)
    assert [e for e in events if not validator.is_valid(e)] == []
    assert _uncovered(version.resolved, events) == []


def test_samples_vary_optional_fields_nulls_lengths_and_unicode():
    version = REGISTRY.get("orders.OrderPlaced").latest  # type: ignore[union-attr]
    events = SampleStream(version.resolved, seed=0, examples=version.examples).take(RUN)
    values = _values(events)
    phones = [e["customer"].get("phone", "absent") for e in events]
    assert "absent" in phones and None in phones and any(isinstance(p, str) for p in phones)
    names = values["items[].product_name"]
    assert min(map(len, names)) == 1 and max(map(len, names)) == 200  # minLength, maxLength
    assert any(any(ord(c) > 0x2000 for c in name) for name in names)  # beyond Latin
    assert 1 in values["items[].quantity"] and 1000 in values["items[].quantity"]
    assert any(e == version.examples[0] for e in events)  # the contract's examples too


def test_same_seed_same_samples_other_seed_other_samples():
    version = REGISTRY.get("iot.SensorReadingRecorded").latest  # type: ignore[union-attr]

    def run(seed: int) -> list[Any]:
        return SampleStream(version.resolved, seed=seed, label="x").take(10)

    assert run(3) == run(3)
    assert run(3) != run(4)


@pytest.mark.parametrize(("event", "version"), VERSIONS[::4],
                         ids=[f"{e}-v{v.number}" for e, v in VERSIONS[::4]])
def test_the_compiled_validator_agrees_with_jsonschema(event, version):
    from jsonschema import validators

    from accord.validation.validators import FORMAT_CHECKER

    original = validators.validator_for(version.resolved)(version.resolved,
                                                          format_checker=FORMAT_CHECKER)
    fast = validator_for_schema(version.resolved)
    assert fast.engine == "compiled"
    events = SampleStream(version.resolved, seed=1, examples=version.examples).take(10)
    mutants = [{**e, key: [None]} for e in events for key in list(e)[:4]]
    mutants += [{k: v for k, v in e.items() if k != key} for e in events for key in list(e)[:4]]
    mutants += [{**e, key: {**value, inner: 12345}} for e in events for key, value in e.items()
                if isinstance(value, dict) for inner in list(value)[:3]]
    for payload in events + mutants:
        assert fast.is_valid(payload) == original.is_valid(payload), payload
