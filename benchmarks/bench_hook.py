"""The pre-commit hook on one changed file of the 1,000-contract registry, next to
check-jsonschema (python-jsonschema's pre-commit hook) validating the same file.

Both run as pre-commit runs them: a new process per commit, the changed file as argument.
Accord: `accord check --base HEAD --hook FILE` (lint of the file, its version chain, and
the rules of change against HEAD, read through git). check-jsonschema: the same file
against Accord's contract-file schema (`accord schema contract`), which is what a team
gets from it: the file's shape, no semantics. Alternating rounds, same run.
Target (issue 14): no slower than check-jsonschema.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synth import generate  # noqa: E402

BIN = Path(sys.executable).parent
ROUNDS = 7


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=b", "-c", "user.email=b@b", *args], cwd=root,
                   check=True, capture_output=True)


def _time(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {result.returncode}: "
                           f"{(result.stdout + result.stderr).decode()[-400:]}")
    return elapsed


def main() -> None:
    if not (BIN / "check-jsonschema").exists():
        raise SystemExit("check-jsonschema is not installed (the bench extra)")
    work = Path(tempfile.mkdtemp(prefix="accord-bench-hook-"))
    try:
        generate(work, contracts=1000, versions=3, seed=0)
        _git(work, "init", "-q")
        _git(work, "add", "-A")
        _git(work, "commit", "-q", "-m", "base")
        changed = sorted((work / "contracts").glob("*/*.yaml"))[500]
        text = changed.read_text()
        changed.write_text(text.replace("summary: ", "summary: (edited) ", 1))
        rel = str(changed.relative_to(work))
        schema = work / "contract.schema.json"
        schema.write_text(subprocess.run([str(BIN / "accord"), "schema", "contract"],
                                         capture_output=True, text=True, check=True).stdout)
        commands = {
            f"accord check --base HEAD --hook {rel}":
                [str(BIN / "accord"), "check", "--base", "HEAD", "--hook", rel],
            f"check-jsonschema --schemafile contract.schema.json {rel}":
                [str(BIN / "check-jsonschema"), "--schemafile", str(schema), rel],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for cmd in commands.values():
            _time(cmd, work)  # warm the page cache
        for _ in range(ROUNDS):
            for name, cmd in commands.items():
                times[name].append(_time(cmd, work))
        accord, peer = (statistics.median(t) for t in times.values())
        print(f"\n### pre-commit on one changed file, 1,000 contracts × 3 versions "
              f"({ROUNDS} rounds)\n")
        print("| command | median | min | max |")
        print("|---|---|---|---|")
        for name, values in times.items():
            print(f"| `{name}` | {statistics.median(values) * 1000:.0f} ms | "
                  f"{min(values) * 1000:.0f} ms | {max(values) * 1000:.0f} ms |")
        print(f"\naccord / check-jsonschema: **{accord / peer:.2f}×**")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
