"""Random contract files and AsyncAPI documents: every run ends with exit 0, 1 or 2, no
traceback, nothing written outside the temporary root, and no connection made."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.cli import main
from tests.security.conftest import Listener

_WORDS = st.sampled_from([
    "$ref", "$dynamicRef", "$id", "$defs", "type", "properties", "items", "allOf", "enum",
    "pattern", "x-accord-path", "x-accord-event", "event", "versions", "schema", "channel",
    "../x.yaml", "/etc/passwd", "file:///etc/passwd", "http://127.0.0.1:9/x", "#/a", "#",
    "object", "string", "NO", "on", "1:20", "0123", "%2fetc", "..", "_shared/a.yaml",
])
_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | _WORDS | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_WORDS, inner, max_size=4),
    max_leaves=25)


@pytest.fixture
def guarded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, listener: Listener) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _outside_snapshot(root: Path) -> set[Path]:
    return {p for p in root.parent.iterdir() if p != root}


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(contract=st.dictionaries(_WORDS, _VALUES, max_size=6))
def test_random_contract_files(guarded: Path, capsys: pytest.CaptureFixture[str],
                               contract: dict[str, object]) -> None:
    root = guarded / "r"
    (root / "contracts/orders").mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text('[tool.accord]\nregistry = "contracts"\n')
    (root / "contracts/orders/order_placed.yaml").write_text(json.dumps(contract))
    before = _outside_snapshot(root)
    import os

    os.chdir(root)
    try:
        for command in (["lint"], ["export", "asyncapi"]):
            assert main(command) in (0, 1, 2)
    finally:
        os.chdir(guarded)
    capsys.readouterr()
    assert _outside_snapshot(root) == before


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(message=st.dictionaries(_WORDS, _VALUES, max_size=5),
       extra=st.dictionaries(_WORDS, _VALUES, max_size=3))
def test_random_asyncapi_documents(guarded: Path, capsys: pytest.CaptureFixture[str],
                                   message: dict[str, object],
                                   extra: dict[str, object]) -> None:
    document = {"asyncapi": "3.0.0", "info": {"title": "t", "version": "1"},
                "channels": {"c": {"address": "orders", "messages": {
                    "m": {"$ref": "#/components/messages/m"}}}},
                "components": {"messages": {"m": message}, **extra}}
    work = guarded / "w"
    work.mkdir(exist_ok=True)
    (work / "doc.json").write_text(json.dumps(document))
    before = _outside_snapshot(work)
    code = main(["import", "asyncapi", str(work / "doc.json"), "--into", str(work / "out"),
                 "--force"])
    assert code in (0, 1, 2)
    capsys.readouterr()
    assert _outside_snapshot(work) == before
    for path in (work / "out").rglob("*") if (work / "out").exists() else ():
        assert path.resolve().is_relative_to(work.resolve())
