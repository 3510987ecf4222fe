"""String keywords: length bounds and ``pattern`` (only identical patterns count as included)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accord.governance.compat.conj import Conj, integer_or_none

if TYPE_CHECKING:
    from accord.governance.compat.inclusion import Finding, Walk


def tightest_min(c: Conj, keyword: str) -> int:
    """Largest lower bound for a count keyword (minLength, minItems, ...), 0 if none."""
    values = [v for _, raw in c.values(keyword) if (v := integer_or_none(raw)) is not None]
    return max(values, default=0)


def tightest_max(c: Conj, keyword: str) -> int | None:
    """Smallest upper bound for a count keyword (maxLength, maxItems, ...), None if none."""
    values = [v for _, raw in c.values(keyword) if (v := integer_or_none(raw)) is not None]
    return min(values, default=None)


def counts(
    w: Walk, a: Conj, b: Conj, base: str, low: str, high: str, a_cap: int | None = None
) -> list[Finding]:
    """Inclusion of a pair of count bounds, e.g. minLength/maxLength with base ``length``.

    ``a_cap`` is an upper bound A implies by other means (a closed tuple's length).
    """
    out: list[Finding] = []
    a_min, b_min = tightest_min(a, low), tightest_min(b, low)
    if a_min < b_min:
        out.append(w.bound(f"min-{base}", low, a, b, a_min, b_min, lambda v: v))
    a_max, b_max = tightest_max(a, high), tightest_max(b, high)
    if a_cap is not None and (a_max is None or a_cap < a_max):
        a_max = a_cap
    if b_max is not None and (a_max is None or a_max > b_max):
        out.append(w.bound(f"max-{base}", high, a, b, a_max, b_max, _infinite_if_none))
    return out


def check(w: Walk, a: Conj, b: Conj) -> list[Finding]:
    out = counts(w, a, b, "length", "minLength", "maxLength")
    a_patterns = {p for _, p in a.values("pattern")}
    for node, pattern in b.values("pattern"):
        if pattern in a_patterns:
            continue
        if not a_patterns:
            kind = "pattern-added" if w.a_is_old else "pattern-removed"
        else:
            kind = "pattern-changed"
        out.append(
            w.finding(
                kind,
                a.where("pattern"),
                node.ptr,
                f"{w.b_name} requires pattern {pattern!r}, which {w.a_name} does not "
                "(regex inclusion is not decided: only identical patterns count)",
            )
        )
    return out


def _infinite_if_none(value: int | None) -> float:
    return float("inf") if value is None else value
