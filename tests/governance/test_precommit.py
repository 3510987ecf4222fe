"""The hooks as a user runs them: the real `pre-commit` package, in real git repositories,
with the hooks installed from a clone of this repository, and `git commit`.

The hook environment (pre-commit's own virtualenv with Accord installed from the clone)
is built once per test session; each test then commits in a repository of its own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import MINIMAL, REPO

pytest.importorskip("pre_commit")

SECOND = MINIMAL.replace("OrderPlaced", "OrderShipped").replace("order_id", "shipment_id")
V1_EDITED = MINIMAL.replace("required: [order_id]", "required: [order_id, note]").replace(
    "order_id: {type: string, description: The order.}",
    "order_id: {type: string, description: The order.}\n        note: {type: string, "
    "description: A note.}").replace("{order_id: o-1}", "{order_id: o-1, note: n}")


def _run(cwd: Path, *args: str, env: dict[str, str] | None = None,
         check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), cwd=cwd, env=env, text=True, capture_output=True,
                          check=check)


@pytest.fixture(scope="session")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A git clone of this project's files as they are now, as a user's `repo:` points at."""
    clone = tmp_path_factory.mktemp("accord-hooks")
    for name in ("src", "pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, clone / name, ignore=shutil.ignore_patterns(
                "__pycache__", "*.egg-info"))
        else:
            shutil.copy2(source, clone / name)
    _run(clone, "git", "init", "-q")
    _run(clone, "git", "add", "-A")
    _run(clone, "git", "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "-m", "x")
    rev = _run(clone, "git", "rev-parse", "HEAD").stdout.strip()
    return clone, rev


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


class Project:
    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root, self.env = root, env

    def write(self, rel: str, text: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return _run(self.root, "git", "-c", "user.name=t", "-c", "user.email=t@e", *args,
                    env=self.env, check=check)

    def commit(self, message: str) -> subprocess.CompletedProcess[str]:
        self.git("add", "-A")
        return self.git("commit", "-q", "-m", message, check=False)


@pytest.fixture
def project(tmp_path: Path, hooks_repo: tuple[Path, str],
            pre_commit_home: Path) -> Iterator[Project]:
    clone, rev = hooks_repo
    env = {**os.environ, "PRE_COMMIT_HOME": str(pre_commit_home),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("PYTHONPATH", None)
    root = tmp_path / "project"
    root.mkdir()
    (root / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {clone}\n    rev: {rev}\n    hooks:\n      - id: accord-check\n")
    _run(root, "git", "init", "-q", "-b", "main", env=env)
    _run(root, sys.executable, "-m", "pre_commit", "install", env=env)
    yield Project(root, env)


def _published(project: Project, prefix: str = "") -> None:
    if prefix:
        project.write(f"{prefix}pyproject.toml", '[tool.accord]\nregistry = "contracts"\n')
    else:
        project.write("pyproject.toml", '[tool.accord]\nregistry = "contracts"\n')
    project.write(f"{prefix}contracts/orders/order_placed.yaml", MINIMAL)
    project.write(f"{prefix}contracts/orders/order_shipped.yaml", SECOND)
    first = project.commit("publish")
    assert first.returncode == 0, first.stdout + first.stderr


def test_the_first_commit_of_a_new_repository_passes(project: Project) -> None:
    _published(project)
    assert project.git("log", "--oneline").stdout.count("\n") == 1


def test_deleting_a_contract_is_blocked(project: Project) -> None:
    _published(project)
    project.git("rm", "-q", "contracts/orders/order_shipped.yaml")
    result = project.commit("delete")
    assert result.returncode != 0
    assert "deleted-contract" in result.stdout + result.stderr
    assert "orders.OrderShipped" in result.stdout + result.stderr


def test_a_breaking_change_in_a_subfolder_project_is_blocked(project: Project) -> None:
    _published(project, prefix="platform/")
    project.write("platform/contracts/orders/order_placed.yaml", V1_EDITED)
    result = project.commit("edit v1")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "immutable-version" in output
    assert "platform/contracts/orders/order_placed.yaml" in output


def test_loosening_the_level_is_blocked_until_approved(project: Project) -> None:
    _published(project)
    loose = MINIMAL.replace("key: order_id\n", "key: order_id\ncompatibility: NONE\n")
    project.write("contracts/orders/order_placed.yaml", loose)
    result = project.commit("loosen")
    assert result.returncode != 0
    assert "compatibility-loosened" in result.stdout + result.stderr
    assert "email-service" in result.stdout + result.stderr  # who relied on it
    approved = loose.replace(
        "compatibility: NONE\n", "compatibility: NONE\nx-accord-approve:\n  "
        "compatibility-loosened: replay-only topic, agreed with email-service\n")
    project.write("contracts/orders/order_placed.yaml", approved)
    result = project.commit("loosen, approved")
    assert result.returncode == 0, result.stdout + result.stderr


def test_yaml_outside_every_registry_is_skipped(project: Project) -> None:
    _published(project)
    project.write("deploy/values.yaml", "replicas: 3\n")
    result = project.commit("deploy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_gen_check_runs_on_a_deletion(project: Project, hooks_repo: tuple[Path, str]) -> None:
    clone, rev = hooks_repo
    (project.root / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {clone}\n    rev: {rev}\n    hooks:\n"
        "      - id: accord-gen-check\n        args: [--out, gen, --package, events]\n")
    project.write("pyproject.toml", '[tool.accord]\nregistry = "contracts"\n')
    project.write("contracts/orders/order_placed.yaml", MINIMAL)
    project.write("contracts/orders/order_shipped.yaml", SECOND)
    accord = str(Path(sys.executable).with_name("accord"))
    _run(project.root, accord, "gen", "python", "--out", "gen", "--package", "events")
    first = project.commit("publish with classes")
    assert first.returncode == 0, first.stdout + first.stderr
    project.git("rm", "-q", "contracts/orders/order_shipped.yaml")
    result = project.commit("delete, classes left stale")
    assert result.returncode != 0
    assert "accord gen check" in result.stdout + result.stderr
