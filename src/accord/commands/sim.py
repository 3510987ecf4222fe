"""`accord sim run SCENARIO` and `accord sim replay FILE`: the simulator's front end."""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path
from typing import Any

import click

from accord.errors import UsageError
from accord.sim import Report, Simulation, load_repro

PROGRESS_FROM = 20_000
"""Runs of at least this many events show a progress bar (on a terminal)."""


def _show(report: Report, fmt: str, wall: float, cpu: float, html: str | None = None) -> int:
    if html is not None:
        from accord.sim.html import write_html

        write_html(Path(html), report)
        # On stderr: with --format json, stdout stays one JSON document.
        click.echo(f"html report: {html}", err=True)
    if fmt == "json":
        click.echo(report.json_text())
    else:
        click.echo(report.text(wall, cpu))
    if report.error is not None:
        click.echo(f"error: {report.error}", err=True)
    return report.exit_code


class _LazyBar:
    """A progress bar that appears with the first progress, so that an engine that cannot
    be reached gets its one error line without a bar label before it."""

    def __init__(self, length: int, stack: contextlib.ExitStack) -> None:
        self._length, self._stack = length, stack
        self._bar: Any = None

    def __call__(self, n: int) -> None:
        if self._bar is None:
            self._bar = self._stack.enter_context(
                click.progressbar(length=self._length, label="simulating", file=sys.stderr))
        self._bar.update(n)


DEFAULT_SCENARIO = "scenarios/shop.yaml"


def run(scenario: str | None, seed: int | None, events: int | None, fmt: str,
        repro: str | None, html: str | None = None, broker: str = "embedded",
        keep_log: bool = False) -> int:
    if scenario is None:
        if not Path(DEFAULT_SCENARIO).is_file():
            raise UsageError(f"no scenario given, and no {DEFAULT_SCENARIO} here: give a "
                             "scenario file (`accord schema scenario` prints its format; "
                             "site/docs/simulator.md shows one)")
        scenario = DEFAULT_SCENARIO
    wall, cpu = time.perf_counter(), time.process_time()
    sim = Simulation(scenario, seed=seed, events=events, broker=broker, keep_log=keep_log)
    target = repro or str(Path(scenario).with_suffix("")) + ".repro.yaml"
    count = sim.scenario.events or 0
    # Real time is slow time: a run on an engine always shows where it is.
    if fmt == "text" and (count >= PROGRESS_FROM or sim.broker is not None):
        with contextlib.ExitStack() as stack:
            report = sim.run(shrink_to=target, progress=_LazyBar(count, stack))
    else:
        report = sim.run(shrink_to=target)
    return _show(report, fmt, time.perf_counter() - wall, time.process_time() - cpu, html)


def replay(file: str, fmt: str) -> int:
    wall, cpu = time.perf_counter(), time.process_time()
    report = load_repro(file).run()
    return _show(report, fmt, time.perf_counter() - wall, time.process_time() - cpu)
