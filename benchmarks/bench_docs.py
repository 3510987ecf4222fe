"""The documentation site for a 1,000-contract x 3-version registry: generation vs full build.

    .venv/bin/python benchmarks/bench_docs.py        (or: benchmarks/run.py --only docs)

The registry comes from `synth.generate` into `benchmarks/_work/` (git-ignored) and is
reused while synth.py is unchanged. Each repetition is a fresh process that times, in
order:

- load: `load_registry` + `load_policy` (the plugin does the same at build time);
- generation: `generate_pages`, the plugin's page generation on its own (registry in,
  Markdown out, compatibility engine included);
- full build: `accord docs build`'s path, i.e. a temporary MkDocs config with
  mkdocs-material, its search and the `accord` plugin, built with `mkdocs build`. It
  loads and generates again inside, as a real build does.

Targets (issue 8): generation at most 20% of the full build, and the full build under
60 s. CPU time of the process is reported next to wall time, because the machine is
shared with other work and wall time then says more about the neighbours than about us.

Environment: ACCORD_BENCH_REPS (default 2), ACCORD_BENCH_CONTRACTS (default 1000).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work"
VERSIONS = 3
SEED = 0
TARGET_RATIO = 0.20
TARGET_FULL = 60.0

CHILD = """\
import json, os, sys, time
os.environ["NO_MKDOCS_2_WARNING"] = "1"
from pathlib import Path
from accord.docs import generate_pages
from accord.docs.build import Sources, build_site, temporary_config
from accord.registry import load_policy, load_registry

root, out = Path(sys.argv[1]), Path(sys.argv[2])
clock = lambda: (time.perf_counter(), time.process_time())
t0 = clock()
registry = load_registry(str(root / "contracts"))
policy = load_policy(root / "governance" / "policy.yaml")
t1 = clock()
pages = generate_pages(registry, policy)
t2 = clock()
with temporary_config(Sources(root / "contracts", root / "governance" / "policy.yaml")) as cfg:
    build_site(cfg, out, strict=False)
t3 = clock()
files = sum(1 for p in out.rglob("*") if p.is_file())
print(json.dumps({
    "load": [t1[0] - t0[0], t1[1] - t0[1]],
    "generation": [t2[0] - t1[0], t2[1] - t1[1]],
    "full": [t3[0] - t2[0], t3[1] - t2[1]],
    "pages": len(pages), "markdown_mb": sum(map(len, pages.values())) / 1e6,
    "site_files": files,
}))
"""


def prepare(contracts: int, versions: int = VERSIONS, seed: int = SEED) -> Path:
    """The synthetic workspace, generated unless an identical one is already there."""
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    import synth

    root = WORK / f"docs-c{contracts}-v{versions}-s{seed}"
    digest = hashlib.sha256(Path(synth.__file__).read_bytes()).hexdigest()
    stamp = root / ".stamp"
    wanted = f"{digest} {contracts} {versions} {seed}\n"
    if stamp.is_file() and stamp.read_text("utf-8") == wanted:
        return root
    synth.generate(root, contracts, versions, seed)
    stamp.write_text(wanted, "utf-8")
    return root


def run_once(root: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="accord-bench-site-") as out:
        done = subprocess.run([sys.executable, "-c", CHILD, str(root), out],
                              capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the build failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    reps = int(os.environ.get("ACCORD_BENCH_REPS", "2"))
    contracts = int(os.environ.get("ACCORD_BENCH_CONTRACTS", "1000"))
    root = prepare(contracts)
    runs = [run_once(root) for _ in range(reps)]
    print(f"docs: {contracts} contracts x {VERSIONS} versions, {reps} runs, "
          f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}")
    print(f"  {runs[0]['pages']} generated files ({runs[0]['markdown_mb']:.1f} MB), "
          f"{runs[0]['site_files']} files in the built site")
    median: dict[str, tuple[float, float]] = {}
    for phase in ("load", "generation", "full"):
        wall = statistics.median(r[phase][0] for r in runs)
        cpu = statistics.median(r[phase][1] for r in runs)
        median[phase] = (wall, cpu)
        print(f"  {phase:<11} wall {wall:6.1f} s   cpu {cpu:6.1f} s")
    for label, index in (("wall", 0), ("cpu", 1)):
        full = median["full"][index]
        gen = median["generation"][index]
        both = gen + median["load"][index]
        print(f"  {label}: generation / full build = {gen / full:.0%} "
              f"(with load: {both / full:.0%}); target <= {TARGET_RATIO:.0%}")
    cpu_full = median["full"][1]
    verdict = "met" if cpu_full < TARGET_FULL else "NOT met"
    print(f"  full build under {TARGET_FULL:.0f} s (CPU): {verdict}")


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"({time.perf_counter() - started:.0f} s)")
