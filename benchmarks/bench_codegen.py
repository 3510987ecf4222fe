"""`accord gen python` against datamodel-code-generator, and `from_dict` against pydantic v2.

    .venv/bin/python benchmarks/bench_codegen.py      (or: benchmarks/run.py --only codegen)

Needs datamodel-code-generator and pydantic in the venv (benchmark only):
`.venv/bin/pip install datamodel-code-generator pydantic`.

1. Generation. The 1,000-contract x 3-version registry from `synth.generate` (in
   `benchmarks/_work/`, reused while synth.py is unchanged). Its bundled version schemas
   (one self-contained JSON Schema per version, exactly what Accord generates from) are
   written as JSON files for datamodel-codegen. In one run, alternating, fresh processes:
   - `accord gen python --out ...` in the workspace: the real CLI, YAML loading included;
   - `datamodel-codegen --input <schemas> --output-model-type dataclasses.dataclass
     --formatters builtin`, its fastest configuration (no black/isort).
   Wall and CPU time (user + sys of the child) are reported; the ratio uses CPU time,
   because the machine is shared and wall time depends on the neighbours.
2. Throughput. The latest version of the first N contracts (default 200): pydantic v2
   models from datamodel-codegen (`pydantic_v2.BaseModel`) for the same schemas, and the
   Accord dataclasses package. Payloads: every example of those versions plus payloads
   drawn from the schemas with hypothesis-jsonschema (seeded), keeping only payloads both
   accept. `Model.model_validate(p)` and `Class.from_dict(p)` are timed in the same
   process, alternating, several rounds; events/s is reported for each.

Environment: ACCORD_BENCH_REPS (generation runs per tool, default 2),
ACCORD_BENCH_CONTRACTS (default 1000), ACCORD_BENCH_MODELS (default 200).
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import importlib
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
TARGET_GEN_RATIO = 10.0
TARGET_THROUGHPUT_RATIO = 1.5


def prepare(contracts: int) -> Path:
    """The synthetic workspace, generated unless an identical one is already there."""
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    import synth

    root = WORK / f"codegen-c{contracts}-v{VERSIONS}-s{SEED}"
    digest = hashlib.sha256(Path(synth.__file__).read_bytes()).hexdigest()
    stamp = root / ".stamp"
    wanted = f"{digest} {contracts} {VERSIONS} {SEED}\n"
    if stamp.is_file() and stamp.read_text("utf-8") == wanted:
        return root
    synth.generate(root, contracts, VERSIONS, SEED)
    stamp.write_text(wanted, "utf-8")
    return root


def export_schemas(root: Path, target: Path) -> list[tuple[str, int, str]]:
    """Write each version's bundled schema as JSON; (event, version, file stem) per file."""
    from accord.registry import load_registry

    registry = load_registry(root / "contracts")
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    out = []
    for contract in registry.contracts:
        for version in contract.versions:
            stem = f"{contract.domain}_{contract.name}_v{version.number}"
            (target / f"{stem}.json").write_text(json.dumps(version.resolved), "utf-8")
            out.append((contract.event, version.number, stem))
    return out


def _run(argv: Sequence[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one child process; fails on a non-zero exit."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{argv[0]} exited {done.returncode}:\n{done.stdout[-2000:]}"
                           f"{done.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _tool(name: str) -> str:
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.is_file() else shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} is not installed next to this python "
                           "(pip install datamodel-code-generator pydantic)")
    return found


def _dmcg(inputs: Path, out: Path, model_type: str) -> list[str]:
    return [_tool("datamodel-codegen"), "--input", str(inputs), "--input-file-type",
            "jsonschema", "--output-model-type", model_type, "--output", str(out),
            "--formatters", "builtin", "--disable-timestamp"]


