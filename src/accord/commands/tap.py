"""`accord tap`: judge live traffic on a real engine against the registry."""

from __future__ import annotations

import sys
from typing import Literal

import click

from accord.commands.common import open_workspace
from accord.tap import TapOptions, TapReport, tap


def _progress(report: TapReport) -> None:
    """One line on the terminal, rewritten in place: the run so far."""
    invalid = sum(report.invalid.values())
    click.echo(f"\rtapping {report.channel}: {report.events:,} events, {invalid:,} invalid, "
               f"{report.unmatched_count:,} unmatched, {report.seconds:.0f} s "
               "(Ctrl-C ends it)", nl=False, err=True)


def run(broker: str, channel: str, group: str | None, fmt: str, max_events: int | None,
        duration: float | None, start: Literal["earliest", "latest"]) -> int:
    registry = open_workspace().registry
    live = sys.stderr.isatty()
    report = tap(registry, TapOptions(broker, channel, group, max_events, duration, start),
                 _progress if live else None,
                 lambda warning: click.echo(f"warning: {warning}", err=True))
    if live:
        click.echo(err=True)  # end the progress line
    click.echo(report.json_text() if fmt == "json" else report.text())
    if report.stopped is not None:
        click.echo(f"error: {report.stopped}", err=True)
    return report.exit_code
