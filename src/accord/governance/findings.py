"""A finding: one thing a governance check reports, with where and how bad."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from accord.errors import Location

SEVERITY_RANK = {"error": 2, "warning": 1}


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule's or the compatibility gate's verdict on one place in one file."""

    rule: str
    severity: str
    """error | warning"""
    message: str
    location: Location
    pointer: str = ""
    event: str | None = None
    fix: str | None = None
    counterexample: dict[str, Any] | None = field(default=None, compare=False)
    """For a breaking change: the witness (`compat.witness.Witness.to_json()`)."""
    affects: dict[str, Any] | None = field(default=None, compare=False)
    """For a change a consumer relies on: ``consumer``, ``field`` and ``tests``."""

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        loc = self.location
        return (loc.file, loc.line or 0, loc.column or 0, self.rule, self.message)

    def to_json(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "file": self.location.file,
            "line": self.location.line,
            "column": self.location.column,
            "pointer": self.pointer,
            "event": self.event,
            "fix": self.fix,
            **({"counterexample": self.counterexample} if self.counterexample else {}),
            **({"affects": self.affects} if self.affects else {}),
        }
