"""The tap loop: consume a channel in a group of its own, judge, ack, stop on a bound."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from accord.broker.adapters import AdapterError, EngineBroker, connect
from accord.broker.adapters.base import redact
from accord.errors import UsageError
from accord.registry.model import Registry

from .identify import Identifier, NotJson
from .remote import RemoteSchemas
from .report import TapReport

POLL_MS = 200
"""How long one poll waits for traffic: short, so --duration is kept to within it."""
PROGRESS_S = 0.5
"""How often ``progress`` hears of the counts so far."""


@dataclass(frozen=True, slots=True)
class TapOptions:
    broker: str
    channel: str
    group: str | None = None
    max_events: int | None = None
    duration: float | None = None
    start: Literal["earliest", "latest"] = "latest"
    offset: int | None = None
    """Read from this offset (Kafka's offset, NATS's stream sequence) instead of ``start``."""
    since_ms: int | None = None
    """Read from the first record at or after this time (ms since the epoch)."""
    schema_registry: str | None = None
    """A Schema Registry whose ids name the schemas of wire-format messages."""


def tap(registry: Registry, options: TapOptions,
        progress: Callable[[TapReport], None] | None = None,
        warn: Callable[[str], None] | None = None) -> TapReport:
    """Consume until ``max_events`` or ``duration`` or Ctrl-C; a failure ends it early.

    Without ``--group`` the tap reads in a group of its own, so other groups' positions
    and pending entries are never touched, and removes that group when done.
    ``progress`` gets the report so far about every PROGRESS_S (and after the last poll);
    ``warn`` hears of a risk before the tap starts reading (also kept in the report).
    Ctrl-C is how an unbounded tap ends: the report of what was seen follows as usual.
    """
    if not options.channel.strip():
        raise UsageError("--channel is empty: name the subject or stream to read")
    report = TapReport(redact(options.broker), options.channel)
    channels = sorted({c.topic for c in registry.contracts})
    if options.channel not in channels:
        # Not refused: CloudEvents on a shared bus are judged by their type, whatever the
        # channel. But anything else there will match no contract, so say so up front.
        report.warnings.append(
            f"no contract has channel {options.channel!r} (channels: "
            f"{', '.join(channels) or 'none'}); only CloudEvents, by their type, can match")
        if warn is not None:
            warn(report.warnings[-1])
    broker = connect(options.broker)
    try:
        if not broker.exists(options.channel):
            raise AdapterError(f"{broker.url} has no stream for channel "
                               f"{options.channel!r}")
        own = options.group is None
        group = options.group or f"accord-tap-{os.getpid()}-{time.time_ns() % 10**9}"
        if not own and _group_exists(broker, group, options.channel):
            report.warnings.append(
                f"group {group!r} already exists on {options.channel!r}: the tap joins it as "
                "one more member, taking and acking messages its other members would get")
            if warn is not None:
                warn(report.warnings[-1])
        try:
            _consume(broker, registry, options, group, report, progress)
        finally:
            if own:  # best effort, whatever ended the run: a link that is gone keeps it
                with contextlib.suppress(AdapterError, KeyboardInterrupt):
                    broker.drop_group(group, options.channel)
    finally:
        broker.close()
    return report


def _group_exists(broker: EngineBroker, group: str, topic: str) -> bool:
    """Whether ``group`` is already there (lag answers for existing groups only)."""
    try:
        broker.lag(group, topic)
    except AdapterError:
        return False
    return True


def _consume(broker: EngineBroker, registry: Registry, options: TapOptions, group: str,
             report: TapReport, progress: Callable[[TapReport], None] | None) -> None:
    remote = RemoteSchemas(options.schema_registry) if options.schema_registry else None
    judge = Identifier(registry, options.channel, remote)
    placed = options.offset is not None or options.since_ms is not None
    sub = broker.subscribe(options.channel, group,
                           start="earliest" if placed else options.start)
    if placed:
        broker.ready()  # a Kafka member holds its partitions only once its group formed
        if options.offset is not None:
            broker.seek(group, options.channel, offset=options.offset)
        else:
            broker.seek(group, options.channel, timestamp=options.since_ms)
    started = time.monotonic()
    deadline = started + options.duration if options.duration is not None else None
    shown = started
    try:
        while options.max_events is None or report.events < options.max_events:
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                break
            if progress is not None and now - shown >= PROGRESS_S:
                shown, report.seconds = now, now - started
                progress(report)
            room = 500 if options.max_events is None else options.max_events - report.events
            for message in sub.poll(room, timeout_ms=POLL_MS):
                at = broker.position(message.offset)
                where = f"the message at {at} of {options.channel!r}"
                report.add(at, judge.judge(message.data, message.headers, where))
                message.ack()
    except (AdapterError, NotJson) as exc:
        # What was measured before the failure is still reported, then the error.
        report.stopped = str(exc)
    except KeyboardInterrupt:
        pass  # the user ended an open-ended tap: report what was seen
    finally:
        report.seconds = time.monotonic() - started
        sub.close()
    if progress is not None:
        with contextlib.suppress(KeyboardInterrupt):  # a second Ctrl-C: the report still
            progress(report)
