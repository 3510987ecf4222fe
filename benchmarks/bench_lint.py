"""`accord lint` on a 1,000-contract x 3-version registry against a parse-only baseline.

    .venv/bin/python benchmarks/bench_lint.py        (or: benchmarks/run.py --only lint)

The registry comes from `synth.generate` into `benchmarks/_work/` (git-ignored) and is
reused while synth.py is unchanged.  In one run, alternating, N repetitions of:

- baseline: a fresh `python -c` that reads every `*.yaml` of the registry with
  `yaml.load(text, Loader=yaml.CSafeLoader)`; wall time of the process, and the time of
  just the loop, measured inside it;
- `accord lint`: the real CLI in the workspace (wall time), and a fresh process that
  times `load_registry` (parse + contract schema + meta-schema + bundling) and `lint`
  (the rules) in-process.

Each process is fresh so that caches are as cold as for a user; CPU time (user + sys of
the child) is reported next to wall time because the machine is shared.  After the timed
runs, one instrumented run splits load and rules further.  Nothing is asserted about
timings; the benchmark fails only if the registry does not lint clean.

Environment: ACCORD_BENCH_REPS (default 5), ACCORD_BENCH_CONTRACTS (default 1000).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work"
VERSIONS = 3
SEED = 0
TARGET_RATIO = 3.0
TARGET_WALL = 2.0

# The parse-only baseline: what reading the registry costs at the very least.
BASELINE = """\
import sys, time
from pathlib import Path
import yaml
start = time.perf_counter()
files = sorted(Path(sys.argv[1]).rglob("*.yaml"))
for path in files:
    yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
print(f'{{"files": {len(files)}, "loop": {time.perf_counter() - start}}}')
"""


# -- the registry ------------------------------------------------------------------------


def prepare(contracts: int = 1000, versions: int = VERSIONS, seed: int = SEED) -> Path:
    """The workspace to lint, generated unless an identical one is already there."""
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    import synth

    root = WORK / f"lint-c{contracts}-v{versions}-s{seed}"
    digest = hashlib.sha256(Path(synth.__file__).read_bytes()).hexdigest()
    stamp = root / ".stamp"
    wanted = f"{digest} {contracts} {versions} {seed}\n"
    if stamp.is_file() and stamp.read_text("utf-8") == wanted:
        return root
    started = time.perf_counter()
    synth.generate(root, contracts, versions, seed)
    stamp.write_text(wanted, "utf-8")
    print(f"generated {contracts} contracts x {versions} versions into "
          f"{root.relative_to(HERE.parent)} in {time.perf_counter() - started:.1f} s")
    return root


def _accord() -> str:
    beside = Path(sys.executable).with_name("accord")  # not resolved: stay in the venv
    found = str(beside) if beside.is_file() else shutil.which("accord")
    if not found:
        raise RuntimeError("the accord command is not installed next to this python")
    return found


# -- measuring ---------------------------------------------------------------------------


def _run(argv: Sequence[str], cwd: Path) -> tuple[float, float, str]:
    """Wall and CPU seconds of one child process, and its stdout; fails on a non-zero exit."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:2])} exited {done.returncode}:\n"
                           f"{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return wall, cpu, done.stdout


def _revision() -> str:
    """The commit measured, and whether src/ had uncommitted changes (a shared tree)."""
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=HERE.parent, capture_output=True, text=True,
                              check=False)
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    status = git("status", "--porcelain", "--", "src").splitlines()
    dirty = [line.split(maxsplit=1)[-1] for line in status if line.strip()]
    if not dirty:
        return f"{head} (src/ clean)"
    shown = ", ".join(path.removeprefix("src/accord/") for path in dirty[:6])
    return f"{head} + uncommitted changes in src/: {shown}{', ...' if len(dirty) > 6 else ''}"


def _json_line(stdout: str) -> dict[str, Any]:
    line = stdout.strip().splitlines()[-1]
    data: dict[str, Any] = json.loads(line)
    return data


def _check_clean(root: Path) -> str:
    """The registry must lint clean; returns the CLI's summary line."""
    _, _, out = _run([_accord(), "lint"], root)
    summary = out.strip().splitlines()[-1] if out.strip() else ""
    if not summary.startswith("0 errors"):
        raise RuntimeError(f"the synthetic registry does not lint clean: {summary!r}")
    return summary


Samples = dict[str, list[float]]


