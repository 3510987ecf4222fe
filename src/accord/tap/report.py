"""What `accord tap` measured: counts per event and version, violations, unmatched."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .identify import Verdict

MAX_LISTED = 50
"""Violations and unmatched samples kept for the report; the counts cover all."""


@dataclass
class TapReport:
    """Accumulates verdicts; ``exit_code`` is 1 when anything was invalid or unmatched."""

    broker: str
    channel: str
    valid: Counter[tuple[str, int]] = field(default_factory=Counter)
    invalid: Counter[tuple[str, int]] = field(default_factory=Counter)
    violations: list[dict[str, Any]] = field(default_factory=list)
    unmatched: list[dict[str, Any]] = field(default_factory=list)
    unmatched_count: int = 0
    events: int = 0
    seconds: float = 0.0
    stopped: str | None = None
    """Why the run ended early (a dropped connection, a message that is not JSON)."""
    warnings: list[str] = field(default_factory=list)

    def add(self, position: str, verdict: Verdict) -> None:
        """One message's verdict; ``position`` as the engine names it (a Redis entry ID,
        a NATS stream sequence)."""
        self.events += 1
        if verdict.event is None or verdict.version is None:
            self.unmatched_count += 1
            if len(self.unmatched) < MAX_LISTED:
                self.unmatched.append({"position": position, "reason": verdict.reason})
            return
        key = (verdict.event, verdict.version)
        if verdict.valid:
            self.valid[key] += 1
            return
        self.invalid[key] += 1
        for pointer, message in verdict.violations:
            if len(self.violations) < MAX_LISTED:
                self.violations.append({"position": position, "event": verdict.event,
                                        "version": verdict.version, "pointer": pointer,
                                        "message": message})

    @property
    def ok(self) -> bool:
        """Nothing invalid, nothing unmatched, and the run was not cut short."""
        return not self.invalid and not self.unmatched_count and self.stopped is None

    @property
    def exit_code(self) -> int:
        if self.stopped is not None:
            return 2
        return 0 if self.ok else 1

    def counts(self) -> list[dict[str, Any]]:
        keys = sorted(set(self.valid) | set(self.invalid))
        return [{"event": e, "version": v, "valid": self.valid[(e, v)],
                 "invalid": self.invalid[(e, v)]} for e, v in keys]

    def as_dict(self) -> dict[str, Any]:
        return {"broker": self.broker, "channel": self.channel, "events": self.events,
                "seconds": round(self.seconds, 3), "ok": self.ok, "stopped": self.stopped,
                "counts": self.counts(), "violations": self.violations,
                "unmatched": {"count": self.unmatched_count, "samples": self.unmatched},
                "warnings": self.warnings}

    def json_text(self) -> str:
        return json.dumps(self.as_dict(), indent=2)

    def text(self) -> str:
        lines = [f"tap {self.channel} on {self.broker}: {self.events} events in "
                 f"{self.seconds:.1f} s"]
        for row in self.counts():
            lines.append(f"  {row['event']} v{row['version']}: {row['valid']} valid, "
                         f"{row['invalid']} invalid")
        if self.unmatched_count:
            lines.append(f"  matching no contract: {self.unmatched_count}")
        for v in self.violations:
            lines.append(f"  at {v['position']}: {v['event']} v{v['version']} "
                         f"{v['pointer']}: {v['message']}")
        for u in self.unmatched:
            lines.append(f"  at {u['position']}: no contract: {u['reason']}")
        if self.stopped is not None:
            lines.append(f"  stopped early: {self.stopped}")
        lines.append("ok" if self.ok else "STOPPED" if self.stopped is not None and
                     not self.invalid and not self.unmatched_count else "INVALID traffic")
        return "\n".join(lines)
