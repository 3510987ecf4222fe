"""Which modules are compiled (mypyc, by setup.py), and a guard against stale binaries.

A compiled module is the same typed source built into an extension module. In a source
checkout (an editable install) the binaries sit next to the sources, and Python prefers
them, so a source edited after the build would be shadowed by the old binary. The build
records each compiled source's hash (`_native.json`); on the first import of any of them,
the binaries are used only if every hash still matches, else all of them are imported as
source (a compiled module calls the others directly, so it is all or none).
``ACCORD_PURE_PYTHON=1`` imports them as source too (and, at install, skips compiling).
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

COMPILED = (
    "accord.broker.consumer",
    "accord.broker.core",
    "accord.broker.groups",
    "accord.broker.log",
    "accord.broker.partitioning",
    "accord.broker.records",
    "accord.sim.broker_faults",
    "accord.sim.context",
    "accord.sim.engine",
    "accord.sim.faults",
    "accord.sim.generators",
    "accord.sim.lifecycles",
    "accord.sim.models",
    "accord.sim.validation",
)
"""The simulator's and the embedded broker's hot path (setup.py reads this list)."""

_ROOT = Path(__file__).resolve().parent


def _source(name: str, root: Path = _ROOT) -> Path:
    return root.joinpath(*name.split(".")[1:]).with_suffix(".py")


def _binary(name: str, root: Path = _ROOT) -> Path | None:
    source = _source(name, root)
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        found = source.with_suffix(suffix)
        if found.exists():
            return found
    return None


def mode() -> str:
    """``compiled``, or ``pure Python`` and why (for benchmarks and bug reports)."""
    if not any(_binary(name) for name in COMPILED):
        return "pure Python (not compiled)"
    why = _stale()
    return f"pure Python ({why})" if why else f"compiled ({len(COMPILED)} modules, mypyc)"


def _stale(root: Path = _ROOT) -> str | None:
    """Why the binaries under ``root`` must not be used, or None when each matches its
    source."""
    if os.environ.get("ACCORD_PURE_PYTHON"):
        return "ACCORD_PURE_PYTHON is set"
    try:
        recorded = json.loads((root / "_native.json").read_text("utf-8"))
    except (OSError, ValueError):
        return "no record of the compiled sources"
    for name in COMPILED:
        if _binary(name, root) is None:
            return f"{name} is not compiled"
        try:
            digest = hashlib.sha256(_source(name, root).read_bytes()).hexdigest()
        except OSError:
            continue  # a binary without its source: nothing it could be stale against
        if recorded.get(name) != digest:
            return f"{name} changed since it was compiled"
    return None


class _SourceWhenStale(importlib.abc.MetaPathFinder):
    """Imports the compiled modules from source when their binaries are stale."""

    def __init__(self) -> None:
        self.decided: bool | None = None  # None: not asked yet; True: use the sources

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if fullname not in COMPILED:
            return None
        if self.decided is None:
            self.decided = any(_binary(name) for name in COMPILED) and _stale() is not None
        if not self.decided:
            return None  # the usual import: the binary when there is one
        return importlib.util.spec_from_file_location(fullname, _source(fullname))


def install() -> None:
    """Put the guard in front of the import system (once)."""
    if not any(isinstance(f, _SourceWhenStale) for f in sys.meta_path):
        sys.meta_path.insert(0, _SourceWhenStale())
