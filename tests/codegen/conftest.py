"""Packages generated once per session: the example registry, the hostile one, a corpus."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from accord.registry import Registry, load_registry
from tests.codegen.codegen_support import EXAMPLE, HOSTILE, PACKAGES, REPO, generate


@pytest.fixture(scope="session")
def registries(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Registry]:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import synth
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    corpus = tmp_path_factory.mktemp("corpus")
    synth.generate(corpus, contracts=40, versions=3, seed=7)
    return {"example": load_registry(EXAMPLE), "hostile": load_registry(HOSTILE),
            "corpus": load_registry(corpus / "contracts")}


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory,
              registries: dict[str, Registry]) -> Path:
    """A folder holding every package of PACKAGES."""
    out = tmp_path_factory.mktemp("generated")
    for package, (registry, style) in PACKAGES.items():
        generate(registries[registry], out, package, style)
    return out
