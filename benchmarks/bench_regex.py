"""`accord lint` on the 1,000-contract registry before and after the regex engine change
(Python's `re` -> RE2, linear time), in the same run.

"Before" is this repository at the commit before the change (db38d7c), checked out with
`git worktree` into a temporary folder and run with the same interpreter and packages
(`PYTHONPATH=<that checkout>/src python -m accord lint`); "after" is the working tree.
Alternating rounds. Target (issue 22): after no slower than 1.2x before.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from synth import generate  # noqa: E402

BEFORE = "db38d7c"
ROUNDS = 5


def _time(src: Path, cwd: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(src)}
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "accord", "lint"], cwd=cwd, env=env,
                            capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        raise RuntimeError(result.stderr.decode()[-400:])
    return elapsed


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="accord-bench-regex-"))
    old = work / "before"
    try:
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(old), BEFORE],
                       cwd=REPO, check=True, capture_output=True)
        registry = work / "registry"
        generate(registry, contracts=1000, versions=3, seed=0)
        sources = {"before (Python re)": old / "src", "after (RE2)": REPO / "src"}
        times: dict[str, list[float]] = {name: [] for name in sources}
        for src in sources.values():
            _time(src, registry)  # warm the page cache
        for _ in range(ROUNDS):
            for name, src in sources.items():
                times[name].append(_time(src, registry))
        before, after = (statistics.median(t) for t in times.values())
        print(f"\n### accord lint, 1,000 contracts x 3 versions ({ROUNDS} rounds)\n")
        print("| code | median | min | max |")
        print("|---|---|---|---|")
        for name, values in times.items():
            print(f"| {name} | {statistics.median(values):.2f} s | {min(values):.2f} s | "
                  f"{max(values):.2f} s |")
        print(f"\nafter / before: **{after / before:.2f}x** (target <= 1.2x)")
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=REPO,
                       capture_output=True, check=False)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