def bench_generation(root: Path, schemas: Path, reps: int) -> dict[str, Any]:
    out = WORK / "codegen-out"
    samples: dict[str, list[tuple[float, float]]] = {"accord": [], "dmcg": []}
    for _ in range(reps):
        shutil.rmtree(out, ignore_errors=True)
        samples["accord"].append(_run([_tool("accord"), "gen", "python", "--out",
                                       str(out / "accord"), "--package", "synth_events"], root))
        samples["dmcg"].append(_run(_dmcg(schemas, out / "dmcg",
                                          "dataclasses.dataclass"), root))
        print(f"  accord {samples['accord'][-1][0]:6.2f} s wall {samples['accord'][-1][1]:6.2f}"
              f" s cpu | datamodel-codegen {samples['dmcg'][-1][0]:6.2f} s wall "
              f"{samples['dmcg'][-1][1]:6.2f} s cpu", flush=True)
    # In-process: the generator alone, without interpreter start-up and YAML loading.
    from accord.codegen import generate_python
    from accord.registry import load_registry

    registry = load_registry(root / "contracts")
    started, cpu = time.perf_counter(), time.process_time()
    files = generate_python(registry, package="synth_events")
    gen_wall, gen_cpu = time.perf_counter() - started, time.process_time() - cpu
    result = {name: {"wall": statistics.median(w for w, _ in runs),
                     "cpu": statistics.median(c for _, c in runs)}
              for name, runs in samples.items()}
    result["generate_python"] = {"wall": gen_wall, "cpu": gen_cpu,
                                 "files": len(files),
                                 "bytes": sum(len(t.encode()) for t in files.values())}
    return result


