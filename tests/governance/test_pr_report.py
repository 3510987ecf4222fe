"""`accord check --base REF --format markdown`, the pull-request comment (issue 20):
snapshots of a no-op, a compatible and a breaking change, each in a real git repository
made from the example project (its contracts, policy, plugins and consumers'
expectations). UPDATE_SNAPSHOTS=1 rewrites them."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from accord.cli import main

REPO = Path(__file__).resolve().parents[2]
SNAPSHOTS = Path(__file__).parent / "snapshots"


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "shop"
    for name in ("contracts", "expectations", "governance", "plugins"):
        shutil.copytree(REPO / name, root / name)
    (root / "pyproject.toml").write_text(
        '[tool.accord]\nregistry = "contracts"\npolicy = "governance/policy.yaml"\n'
        'plugins = ["plugins.retention_rule"]\nexpectations = "expectations"\n')
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "-m", "base")
    monkeypatch.chdir(root)
    monkeypatch.syspath_prepend(str(root))
    return root


def _comment(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["check", "--base", "HEAD", "--format", "markdown"])
    return code, capsys.readouterr().out


def _snapshot(name: str, text: str) -> None:
    path = SNAPSHOTS / f"{name}.md"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.write_text(text, "utf-8")
    assert text == path.read_text("utf-8")


def test_no_change(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, text = _comment(capsys)
    assert code == 0
    _snapshot("pr-no-change", text)


def test_a_compatible_change_is_short(project: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = project / "contracts/orders/order_paid.yaml"
    text = path.read_text()
    summary = next(line for line in text.splitlines() if line.startswith("summary:"))
    path.write_text(text.replace(summary, "summary: An order was paid in full."))
    code, text = _comment(capsys)
    assert code == 0
    assert len(text.splitlines()) < 10
    _snapshot("pr-compatible", text)


def test_a_breaking_change_names_the_consumers_and_their_tests(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = project / "contracts/_shared/customer.yaml"
    text = path.read_text()
    path.write_text(text.replace("required: [customer_id, email, full_name]",
                                 "required: [customer_id, email_address, full_name]")
                    .replace("\n  email:", "\n  email_address:"))
    code, text = _comment(capsys)
    assert code == 1
    assert text.startswith("### ❌ Accord: 1 contract would break 1 consumer: email-service")
    assert "**email-service**: `customer.email` (examples/email_service/test_receipts.py::" \
           "test_receipt_for_every_order)" in text
    assert "**What to do**" in text and "team-orders" in text
    _snapshot("pr-breaking", text)