def measure(root: Path, reps: int) -> Samples:
    """Alternate the four measurements ``reps`` times (after one untimed warm-up)."""
    accord = _accord()
    registry = str(root / "contracts")
    samples: Samples = {}

    def add(name: str, value: float) -> None:
        samples.setdefault(name, []).append(value)

    def baseline() -> None:
        wall, cpu, out = _run([sys.executable, "-c", BASELINE, registry], root)
        add("baseline.wall", wall)
        add("baseline.cpu", cpu)
        add("baseline.loop", float(_json_line(out)["loop"]))

    def cli() -> None:
        wall, cpu, _ = _run([accord, "lint"], root)
        add("lint.wall", wall)
        add("lint.cpu", cpu)

    def probe() -> None:
        _, _, out = _run([sys.executable, __file__, "--probe"], root)
        for key, value in _json_line(out).items():
            add(f"probe.{key}", float(value))

    steps: list[Callable[[], None]] = [baseline, cli, probe]
    for step in steps:  # warm-up: page cache, .pyc files
        step()
    samples.clear()
    for rep in range(reps):
        order = steps if rep % 2 == 0 else steps[::-1]
        for step in order:
            step()
        print(f"  rep {rep + 1}/{reps}: baseline {samples['baseline.wall'][-1]:.2f} s, "
              f"lint {samples['lint.wall'][-1]:.2f} s", flush=True)
    return samples


# -- in the child process ----------------------------------------------------------------


def probe() -> dict[str, float]:
    """In-process times of one lint of the workspace in the current folder (seconds)."""
    clock = time.perf_counter
    cpu = time.process_time
    t0 = clock()
    from accord.commands.common import display
    from accord.config import find_config
    from accord.governance.lint import lint
    from accord.governance.plugins import load_rules
    from accord.registry import load_policy, load_registry

    t1 = clock()
    config = find_config()
    policy = load_policy(config.policy)
    rules = load_rules(config.plugins, config.base)
    t2, c2 = clock(), cpu()
    registry = load_registry(display(config.registry))
    t3, c3 = clock(), cpu()
    report = lint(registry, policy, rules)
    t4, c4 = clock(), cpu()
    if report.errors:
        raise SystemExit(f"lint found {report.errors} errors")
    return {"import": t1 - t0, "setup": t2 - t1, "load": t3 - t2, "rules": t4 - t3,
            "load+rules": t4 - t2, "load.cpu": c3 - c2, "rules.cpu": c4 - c3,
            "load+rules.cpu": c4 - c2}


def probe_detail() -> dict[str, float]:
    """One lint with the stages timed separately, in CPU seconds (wrappers add a little)."""
    from accord.commands.common import display
    from accord.config import find_config
    from accord.governance.lint import lint
    from accord.governance.plugins import load_rules
    from accord.registry import load_policy, load_registry, loader, refs

    spent: dict[str, float] = {}

    def timed(name: str, fn: Callable[..., Any], consume: bool = False) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.process_time()
            try:
                result = fn(*args, **kwargs)
                return list(result) if consume else result
            finally:
                spent[name] = spent.get(name, 0.0) + time.process_time() - started

        return wrapper

    class TimedValidator:
        """The contract-file validator, timed however the loader calls it."""

        def __init__(self, inner: Any) -> None:
            self._inner = inner

        def is_valid(self, instance: Any) -> bool:
            return bool(timed(contract_schema, self._inner.is_valid)(instance))

        def iter_errors(self, instance: Any) -> Any:
            return iter(timed(contract_schema, self._inner.iter_errors, consume=True)(instance))

        def __getattr__(self, name: str) -> Any:
            return getattr(self._inner, name)

    contract_schema = "load: contract-file schema (jsonschema)"
    validator = TimedValidator(loader._contract_validator())
    # The loader is still changing; a stage whose hook is gone lands in "other".
    patches: list[tuple[Any, tuple[str, ...], str]] = [
        (loader, ("load_yaml",), "load: parse YAML (events -> data + source map)"),
        (loader, ("check_meta", "_check_meta"), "load: meta-schema check"),
        (refs.Bundler, ("bundle",), "load: $ref bundling"),
    ]
    loader.__dict__["_contract_validator"] = lambda: validator
    for owner, names, label in patches:
        for attribute in names:
            if hasattr(owner, attribute):
                setattr(owner, attribute, timed(label, getattr(owner, attribute)))
                break

    config = find_config()
    policy = load_policy(config.policy)
    rules = load_rules(config.plugins, config.base)
    for rule in rules:
        for method in ("check_contract", "check_schema"):
            setattr(rule, method, timed(f"rule {rule.id}", getattr(rule, method), consume=True))
    started = time.process_time()
    registry = load_registry(display(config.registry))
    middle = time.process_time()
    lint(registry, policy, rules)
    ended = time.process_time()
    staged_load = sum(v for k, v in spent.items() if k.startswith("load:"))
    # bundling reads the shared documents, so a little parsing is counted twice; negligible
    spent["load: other (read files, model, ...)"] = middle - started - staged_load
    staged_rules = sum(v for k, v in spent.items() if k.startswith("rule "))
    spent["rules: lint() overhead (findings, contexts)"] = ended - middle - staged_rules
    spent["total load"] = middle - started
    spent["total rules"] = ended - middle
    return spent


