"""Run the benchmarks: every `benchmarks/bench_*.py`, in name order, or one of them.

    .venv/bin/python benchmarks/run.py [--only NAME]     (`make bench`)

Each module is imported by file path and its `main() -> None` called.  A benchmark that
fails has its traceback printed and the others still run; the exit code is then 1.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
import traceback
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent


def discover(folder: Path = HERE) -> dict[str, Path]:
    """Benchmark name (`lint` for bench_lint.py) -> module file, sorted by file name."""
    return {path.stem.removeprefix("bench_"): path for path in sorted(folder.glob("bench_*.py"))}


def load(path: Path) -> ModuleType:
    """Import the module at ``path`` under its file stem (so `synth` and friends import)."""
    if str(path.parent) not in sys.path:
        sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


def run_one(name: str, path: Path) -> bool:
    """Run one benchmark's main(); True when it finished without an exception."""
    print(f"\n=== {name} ({path.name}) ===", flush=True)
    started = time.perf_counter()
    argv = sys.argv
    sys.argv = [str(path)]  # a benchmark that parses arguments must not see ours
    try:
        main = getattr(load(path), "main", None)
        if not callable(main):
            raise TypeError(f"{path.name} has no main() function")
        main()
    except SystemExit as exc:
        ok = exc.code in (None, 0)
        if not ok:
            print(f"!!! {name}: exited with {exc.code!r}", file=sys.stderr, flush=True)
    except Exception:
        ok = False
        traceback.print_exc()
        print(f"!!! {name}: failed", file=sys.stderr, flush=True)
    else:
        ok = True
    finally:
        sys.argv = argv
    print(f"=== {name}: {'ok' if ok else 'FAILED'} in {time.perf_counter() - started:.1f} s",
          flush=True)
    return ok


def main(argv: list[str] | None = None) -> int:
    found = discover()
    parser = argparse.ArgumentParser(description="Run Accord's benchmarks.")
    parser.add_argument("--only", metavar="NAME", action="append",
                        help=f"run only this benchmark (repeatable): {', '.join(found)}")
    args = parser.parse_args(argv)
    names = list(found)
    if args.only:
        unknown = [n for n in args.only if n.removeprefix("bench_").removesuffix(".py")
                   not in found]
        if unknown:
            parser.error(f"no benchmark {unknown[0]!r}; have: {', '.join(found)}")
        wanted = {n.removeprefix("bench_").removesuffix(".py") for n in args.only}
        names = [n for n in names if n in wanted]
    failed = [name for name in names if not run_one(name, found[name])]
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"\nall {len(names)} benchmark(s) ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
