"""Fixtures for the documentation site: the example registry plus the XSS probe, built once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from accord.docs.build import Sources, build_site, temporary_config

ROOT = Path(__file__).resolve().parents[2]
PROBE = Path(__file__).parent / "fixtures" / "xss_probe.yaml"


@pytest.fixture(scope="session")
def probe_registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example registry with the XSS probe contract added (probe/xss_probed.yaml)."""
    root = tmp_path_factory.mktemp("registry") / "contracts"
    shutil.copytree(ROOT / "contracts", root)
    (root / "probe").mkdir()
    shutil.copy(PROBE, root / "probe" / "xss_probed.yaml")
    return root


@pytest.fixture(scope="session")
def probe_site(probe_registry: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The catalog-only site (what `accord docs build` makes) of the probe registry."""
    out = tmp_path_factory.mktemp("site")
    sources = Sources(registry=probe_registry, policy=ROOT / "governance" / "policy.yaml")
    with temporary_config(sources) as config:
        build_site(config, out, strict=True)
    return out
