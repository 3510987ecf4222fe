"""Counterexamples for breaking changes (issue 21): a witness is never wrong, under
jsonschema as the reference, and every breaking change has one or says why not."""

from __future__ import annotations

import random
from typing import Any

import pytest
import referencing.exceptions
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from accord.governance.compat import check_compatibility, compare
from accord.governance.compat.witness import find
from tests.governance.compat.test_compat_properties import gen_root, mutate

_REFERENCE: dict[str, Any] = {}


def _accepts(schema: Any, instance: Any) -> bool | None:
    """python-jsonschema, the reference (not Accord's validation layer); None when it
    cannot evaluate the schema (a mutation can leave a `$ref` dangling)."""
    try:
        return bool(Draft202012Validator(schema).is_valid(instance))
    except referencing.exceptions.Unresolvable:
        return None


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.randoms(use_true_random=False))
def test_every_witness_is_accepted_by_one_side_and_rejected_by_the_other(
        r: random.Random) -> None:
    old = gen_root(r)
    new = mutate(old, r)
    for change in compare(old, new):
        for backward in (True, False):
            if not (change.breaks_backward if backward else change.breaks_forward):
                continue
            shown = find(old, new, change, backward=backward, budget=150)
            if not shown.found:
                assert shown.why.startswith("no counterexample found"), shown.why
                continue
            accepting, rejecting = (old, new) if backward else (new, old)
            assert _accepts(accepting, shown.payload) in (True, None), (change, shown)
            assert _accepts(rejecting, shown.payload) in (False, None), (change, shown)


def test_most_breaking_changes_of_mutated_pairs_have_a_witness() -> None:
    """Not a law (some breaks are only proven, not exhibited), but a floor on usefulness."""
    r = random.Random(11)
    breaking = found = 0
    for _ in range(600):
        old = gen_root(r)
        new = mutate(old, r)
        for change in compare(old, new):
            if change.breaks_backward:
                breaking += 1
                found += find(old, new, change, backward=True, budget=150).found
    assert breaking > 60
    assert found / breaking >= 0.7, (found, breaking)


@pytest.mark.parametrize(("old", "new", "payload"), [
    ({"type": "object", "properties": {"a": {"enum": ["x", "y"]}}},
     {"type": "object", "properties": {"a": {"enum": ["x"]}}}, {"a": "y"}),
    ({"type": "object", "properties": {"a": {"type": "string"}}},
     {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}, {}),
    ({"type": "object", "properties": {"q": {"type": "integer", "minimum": 0}}},
     {"type": "object", "properties": {"q": {"type": "integer", "minimum": 1}}}, {"q": 0}),
])
def test_the_witness_is_the_change_at_its_place(old: Any, new: Any, payload: Any) -> None:
    result = check_compatibility(old, new, "BACKWARD")
    [change] = result.breaking
    shown = find(old, new, change, backward=True)
    assert shown.found and shown.payload == payload