# -- reporting ---------------------------------------------------------------------------


def _fmt(values: list[float]) -> tuple[str, str]:
    return f"{statistics.median(values):.3f}", f"{min(values):.3f}"


def table(samples: Samples) -> str:
    med = {k: statistics.median(v) for k, v in samples.items()}
    low = {k: min(v) for k, v in samples.items()}
    rows = [
        ("accord lint, wall (subprocess)", "lint.wall"),
        ("baseline parse-only, wall (subprocess)", "baseline.wall"),
        ("accord lint, CPU user+sys (subprocess)", "lint.cpu"),
        ("baseline parse-only, CPU user+sys (subprocess)", "baseline.cpu"),
        ("accord in-process: load_registry + lint, wall", "probe.load+rules"),
        ("  load (parse + contract schema + meta-schema + bundling), wall", "probe.load"),
        ("  rules (lint), wall", "probe.rules"),
        ("accord in-process: load_registry + lint, CPU", "probe.load+rules.cpu"),
        ("  load, CPU", "probe.load.cpu"),
        ("  rules, CPU", "probe.rules.cpu"),
        ("  (not in the above: importing accord, wall)", "probe.import"),
        ("baseline in-process: the parse loop, wall", "baseline.loop"),
    ]
    lines = ["| measure | median s | min s |", "|---|---:|---:|"]
    lines += [f"| {label} | {' | '.join(_fmt(samples[key]))} |" for label, key in rows]
    ratios = [
        ("**ratio lint / baseline, wall**", "lint.wall", "baseline.wall"),
        ("ratio lint / baseline, CPU", "lint.cpu", "baseline.cpu"),
        ("**ratio in-process (load+lint) / parse loop**", "probe.load+rules", "baseline.loop"),
    ]
    lines += [f"| {label} | {med[a] / med[b]:.2f}x | {low[a] / low[b]:.2f}x |"
              for label, a, b in ratios]
    ratio = med["lint.wall"] / med["baseline.wall"]
    lines += [
        "",
        f"Targets: lint <= {TARGET_RATIO:g}x the parse-only baseline (wall, median): "
        f"{'met' if ratio <= TARGET_RATIO else 'NOT met'} ({ratio:.2f}x); "
        f"lint well under {TARGET_WALL:g} s: "
        f"{'met' if med['lint.wall'] < TARGET_WALL else 'NOT met'} "
        f"({med['lint.wall']:.2f} s).",
    ]
    return "\n".join(lines)


def detail_table(spent: dict[str, float]) -> str:
    total = spent["total load"] + spent["total rules"]
    lines = ["| stage (one instrumented run) | CPU s | % of load+rules |", "|---|---:|---:|"]
    stages = sorted(((k, v) for k, v in spent.items() if not k.startswith("total")),
                    key=lambda kv: (not kv[0].startswith("load"), -kv[1]))
    for name, value in stages:
        if value >= 0.0005 or name.startswith("load"):
            lines.append(f"| {name} | {value:.3f} | {100 * value / total:.1f} |")
    lines.append(f"| **total load** | {spent['total load']:.3f} | "
                 f"{100 * spent['total load'] / total:.1f} |")
    lines.append(f"| **total rules** | {spent['total rules']:.3f} | "
                 f"{100 * spent['total rules'] / total:.1f} |")
    return "\n".join(lines)


def main() -> None:
    reps = int(os.environ.get("ACCORD_BENCH_REPS", "5"))
    contracts = int(os.environ.get("ACCORD_BENCH_CONTRACTS", "1000"))
    print(f"## accord lint: {contracts} contracts x {VERSIONS} versions\n")
    root = prepare(contracts)
    files = sorted((root / "contracts").rglob("*.yaml"))
    size = sum(p.stat().st_size for p in files)
    summary = _check_clean(root)
    print(f"registry: {len(files)} YAML files, {size / 1e6:.1f} MB; accord lint says: {summary}")
    print(f"accord: {_revision()}")
    print(f"machine: nproc {os.cpu_count()}, Python {platform.python_version()}, "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}; "
          f"{reps} repetitions, alternating\n", flush=True)
    samples = measure(root, reps)
    print()
    print(table(samples))
    _, _, out = _run([sys.executable, __file__, "--probe-detail"], root)
    print()
    print(detail_table(_json_line(out)))
    print(f"\nload average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    if sys.argv[1:] == ["--probe"]:
        print(json.dumps(probe()))
    elif sys.argv[1:] == ["--probe-detail"]:
        print(json.dumps(probe_detail()))
    else:
        main()
