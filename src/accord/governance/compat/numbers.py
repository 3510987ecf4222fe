"""Numeric keywords: bounds (inclusive and exclusive, all drafts) and ``multipleOf``."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING

from accord.governance.compat.conj import Conj, number

if TYPE_CHECKING:
    from accord.governance.compat.inclusion import Finding, Walk

# A bound is (value, exclusive). Integral bounds are normalised to inclusive integers, so that
# ``exclusiveMinimum: 0`` and ``minimum: 1`` read the same for integers.
Bound = tuple[Fraction, bool]
_INF = math.inf


def lower(c: Conj, *, integral: bool) -> Bound | None:
    """The tightest lower bound across the conjunction, or None."""
    best: Bound | None = None
    for n in c.nodes:
        for cand in _candidates(n.schema, "minimum", "exclusiveMinimum", c.doc.draft):
            if best is None or cand > best:
                best = cand
    if best is None or not integral:
        return best
    value, excl = best
    return (Fraction(math.floor(value) + 1 if excl else math.ceil(value)), False)


def upper(c: Conj, *, integral: bool) -> Bound | None:
    """The tightest upper bound across the conjunction, or None."""
    best: Bound | None = None
    for n in c.nodes:
        for cand in _candidates(n.schema, "maximum", "exclusiveMaximum", c.doc.draft):
            if best is None or _upper_key(cand) < _upper_key(best):
                best = cand
    if best is None or not integral:
        return best
    value, excl = best
    return (Fraction(math.ceil(value) - 1 if excl else math.floor(value)), False)


def _candidates(schema: dict[str, object], inc: str, exc: str, draft: int) -> list[Bound]:
    out: list[Bound] = []
    m = number(schema.get(inc))
    ex = schema.get(exc)
    if isinstance(ex, bool):  # draft-04: a flag on minimum/maximum (invalid elsewhere)
        if m is not None:
            out.append((m, ex and draft == 4))
        return out
    if m is not None:
        out.append((m, False))
    e = number(ex)
    if e is not None and draft >= 6:
        out.append((e, True))
    return out


def _upper_key(b: Bound) -> tuple[Fraction, int]:
    return (b[0], 0 if b[1] else 1)


def _lower_order(b: Bound | None) -> tuple[float | Fraction, int]:
    return (-_INF, 0) if b is None else (b[0], 1 if b[1] else 0)


def _upper_order(b: Bound | None) -> tuple[float | Fraction, int]:
    return (_INF, 1) if b is None else _upper_key(b)


def check(w: Walk, a: Conj, b: Conj, common: frozenset[str]) -> list[Finding]:
    """Bounds and multipleOf for the numeric types both sides accept."""
    integral = "fraction" not in common
    out: list[Finding] = []
    if integral and b.doc.draft == 4 and a.doc.draft != 4:
        # Draft-04's integer rejects 1.0, which later drafts' integers accept.
        out.append(w.unprovable(a, b.where("type"), "draft-04 `integer` (it rejects 1.0)"))
    a_lo, b_lo = lower(a, integral=integral), lower(b, integral=integral)
    if b_lo is not None and (a_lo is None or a_lo < b_lo):
        out.append(w.bound("minimum", "minimum", a, b, a_lo, b_lo, _lower_order))
    a_hi, b_hi = upper(a, integral=integral), upper(b, integral=integral)
    if b_hi is not None and (a_hi is None or _upper_key(a_hi) > _upper_key(b_hi)):
        out.append(w.bound("maximum", "maximum", a, b, a_hi, b_hi, _upper_order))
    out += _multiple_of(w, a, b, integral)
    return out


def _multiple_of(w: Walk, a: Conj, b: Conj, integral: bool) -> list[Finding]:
    a_steps = [m for _, v in a.values("multipleOf") if (m := number(v)) is not None and m > 0]
    out: list[Finding] = []
    for node, value in b.values("multipleOf"):
        step = number(value)
        if step is not None and step > 0:
            if integral and (1 / step).denominator == 1:
                continue  # every integer is a multiple of 1/k
            if any((m / step).denominator == 1 for m in a_steps):
                continue
        out.append(
            w.finding(
                "multiple-of-changed",
                a.where("multipleOf"),
                node.ptr,
                f"{w.b_name}'s multipleOf {value} does not divide {w.a_name}'s ({_fmt(a_steps)})",
            )
        )
    return out


def _fmt(steps: list[Fraction]) -> str:
    if not steps:
        return "none"
    return ", ".join(str(s.numerator) if s.denominator == 1 else str(float(s)) for s in steps)
