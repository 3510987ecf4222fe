"""`accord check --base HEAD` on the synthetic 1,000-contract registry, against `accord lint`
on the same registry, and a pre-commit run on one changed file against `accord --version`.

Targets (issue 3): check --base ≤ 3× lint; pre-commit on one file ≤ 1.5× `accord --version`.
All commands run as subprocesses, alternating, in the same run.
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

ACCORD = str(Path(sys.executable).with_name("accord"))
ROUNDS = 5


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def _time(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd)} failed: {result.stderr.decode()[-500:]}")
    return elapsed


def _row(name: str, times: list[float], baseline: list[float] | None = None) -> str:
    median = statistics.median(times)
    ratio = f"{median / statistics.median(baseline):.2f}×" if baseline else "1.00× (baseline)"
    return f"| {name} | {median * 1000:.0f} ms | {min(times) * 1000:.0f} ms | {ratio} |"


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="accord-bench-check-"))
    try:
        generate(work, contracts=1000, versions=3, seed=0)
        _git(work, "init", "-q")
        _git(work, "add", "-A")
        _git(work, "-c", "user.name=b", "-c", "user.email=b@e", "commit", "-q", "-m", "base")
        one = sorted(p for p in (work / "contracts").rglob("*.yaml")
                     if not p.name.startswith("_") and "_shared" not in p.parts)[0]
        # A pre-commit run sees one edited file: touch its description.
        one.write_text(one.read_text().replace("summary: ", "summary: Edited. ", 1))
        rel = one.relative_to(work).as_posix()
        commands = {
            "accord lint": [ACCORD, "lint"],
            "accord check --base HEAD": [ACCORD, "check", "--base", "HEAD"],
            "accord --version": [ACCORD, "--version"],
            f"accord check --base HEAD {rel}": [ACCORD, "check", "--base", "HEAD", rel],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for cmd in commands.values():  # warm the page cache once
            _time(cmd, work)
        for _ in range(ROUNDS):
            for name, cmd in commands.items():
                times[name].append(_time(cmd, work))
        names = list(commands)
        print(f"\n### accord check ({ROUNDS} rounds, 1,000 contracts × 3 versions)\n")
        print("| command | median | min | ratio |")
        print("|---|---|---|---|")
        print(_row(names[0], times[names[0]]))
        print(_row(names[1], times[names[1]], times[names[0]]))
        print(_row(names[2], times[names[2]]))
        print(_row("pre-commit: " + names[3], times[names[3]], times[names[2]]))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
