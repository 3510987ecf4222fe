"""`accord sim run SCENARIO` and `accord sim replay FILE`: the simulator's front end."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from accord.sim import Report, Simulation, load_repro

PROGRESS_FROM = 20_000
"""Runs of at least this many events show a progress bar (on a terminal)."""


def _show(report: Report, fmt: str, wall: float, cpu: float, html: str | None = None) -> int:
    if html is not None:
        from accord.sim.html import write_html

        write_html(Path(html), report)
    if fmt == "json":
        click.echo(report.json_text())
    else:
        click.echo(report.text(wall, cpu))
    return 0 if report.ok else 1


def run(scenario: str, seed: int | None, events: int | None, fmt: str,
        repro: str | None, html: str | None = None) -> int:
    wall, cpu = time.perf_counter(), time.process_time()
    sim = Simulation(scenario, seed=seed, events=events)
    target = repro or str(Path(scenario).with_suffix("")) + ".repro.yaml"
    count = sim.scenario.events or 0
    if fmt == "text" and count >= PROGRESS_FROM:
        with click.progressbar(length=count, label="simulating", file=sys.stderr) as bar:
            report = sim.run(shrink_to=target, progress=bar.update)
    else:
        report = sim.run(shrink_to=target)
    return _show(report, fmt, time.perf_counter() - wall, time.process_time() - cpu, html)


def replay(file: str, fmt: str) -> int:
    wall, cpu = time.perf_counter(), time.process_time()
    report = load_repro(file).run()
    return _show(report, fmt, time.perf_counter() - wall, time.process_time() - cpu)
