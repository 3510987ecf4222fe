"""The compiled modules (mypyc): the same answers as their sources, and never stale."""

from __future__ import annotations

import hashlib
import importlib.machinery
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from accord import _native

REPO = Path(__file__).resolve().parent.parent


def _run(args: list[str], *, pure: bool) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if k != "ACCORD_PURE_PYTHON"}
    if pure:
        env["ACCORD_PURE_PYTHON"] = "1"
    done = subprocess.run([sys.executable, *args], cwd=REPO, env=env, capture_output=True,
                          text=True)
    return done.returncode, done.stdout


def _without_cpu(report: object) -> object:
    if isinstance(report, dict):
        return {k: _without_cpu(v) for k, v in report.items() if "cpu" not in k.lower()}
    if isinstance(report, list):
        return [_without_cpu(v) for v in report]
    return report


compiled = pytest.mark.skipif(
    not _native.mode().startswith("compiled"),
    reason=f"the hot modules are not compiled here: {_native.mode()}")


@compiled
def test_pure_python_is_asked_for_and_given() -> None:
    where = ["-c", "import accord.sim.engine as e, accord.broker.core as c; "
             "print(e.__file__, c.__file__)"]
    binaries = _run(where, pure=False)[1].split()
    sources = _run(where, pure=True)[1].split()
    assert all(not f.endswith(".py") for f in binaries), binaries
    assert all(f.endswith(".py") for f in sources), sources


@compiled
def test_compiled_and_pure_python_runs_give_the_same_report() -> None:
    """shop.yaml, with its faults, handlers and every invariant: the JSON report of the
    compiled modules is the one of their sources, byte for byte but for the CPU figures."""
    run = ["-m", "accord", "sim", "run", "scenarios/shop.yaml", "--events", "3000",
           "--seed", "5", "--format", "json"]
    (fast_code, fast), (slow_code, slow) = (_run(run, pure=pure) for pure in (False, True))
    assert fast_code == slow_code
    assert _without_cpu(json.loads(fast)) == _without_cpu(json.loads(slow))
    assert json.loads(fast)["metrics"]["events"] == 3000


def _tree(root: Path) -> None:
    """A package laid out as the build leaves it: sources, binaries, the build record."""
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    record = {}
    for name in _native.COMPILED:
        source = root.joinpath(*name.split(".")[1:]).with_suffix(".py")
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_text(f"# {name}\n")
        source.with_suffix(suffix).write_bytes(b"")
        record[name] = hashlib.sha256(source.read_bytes()).hexdigest()
    (root / "_native.json").write_text(json.dumps(record))


def test_binaries_are_trusted_only_while_every_source_matches(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACCORD_PURE_PYTHON", raising=False)
    _tree(tmp_path)
    assert _native._stale(tmp_path) is None

    edited = tmp_path / "sim" / "faults.py"
    edited.write_text(edited.read_text() + "# edited after the build\n")
    assert _native._stale(tmp_path) == "accord.sim.faults changed since it was compiled"

    _tree(tmp_path)
    next(tmp_path.glob("broker/log.*[!y]")).unlink()  # one binary missing
    assert _native._stale(tmp_path) == "accord.broker.log is not compiled"

    _tree(tmp_path)
    (tmp_path / "_native.json").unlink()
    assert _native._stale(tmp_path) == "no record of the compiled sources"

    _tree(tmp_path)
    monkeypatch.setenv("ACCORD_PURE_PYTHON", "1")
    assert _native._stale(tmp_path) == "ACCORD_PURE_PYTHON is set"


def test_setup_compiles_exactly_the_listed_modules() -> None:
    """setup.py reads the list from `accord._native` as text; both see the same list."""
    code = ("import runpy, sys; sys.argv = ['setup.py', 'egg_info']; "
            "ns = runpy.run_path('setup.py', run_name='not_main'); print(ns['MODULES'])")
    listed = subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True,
                            capture_output=True, text=True).stdout.strip()
    assert listed == repr(list(_native.COMPILED))
