"""Handler errors, each reported once: where it was raised, the first traceback (the
user's frames only), and the event, key and attempt it first happened on."""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from pathlib import Path

import accord

_OURS = str(Path(accord.__file__).resolve().parent)


def _ours(filename: str) -> bool:
    """A frame of Accord's own: under its package, or a module compiled from it (whose
    frames name the source relative to where it was built: ``src/accord/...``)."""
    path = Path(filename)
    if not path.is_absolute():
        parts = path.parts[1:] if path.parts[:1] == ("src",) else path.parts
        return parts[:1] == ("accord",)
    return str(path.resolve()).startswith(_OURS)


@dataclass
class HandlerError:
    """One distinct error of one group's handler: same type, message and raising line."""

    group: str
    handler: str
    error: str
    event: str
    ident: str
    key: str | None
    attempt: int
    traceback: str
    times: int = 0
    events: set[str] = field(default_factory=set)


def user_traceback(exc: BaseException) -> tuple[str, tuple[str, int]]:
    """The traceback without Accord's own frames, and where in user code it was raised."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not _ours(f.filename)]
    text = "".join(traceback.format_list(frames))
    text += "".join(traceback.format_exception_only(type(exc), exc))
    where = (frames[-1].filename, frames[-1].lineno or 0) if frames else ("?", 0)
    return text.rstrip("\n"), where


class HandlerErrors:
    """Handler errors by group, grouped by what was raised where; each event counted once."""

    MAX_EVENTS = 1_000
    """Distinct events remembered per error, for the count: past it, only times grows."""

    def __init__(self) -> None:
        self.found: dict[tuple[str, str, tuple[str, int]], HandlerError] = {}

    def note(self, group: str, handler: str, exc: Exception, event: str, ident: str,
             key: str | None, attempt: int) -> None:
        error = f"{type(exc).__name__}: {exc}"
        text, where = user_traceback(exc)
        slot = (group, error, where)
        found = self.found.get(slot)
        if found is None:
            found = self.found[slot] = HandlerError(group, handler, error, event, ident, key,
                                                    attempt, text)
        found.times += 1
        if len(found.events) < self.MAX_EVENTS:
            found.events.add(ident)

    def messages(self) -> list[tuple[HandlerError, str]]:
        """Each error with its one-line message, in the order they first happened."""
        out = []
        for e in self.found.values():
            many = len(e.events)
            spread = f"{many:,}{'+' if many >= self.MAX_EVENTS else ''} event(s)"
            out.append((e, f"{e.handler} raised {e.error} on a valid {e.event} (event "
                           f"{e.ident}, key {e.key!r}, attempt {e.attempt}); {e.times:,} "
                           f"time(s) on {spread}"))
        return out
