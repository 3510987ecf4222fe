"""The one error of sample generation."""

from __future__ import annotations

from accord.errors import AccordError


class SampleError(AccordError):
    """No valid instance can be drawn (a bound beyond the budget, an unsatisfiable pattern)."""
