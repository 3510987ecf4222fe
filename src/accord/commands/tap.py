"""`accord tap`: judge live traffic on a real engine against the registry."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Literal

import click

from accord.commands.common import open_workspace
from accord.errors import UsageError
from accord.tap import TapOptions, TapReport, tap


def _progress(report: TapReport) -> None:
    """One line on the terminal, rewritten in place: the run so far."""
    invalid = sum(report.invalid.values())
    click.echo(f"\rtapping {report.channel}: {report.events:,} events, {invalid:,} invalid, "
               f"{report.unmatched_count:,} unmatched, {report.seconds:.0f} s "
               "(Ctrl-C ends it)", nl=False, err=True)


def where(start: str) -> tuple[Literal["earliest", "latest"], int | None, int | None]:
    """``--from``: ``earliest``, ``latest``, an offset, or an ISO-8601 time (UTC unless it
    says otherwise) as (start, offset, since_ms)."""
    if start in ("earliest", "latest"):
        return start, None, None  # type: ignore[return-value]
    if start.isdigit():
        return "earliest", int(start), None
    try:
        moment = datetime.fromisoformat(start.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"--from {start!r}: write earliest, latest, an offset (a whole "
                         "number) or a time such as 2026-12-05T10:00:00Z") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return "earliest", None, int(moment.timestamp() * 1000)


def run(broker: str, channel: str, group: str | None, fmt: str, max_events: int | None,
        duration: float | None, start: str, schema_registry: str | None = None) -> int:
    registry = open_workspace().registry
    live = sys.stderr.isatty()
    begin, offset, since_ms = where(start)
    options = TapOptions(broker, channel, group, max_events, duration, begin, offset,
                         since_ms, schema_registry)
    report = tap(registry, options,
                 _progress if live else None,
                 lambda warning: click.echo(f"warning: {warning}", err=True))
    if live:
        click.echo(err=True)  # end the progress line
    click.echo(report.json_text() if fmt == "json" else report.text())
    if report.stopped is not None:
        click.echo(f"error: {report.stopped}", err=True)
    return report.exit_code
