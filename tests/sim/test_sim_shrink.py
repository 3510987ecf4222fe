"""Delta debugging finds a 1-minimal failing subset."""

from __future__ import annotations

from accord.sim.shrink import ddmin


def test_ddmin_keeps_only_the_culprits() -> None:
    calls = []

    def fails(items: list[int]) -> bool:
        calls.append(len(items))
        return 3 in items and 17 in items

    assert ddmin(list(range(40)), fails) == [3, 17]
    assert len(calls) < 200


def test_ddmin_of_a_single_culprit() -> None:
    assert ddmin(list(range(10)), lambda items: 9 in items) == [9]
