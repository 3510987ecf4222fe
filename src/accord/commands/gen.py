"""`accord gen python --out DIR [--package NAME] [--style S] [--check]`."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import click

from accord.codegen import generate_python, stale_files, write_package
from accord.config import find_config
from accord.registry import load_registry


def run(out: str, package: str, style: str, check: bool) -> int:
    # Loading a registry and generating from it builds millions of small containers and
    # almost no cycles (1,000 contracts: some 1,600 cyclic objects, the same peak memory);
    # the collector's rescans of them are about 15% of the command. Pause it meanwhile.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _run(out, package, style, check)
    finally:
        if enabled:
            gc.enable()


def _run(out: str, package: str, style: str, check: bool) -> int:
    config = find_config()
    registry = load_registry(config.registry)
    # The header names the registry relative to the project, so output is the same anywhere.
    try:
        source = Path(os.path.relpath(config.registry, config.base)).as_posix()
    except ValueError:  # pragma: no cover - another drive on Windows
        source = config.registry.name
    files = generate_python(registry, package=package, style=style, source=source)
    target = Path(out)
    if check:
        stale = stale_files(files, target)
        for path in stale:
            click.echo(f"stale: {(target / path).as_posix()}")
        if stale:
            click.echo(f"{len(stale)} generated file(s) out of date; run "
                       f"`accord gen python --out {out} --package {package} --style {style}`",
                       err=True)
            return 1
        click.echo(f"{len(files)} generated file(s) up to date")
        return 0
    touched = write_package(files, target)
    click.echo(f"{package}: {len(files)} file(s) in {target.as_posix()}, "
               f"{len(touched)} written or removed")
    return 0
