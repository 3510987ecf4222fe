"""Accord's build: everything is in pyproject.toml except the compiled modules.

The modules on the simulator's and the embedded broker's hot path (`accord._native.
COMPILED`) are compiled with mypyc, from the same typed source, when a C compiler is at
hand: a simulation runs about 1.6x faster. Where compiling fails (no compiler, an
unsupported platform) they stay pure Python, which behaves the same; so does
``ACCORD_PURE_PYTHON=1``. The list is read from `accord/_native.py` as text: the build
cannot import Accord.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"


def _compiled() -> list[str]:
    """`accord._native.COMPILED`, read without importing it."""
    tree = ast.parse((SRC / "accord" / "_native.py").read_text("utf-8"))
    for node in tree.body:
        if isinstance(node, ast.AnnAssign | ast.Assign):
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            if any(isinstance(t, ast.Name) and t.id == "COMPILED" for t in targets):
                return list(ast.literal_eval(node.value))  # type: ignore[arg-type]
    raise SystemExit("setup.py: accord/_native.py has no COMPILED list")


MODULES = _compiled()
SOURCES = {m: f"src/{m.replace('.', '/')}.py" for m in MODULES}


# An isolated build has none of the third-party packages: their types are Any there, so
# the checks of `make lint` that need them are off here (the sources pass them there).
LENIENT = ["--ignore-missing-imports", "--allow-subclassing-any", "--no-warn-return-any",
           "--no-warn-unused-ignores"]
BUILDING = {"bdist_wheel", "editable_wheel", "build", "build_ext", "install", "develop"}


def _extensions() -> list[Any]:
    if os.environ.get("ACCORD_PURE_PYTHON") or not BUILDING & set(sys.argv[1:]):
        return []  # pure Python, or only the metadata is asked for
    try:
        from mypyc.build import mypycify

        return list(mypycify([*LENIENT, *SOURCES.values()], opt_level="3",
                             group_name="accord_native"))
    except BaseException as exc:  # mypyc missing or refusing: pure Python, same behaviour
        print(f"accord: not compiling ({type(exc).__name__}: {exc}); pure Python",
              file=sys.stderr)
        return []


class OptionalBuildExt(build_ext):  # type: ignore[misc]
    """All compiled or none: a partial build would leave modules that cannot import. On
    success, records each compiled module's source hash (`accord/_native.json`), so a
    source edited after the build is imported as source, not as the stale binary."""

    def run(self) -> None:
        if not self.extensions:
            return
        try:
            super().run()
        except BaseException as exc:  # no compiler, or it failed: pure Python
            print(f"accord: compiling failed ({type(exc).__name__}: {exc}); pure Python",
                  file=sys.stderr)
            for path in self.get_outputs():
                Path(path).unlink(missing_ok=True)
            self.extensions = []
            return
        manifest = json.dumps({m: hashlib.sha256((HERE / src).read_bytes()).hexdigest()
                               for m, src in SOURCES.items()}, indent=1, sort_keys=True)
        for root in {Path(self.build_lib), SRC} if self.inplace else {Path(self.build_lib)}:
            (root / "accord").mkdir(parents=True, exist_ok=True)
            (root / "accord" / "_native.json").write_text(manifest + "\n", "utf-8")

    def get_outputs(self) -> list[str]:
        outputs: list[str] = super().get_outputs()
        if self.extensions:
            outputs.append(str(Path(self.build_lib) / "accord" / "_native.json"))
        return outputs


if __name__ == "__main__":  # as the build backend runs it (a test reads MODULES only)
    setup(ext_modules=_extensions(), cmdclass={"build_ext": OptionalBuildExt})
