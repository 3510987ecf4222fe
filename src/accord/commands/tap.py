"""`accord tap`: judge live traffic on a real engine against the registry."""

from __future__ import annotations

from typing import Literal

import click

from accord.commands.common import open_workspace
from accord.tap import TapOptions, tap


def run(broker: str, channel: str, group: str | None, fmt: str, max_events: int | None,
        duration: float | None, start: Literal["earliest", "latest"]) -> int:
    registry = open_workspace().registry
    report = tap(registry, TapOptions(broker, channel, group, max_events, duration, start))
    click.echo(report.json_text() if fmt == "json" else report.text())
    if report.stopped is not None:
        click.echo(f"error: {report.stopped}", err=True)
    return report.exit_code
