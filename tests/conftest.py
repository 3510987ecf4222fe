"""Shared fixtures: small registries written into temporary folders."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

WriteTree = Callable[[dict[str, str]], Path]


@pytest.fixture
def write_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> WriteTree:
    """Write files (relative path -> text) under a project folder and chdir into it."""

    def write(files: dict[str, str]) -> Path:
        (tmp_path / "pyproject.toml").write_text('[tool.accord]\nregistry = "contracts"\n')
        for rel, text in files.items():
            path = tmp_path / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text))
        monkeypatch.chdir(tmp_path)
        return tmp_path

    return write
