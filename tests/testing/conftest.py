"""Projects for pytester runs: a pyproject that points at the example registry."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

# Imported here, in the outer process, so that pytester's in-process runs share these modules
# instead of re-importing them: the registry's YAML reader compares event classes by
# identity, and PyYAML's C extension keeps the classes of its first import.
import accord.registry
import accord.testing.fixture  # noqa: F401
from tests.support import REPO

pytest_plugins = ["pytester"]

CONTRACTS = REPO / "contracts"


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A pytester project with a copy of the example registry, expectations in ./expectations."""
    shutil.copytree(CONTRACTS, pytester.path / "contracts")
    pytester.makepyprojecttoml(
        '[tool.accord]\nregistry = "contracts"\nexpectations = "expectations"\n'
    )
    return pytester


def read_expectations(root: Path, consumer: str, folder: str = "expectations") -> Any:
    return json.loads((root / folder / f"{consumer}.json").read_text("utf-8"))
