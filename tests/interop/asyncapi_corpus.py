"""The AsyncAPI specification's own examples as an import corpus (issue 15): each document
imported into a fresh registry, which is then loaded and linted."""

from __future__ import annotations

import contextlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

from accord.cli import main
from accord.errors import AccordError
from accord.governance.lint import lint
from accord.governance.rules import BUILTIN
from accord.registry import load_registry
from accord.registry.model import Policy

CORPUS = Path(__file__).parent / "asyncapi-spec"
VERSIONS = ("2.6.0", "3.0.0", "3.1.0")


def documents() -> list[Path]:
    """Every AsyncAPI document of the corpus (not the fragments they refer to)."""
    found = []
    for version in VERSIONS:
        for path in sorted((CORPUS / version).rglob("*")):
            if path.suffix not in (".yml", ".yaml", ".json") or not path.is_file():
                continue
            head = path.read_text("utf-8")[:200]
            if head.lstrip().startswith("asyncapi:") or '"asyncapi"' in head:
                found.append(path)
    return found


@dataclass
class Outcome:
    document: str
    exit_code: int
    stderr: str
    into: Path
    loaded: bool = False
    load_error: str = ""
    contracts: int = 0
    lint_errors: int = 0
    lint_detail: str = ""


def run(path: Path, into: Path, cwd: Path | None = None) -> Outcome:
    """Import ``path`` into ``into`` from ``cwd`` (default: the corpus version's folder)."""
    err, out = io.StringIO(), io.StringIO()
    here = os.getcwd()
    folder = cwd if cwd is not None else CORPUS / path.relative_to(CORPUS).parts[0]
    try:
        # As a user would run it: from the folder that holds the documents, so that a
        # `$ref` to `../common/…` stays inside the folder the import reads.
        os.chdir(folder)
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            code = main(["import", "asyncapi", str(path), "--into", str(into.resolve())])
    finally:
        os.chdir(here)
    name = str(path.relative_to(CORPUS)) if path.is_relative_to(CORPUS) else path.name
    outcome = Outcome(name, code, err.getvalue(), into)
    if code != 0 and not into.exists():
        return outcome
    try:
        registry = load_registry(into)
    except AccordError as exc:
        outcome.load_error = str(exc)
        return outcome
    outcome.loaded = True
    outcome.contracts = len(registry.contracts)
    report = lint(registry, Policy(), [rule() for rule in BUILTIN])
    errors = [f for f in report.findings if f.severity == "error"]
    outcome.lint_errors = len(errors)
    outcome.lint_detail = "; ".join(f"{f.rule}: {f.message}" for f in errors[:3])
    return outcome
