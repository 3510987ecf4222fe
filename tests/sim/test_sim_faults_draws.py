"""Fault draws are a law of (seed, kind, subject): the engine's combined draw after a
handling gives exactly the faults the separate draws give, recorded in the same order."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from accord.sim.faults import Fault, Faults
from accord.sim.scenario import FaultSpec

RATES = st.sampled_from([0.0, 0.002, 0.05, 0.5, 1.0])


@settings(max_examples=120, deadline=None)
@given(seed=st.integers(0, 2**31), crash=RATES, delay=RATES,
       delay_max=st.integers(0, 5_000),
       subjects=st.lists(st.tuples(st.text(min_size=1, max_size=12),
                                   st.sampled_from(["g1", "email", "é-grp"])), max_size=30))
def test_the_combined_draw_is_crash_then_delay(seed: int, crash: float, delay: float,
                                               delay_max: int,
                                               subjects: list[tuple[str, str]]) -> None:
    spec = FaultSpec(crash=crash, delay_p=delay, delay_max_ms=delay_max)
    combined, apart = Faults(spec, seed), Faults(spec, seed)
    for event, group in subjects:
        expected = -1 if apart.crash(event, group) else apart.delay(event, group)
        assert combined.after_handling(event, group) == expected
    assert combined.injected == apart.injected and combined.counts == apart.counts


def test_a_fixed_schedule_gives_its_faults_to_the_combined_draw() -> None:
    spec = FaultSpec(crash=0.5, delay_p=0.5, delay_max_ms=100)
    fixed = Faults(spec, 1, [Fault("crash", "e1", "g"), Fault("delay", "e2", "g", 40)])
    assert [fixed.after_handling(e, "g") for e in ("e1", "e2", "e3")] == [-1, 40, 0]
    assert [f.kind for f in fixed.injected] == ["crash", "delay"]