def _payloads(schema: Any, examples: Sequence[Any], count: int) -> list[Any]:
    from hypothesis import HealthCheck, given, settings
    from hypothesis_jsonschema import from_schema

    found: list[Any] = list(examples)

    @settings(max_examples=count, database=None, derandomize=True, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(from_schema(copy.deepcopy(schema)))  # it rewrites the schema it gets
    def draw(value: Any) -> None:
        found.append(value)

    try:
        draw()
    except Exception as exc:  # a schema hypothesis-jsonschema cannot draw from
        print(f"  (no drawn payloads for one schema: {type(exc).__name__})")
    return found


def bench_throughput(root: Path, versions: list[tuple[str, int, str]], models: int,
                     drawn: int, label: str, rounds: int = 5) -> dict[str, Any]:
    """from_dict against pydantic's model_validate, and the validating constructor, on the
    latest version of the first ``models`` contracts of the registry under ``root``."""
    from accord.codegen import generate_python, write_package
    from accord.registry import load_registry

    registry = load_registry(root / "contracts")
    latest = {}
    for event, number, stem in versions:
        latest[event] = (number, stem)
    chosen = sorted(latest.items())[:models]
    subset = WORK / f"codegen-subset-{label}"
    shutil.rmtree(subset, ignore_errors=True)
    (subset / "schemas").mkdir(parents=True)
    for event, (number, stem) in chosen:
        contract = registry.get(event)
        assert contract is not None
        version = contract.version(number)
        assert version is not None
        (subset / "schemas" / f"{stem}.json").write_text(json.dumps(version.resolved))
    _run(_dmcg(subset / "schemas", subset / "pd_models", "pydantic_v2.BaseModel"), subset)
    package = f"bench_events_{label}"
    write_package(generate_python(registry, package=package), subset)
    # Each registry's models are a `pd_models` package of their own: forget the last one.
    for name in [m for m in sys.modules if m == "pd_models" or m.startswith("pd_models.")]:
        del sys.modules[name]
    sys.path.insert(0, str(subset))
    importlib.invalidate_caches()
    events_module = importlib.import_module(package)

    pairs: list[tuple[Callable[[Any], Any], Callable[[Any], Any], list[Any]]] = []
    built: list[tuple[Callable[..., Any], list[dict[str, Any]]]] = []
    rejected = 0
    for event, (number, stem) in chosen:
        contract = registry.get(event)
        assert contract is not None
        version = contract.version(number)
        assert version is not None
        model = importlib.import_module(f"pd_models.{stem}").Model
        cls = events_module.EVENTS[(event, number)]
        both = []
        for payload in _payloads(version.resolved, version.examples, drawn):
            try:
                model.model_validate(payload)
                cls.from_dict(payload)
            except ValueError:
                rejected += 1
                continue
            both.append(payload)
        pairs.append((model.model_validate, cls.from_dict, both))
        # The constructor's arguments, as a producer holds them: the typed field values.
        built.append((cls, [{f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
                            for obj in map(cls.from_dict, both)]))
    events = sum(len(p) for _, _, p in pairs)
    timings: dict[str, list[float]] = {"pydantic": [], "accord": [], "constructor": []}
    for _ in range(rounds):
        for name, pick in (("pydantic", 0), ("accord", 1)):
            started = time.perf_counter()
            for pair in pairs:
                load = pair[pick]
                for payload in pair[2]:
                    load(payload)  # type: ignore[operator]
            timings[name].append(time.perf_counter() - started)
        started = time.perf_counter()
        for cls, arguments in built:
            for kwargs in arguments:
                cls(**kwargs)
        timings["constructor"].append(time.perf_counter() - started)
    return {"events": events, "rejected_by_either": rejected, "schemas": len(pairs),
            **{f"{name}_per_s": events / min(times) for name, times in timings.items()}}


def _report(thr: dict[str, Any], label: str) -> None:
    speed = thr["accord_per_s"] / thr["pydantic_per_s"]
    print(f"from_dict throughput, {label}, on {thr['events']} payloads of {thr['schemas']} "
          f"schemas ({thr['rejected_by_either']} refused by either and left out): accord "
          f"dataclasses {thr['accord_per_s']:,.0f} events/s, pydantic v2 model_validate "
          f"{thr['pydantic_per_s']:,.0f} events/s: {speed:.2f}x (target "
          f"{TARGET_THROUGHPUT_RATIO}x); validating constructor "
          f"{thr['constructor_per_s']:,.0f} events/s "
          f"({thr['accord_per_s'] / thr['constructor_per_s']:.2f}x the cost of from_dict)")


def main() -> None:
    contracts = int(os.environ.get("ACCORD_BENCH_CONTRACTS", "1000"))
    reps = int(os.environ.get("ACCORD_BENCH_REPS", "2"))
    models = int(os.environ.get("ACCORD_BENCH_MODELS", "200"))
    root = prepare(contracts)
    schemas = WORK / f"codegen-c{contracts}-schemas"
    versions = export_schemas(root, schemas)
    print(f"{len(versions)} version schemas from {contracts} contracts; python "
          f"{platform.python_version()}, {os.cpu_count()} cpus", flush=True)
    gen = bench_generation(root, schemas, reps)
    ratio = gen["dmcg"]["cpu"] / gen["accord"]["cpu"]
    wall_ratio = gen["dmcg"]["wall"] / gen["accord"]["wall"]
    print(f"generation, median of {reps}: accord gen python {gen['accord']['cpu']:.2f} s cpu "
          f"({gen['accord']['wall']:.2f} s wall), datamodel-codegen "
          f"{gen['dmcg']['cpu']:.2f} s cpu ({gen['dmcg']['wall']:.2f} s wall): "
          f"{ratio:.1f}x faster by cpu, {wall_ratio:.1f}x by wall (target {TARGET_GEN_RATIO}x)")
    inproc = gen["generate_python"]
    print(f"  generate_python alone: {inproc['cpu']:.2f} s cpu, {inproc['files']} files, "
          f"{inproc['bytes'] / 1e6:.1f} MB")
    thr = bench_throughput(root, versions, models, drawn=5, label="synthetic")
    _report(thr, "synthetic registry")
    example = export_schemas(HERE.parent, WORK / "codegen-example-schemas")
    tour = bench_throughput(HERE.parent, example, models=1000, drawn=20, label="example")
    _report(tour, "the example registry (the tour's)")
    print(json.dumps({"generation": gen, "throughput": thr, "example": tour}, indent=1))


if __name__ == "__main__":
    main()
