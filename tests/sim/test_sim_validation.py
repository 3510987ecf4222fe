"""The simulator's fast validation gives exactly jsonschema's answers."""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from accord.samples.stream import SampleStream
from accord.sim.generators import poison_of
from accord.sim.validation import PARSED_KEPT, KeyedText, Validators, canonical
from accord.testing.contract import validator_for_schema
from accord.validation.closed import closed_validator
from accord.validation.validators import FORMAT_CHECKER
from tests.sim.sim_support import registry


def test_compiled_and_key_split_answers_match_jsonschema() -> None:
    reg = registry()
    validators = Validators(reg)
    rng = random.Random(5)
    checked = 0
    for contract in reg.contracts:
        for version in contract.versions:
            reference = validator_for_schema(version.resolved)
            stream = SampleStream(version.resolved, seed=2, examples=version.examples)
            samples = stream.take(12)
            for sample in samples:
                variants = [sample]
                poison = poison_of(sample, rng, reference.is_valid)
                if poison is not None:
                    variants.append(poison)
                if contract.key and isinstance(sample, dict):
                    # Another sample's key, and a key of the wrong type.
                    other = samples[rng.randrange(len(samples))]
                    variants.append({**sample, contract.key: other.get(contract.key)})
                    variants.append({**sample, contract.key: 42})
                for payload in variants:
                    expected = bool(reference.is_valid(payload))
                    text = canonical(payload)
                    assert validators.is_valid(contract.event, version.number, payload,
                                               text) is expected
                    assert validators.is_valid_keyed(contract.event, version.number, payload,
                                                     text, contract.key) is expected
                    # The answer kept per whole text is the same the second time.
                    assert validators.is_valid_keyed(contract.event, version.number, payload,
                                                     text, contract.key) is expected
                    checked += 1
                if contract.key and isinstance(sample, dict):
                    # A flow's key test (the rest of the sample decided once) agrees too.
                    test = validators.with_key(contract.event, version.number, sample,
                                               contract.key)
                    for variant in variants:
                        key = variant.get(contract.key) if isinstance(variant, dict) else None
                        assert test(key) is bool(reference.is_valid({**sample,
                                                                     contract.key: key}))
    assert checked > 300


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(min_value=0, max_value=10_000), data=st.data())
def test_string_fields_checked_apart_give_jsonschemas_answers(seed: int,
                                                              data: st.DataObject) -> None:
    """`is_valid_fields` (a follow-up's check): each top-level string field checked on its
    own, the rest once per distinct rest. Over every contract version, samples recombined
    field by field from other samples, with strings swapped for other strings, numbers
    and nulls, and fields dropped: the same answer as the whole-object validator and as
    python-jsonschema (with Accord's format and pattern policy), the first time and from
    the memo."""
    reg = registry()
    validators = Validators(reg)
    rng = random.Random(seed)
    contract = data.draw(st.sampled_from(reg.contracts))
    version = data.draw(st.sampled_from(contract.versions))
    reference = validator_for_schema(version.resolved)
    jsonschema = closed_validator(version.resolved, format_checker=FORMAT_CHECKER)
    samples = [s for s in SampleStream(version.resolved, seed=seed,
                                       examples=version.examples).take(8)
               if isinstance(s, dict)]
    if not samples:
        return
    odd = st.one_of(st.text(max_size=12), st.integers(), st.none(),
                    st.sampled_from(["", "not-a-date", "x" * 40]))
    for _ in range(12):
        payload = dict(samples[rng.randrange(len(samples))])
        for name in sorted(payload):
            roll = rng.random()
            if roll < 0.3:  # another sample's value of the field (a new combination)
                other = samples[rng.randrange(len(samples))]
                if name in other:
                    payload[name] = other[name]
            elif roll < 0.4:
                payload[name] = data.draw(odd)
            elif roll < 0.45:
                del payload[name]
        expected = bool(reference.is_valid(payload))
        assert bool(jsonschema.is_valid(payload)) is expected, payload
        text = canonical(payload)
        assert validators.is_valid_fields(contract.event, version.number, payload,
                                          text) is expected, payload
        assert validators.is_valid_fields(contract.event, version.number, payload,
                                          text) is expected


def test_a_sample_text_with_a_key_put_in_is_its_canonical_text() -> None:
    sample = {"b": [1, {"z": "é"}], "id": "x", "a": None, "\u2028": "\ud800"}
    texts = KeyedText(sample, "id")
    for key in ["k", "", 'quo"te\\', "naïve ☃", "\0accord-key\0", "\ud83d", 7, None]:
        assert texts(key) == canonical({**sample, "id": key})
    # A sample that already holds the placeholder's text cannot be split: encoded whole.
    odd = KeyedText({"id": "x", "note": "\0accord-key\0"}, "id")
    assert odd("k") == canonical({"id": "k", "note": "\0accord-key\0"})


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(min_value=0, max_value=10_000))
def test_every_valid_event_drawn_is_its_text_parsed(seed: int) -> None:
    """The engine hands the built-in models a producer's payload instead of parsing its
    record (`Validators.share`): so each valid event's payload must equal its text parsed,
    whatever the seed (pooled samples with keys put in, flows' steps, versions)."""
    import json

    from accord.sim import Simulation

    sim = Simulation(Path("scenarios/shop.yaml"), registry=registry(), seed=seed, events=400,
                     base=Path("."))
    checked = 0
    for event in sim.events():
        if event.valid:
            assert event.text is not None
            assert json.loads(event.text) == event.payload
            checked += 1
    assert checked > 300


def test_a_shared_payload_is_what_the_models_read_and_old_ones_are_parsed_again() -> None:
    validators = Validators(registry())
    first = {"order_id": "o-1", "total": 3}
    validators.share(b'{"order_id":"o-1","total":3}', first)
    assert validators.parsed("orders.OrderPlaced", b'{"order_id":"o-1","total":3}') is first
    for i in range(2 * PARSED_KEPT):  # two generations later, it is gone
        validators.share(f'{{"n":{i}}}'.encode(), {"n": i})
    again = validators.parsed("orders.OrderPlaced", b'{"order_id":"o-1","total":3}')
    assert again == first and again is not first
