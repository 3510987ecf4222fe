"""Imports flow one way (DESIGN.md): registry below validation and samples, those below
governance, codegen, testing and sim; front ends on top. Read from the source, with ast."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "accord"

# package -> the accord packages it must never import (at any depth, lazily or not)
FORBIDDEN = {
    "registry": {"validation", "samples", "governance", "codegen", "testing", "sim", "tap",
                 "docs", "serve", "interop", "broker", "commands", "cli"},
    "validation": {"samples", "governance", "codegen", "testing", "sim", "tap", "docs",
                   "serve", "interop", "broker", "commands", "cli"},
    "samples": {"governance", "codegen", "testing", "sim", "tap", "docs", "serve",
                "broker", "commands", "cli"},
    "governance": {"codegen", "testing", "sim", "tap", "docs", "serve", "broker",
                   "commands", "cli"},
    "codegen": {"governance", "testing", "sim", "tap", "docs", "serve", "broker",
                "commands", "cli"},
    "sim": {"testing", "commands", "cli", "docs", "serve"},
    # The plugin's `accord_schema_registry` fixture starts the registry server: a front end
    # (the pytest plugin) using another (the server), as a user's test would.
    "testing": {"sim", "commands", "cli", "docs"},
}


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "accord" and len(parts) > 1:
                found.add(parts[1])
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_flow_one_way(package: str) -> None:
    wrong = []
    for path in sorted((SRC / package).rglob("*.py")):
        bad = _imports(path) & FORBIDDEN[package]
        if bad:
            listed = ", ".join(f"accord.{name}" for name in sorted(bad))
            wrong.append(f"{path.relative_to(SRC)} imports {listed}")
    assert not wrong, "\n".join(wrong)
