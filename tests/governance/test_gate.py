"""The gate's edges: an empty --base, a repository with no commits, a loosened level."""

from __future__ import annotations

import json
import subprocess

from accord.cli import main
from accord.governance.check import loosened
from tests.support import MINIMAL


def git(root, *args):  # type: ignore[no-untyped-def]
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@e", *args], cwd=root,
                   check=True, capture_output=True)


def test_an_empty_base_is_an_error_not_a_skip(write_tree, capsys) -> None:  # type: ignore[no-untyped-def]
    write_tree({"contracts/orders/order_placed.yaml": MINIMAL})
    assert main(["check", "--base", ""]) == 2
    assert "--base is empty" in capsys.readouterr().err


def test_no_commits_yet_checks_against_an_empty_base(write_tree, capsys) -> None:  # type: ignore[no-untyped-def]
    root = write_tree({"contracts/orders/order_placed.yaml": MINIMAL})
    git(root, "init", "-q")
    assert main(["check", "--base", "HEAD"]) == 0
    # Any other ref is still unknown.
    assert main(["check", "--base", "origin/main"]) == 2
    assert "unknown git ref" in capsys.readouterr().err


def _published(write_tree, policy: str = ""):  # type: ignore[no-untyped-def]
    files = {"contracts/orders/order_placed.yaml": MINIMAL}
    if policy:
        files["governance/policy.yaml"] = policy
    root = write_tree(files)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    return root


def _rules(capsys) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    document = json.loads(capsys.readouterr().out)
    return [(f["rule"], f["severity"]) for f in document["findings"]]


def test_a_contract_loosened_to_none_fails(write_tree, capsys) -> None:  # type: ignore[no-untyped-def]
    root = _published(write_tree)
    path = root / "contracts/orders/order_placed.yaml"
    path.write_text(MINIMAL.replace("key: order_id\n", "key: order_id\ncompatibility: NONE\n"))
    assert main(["check", "--base", "HEAD", "--format", "json"]) == 1
    assert ("compatibility-loosened", "error") in _rules(capsys)


def test_the_policy_default_loosened_fails_and_an_approval_is_shown(write_tree, capsys) -> None:  # type: ignore[no-untyped-def]
    root = _published(write_tree, "compatibility: FULL_TRANSITIVE\n")
    (root / "governance/policy.yaml").write_text("compatibility: BACKWARD\n")
    assert main(["check", "--base", "HEAD", "--format", "json"]) == 1
    assert ("compatibility-loosened", "error") in _rules(capsys)
    path = root / "contracts/orders/order_placed.yaml"
    path.write_text(MINIMAL + "x-accord-approve:\n  compatibility-loosened: consumers agreed\n")
    assert main(["check", "--base", "HEAD"]) == 0
    out = capsys.readouterr().out
    assert "approved: consumers agreed" in out


def test_tightening_is_not_loosening() -> None:
    assert loosened("FULL_TRANSITIVE", "BACKWARD")
    assert loosened("BACKWARD", "FORWARD")
    assert loosened("BACKWARD_TRANSITIVE", "BACKWARD")
    assert loosened("FULL", "NONE")
    assert not loosened("BACKWARD", "BACKWARD_TRANSITIVE")
    assert not loosened("NONE", "FORWARD")
    assert not loosened("BACKWARD", "FULL")
