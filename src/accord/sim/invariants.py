"""Invariants checked after a run (the live ones are recorded by the engine as it goes).

Live: ``valid-accepted``, ``per-key-order``, ``contract-valid-outputs``. After the run:
``no-loss``, ``invalid-dead-lettered``, ``idempotent`` (a second run without faults, on
the embedded broker even when the run was on an engine), ``replay-equals-live`` (a rebuild
from the log, read back from the engine on a live run) and user invariants.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from accord.sim.context import State
from accord.sim.engine import Outcome, Violation, replay, replayed
from accord.sim.scenario import Scenario
from accord.sim.validation import Validators

LIVE = ("valid-accepted", "per-key-order", "contract-valid-outputs")


def no_loss(outcome: Outcome) -> list[Violation]:
    found = []
    if not outcome.drained:
        found.append(Violation("no-loss", "the run did not settle: records were still unacked "
                               "when the drain time ran out"))
    for c in outcome.consumers:
        missing = sorted(outcome.pending.get(c.group, ()))
        if missing:
            found.append(Violation("no-loss", f"{len(missing)} event(s) neither handled nor "
                                   f"dead-lettered by {c.group}, e.g. {missing[0]}",
                                   missing[0], c.group))
    return found


def valid_not_dead_lettered(outcome: Outcome) -> list[Violation]:
    """A valid event in a dead-letter queue was never handled: the run did not work."""
    found = []
    for c in outcome.consumers:
        lost = outcome.dead_valid.get(c.group)
        if lost:
            count = outcome.dead_valid_count.get(c.group, len(lost))
            found.append(Violation("valid-not-dead-lettered", f"{count} valid event(s) "
                                   f"dead-lettered by {c.group} instead of handled, e.g. "
                                   f"{lost[0]}", lost[0], c.group))
    return found


def something_acked(outcome: Outcome) -> list[Violation]:
    """A run that published events and handled none of them did nothing that worked."""
    if outcome.published and not any(outcome.handled.values()):
        return [Violation("something-acked", f"{outcome.published} records published and "
                          "none handled by any consumer")]
    return []


def invalid_dead_lettered(outcome: Outcome) -> list[Violation]:
    found = []
    for c in outcome.consumers:
        kept = outcome.pending_invalid.get(c.group)
        if kept:
            found.append(Violation("invalid-dead-lettered", f"invalid event {kept[0]} was not "
                                   f"dead-lettered by {c.group}", kept[0], c.group))
    return found


def _short(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def first_difference(a: dict[str, Any], b: dict[str, Any]) -> str:
    for key in sorted(set(a) | set(b)):
        if a.get(key) != b.get(key):
            return f"{key!r}: {_short(a.get(key, '<absent>'))} vs {_short(b.get(key, '<absent>'))}"
    return "none"


def _order_hint(outcome: Outcome) -> str:
    """Why state can differ on an engine that does not keep per-key order."""
    if "per-key-order" not in outcome.unchecked:
        return ""
    return ("; this engine does not keep per-key order, so a handler whose state depends on "
            "delivery order ends up differently here (it would in production too)")


def idempotent(outcome: Outcome, baseline: Outcome) -> list[Violation]:
    found = []
    for c in outcome.consumers:
        if f"idempotent: {c.group}" in outcome.unchecked:
            continue  # not comparable on this engine, and said so in the report
        live = outcome.states[c.group].snapshot()
        once = baseline.states[c.group].snapshot()
        if live != once:
            found.append(Violation("idempotent", f"{c.group}'s state with faults differs from "
                                   "the run without duplicates or crashes (with faults vs "
                                   f"without) at {first_difference(live, once)}"
                                   + _order_hint(outcome),
                                   None, c.group))
    return found


def replay_equals_live(outcome: Outcome, validators: Validators) -> list[Violation]:
    """Each event-sourced group's live state against its handler folded over the log: as
    the log was written (streamed during the run), or read back from an engine."""
    found = []
    for c in outcome.consumers:
        if not replayed(c):
            continue
        if outcome.replayed is not None:
            state = outcome.replayed[c.group]
        else:
            state = State()
            assert outcome.log is not None
            for topic in c.topics:
                for record in outcome.log(topic):
                    meta = outcome.records.get((topic, record.partition, record.offset))
                    if meta is not None and meta.valid and meta.event in c.events:
                        replay(c, meta, record.value, record.headers, state, validators)
        rebuilt, live = state.snapshot(), outcome.states[c.group].snapshot()
        if rebuilt != live:
            found.append(Violation("replay-equals-live", f"rebuilding {c.group} from the log "
                                   f"differs from its live state (rebuilt vs live) at "
                                   f"{first_difference(rebuilt, live)}" + _order_hint(outcome),
                                   None, c.group))
    return found


def user_invariant(name: str, check: Callable[..., object], outcome: Outcome) -> list[Violation]:
    """A user callable gets the outcome; it returns None/True, or False/messages."""
    try:
        result = check(outcome)
    except Exception as exc:
        return [Violation(name, f"raised {type(exc).__name__}: {exc}")]
    if result is None or result is True:
        return []
    if result is False:
        return [Violation(name, "returned False")]
    messages = [result] if isinstance(result, str) else list(result)  # type: ignore[call-overload]
    return [Violation(name, str(m)) for m in messages]


def check(scenario: Scenario, outcome: Outcome, baseline: Callable[[], Outcome] | None,
          validators: Validators) -> list[Violation]:
    """Every violation of the scenario's invariants, live ones first."""
    wanted = set(scenario.invariants) - set(outcome.unchecked)
    found = [v for v in outcome.violations if v.invariant in wanted]
    if "no-loss" in wanted:
        found += no_loss(outcome)
    if "invalid-dead-lettered" in wanted:
        found += invalid_dead_lettered(outcome)
    if "valid-not-dead-lettered" in wanted:
        found += valid_not_dead_lettered(outcome)
    if "something-acked" in wanted:
        found += something_acked(outcome)
    if "idempotent" in wanted and baseline is not None:
        found += idempotent(outcome, baseline())
    if "replay-equals-live" in wanted:
        found += replay_equals_live(outcome, validators)
    for name, fn in scenario.user_invariants:
        found += user_invariant(name, fn, outcome)
    return found
