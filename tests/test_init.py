"""`accord init`: a project that passes its own checks, and nothing overwritten."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from accord.cli import main


def test_init_gives_a_project_that_passes_lint_and_check(tmp_path: Path, monkeypatch,  # type: ignore[no-untyped-def]
                                                         capsys) -> None:
    monkeypatch.chdir(tmp_path)
    subprocess.run(["git", "init", "-q"], check=True)
    assert main(["init"]) == 0
    out = capsys.readouterr().out
    for name in ("contracts/orders/order_placed.yaml", "governance/policy.yaml",
                 "accord.yaml", ".pre-commit-config.yaml"):
        assert f"wrote {name}" in out
        assert (tmp_path / name).is_file()
    assert main(["lint"]) == 0
    assert main(["check", "--base", "HEAD"]) == 0  # the first commit's gate
    assert "0 errors, 0 warnings" in capsys.readouterr().out


def test_init_appends_to_an_existing_pyproject_and_keeps_a_pre_commit_config(
        tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "shop"\n')
    (tmp_path / ".pre-commit-config.yaml").write_text("repos: []\n")
    assert main(["init", str(tmp_path)]) == 0
    assert "[tool.accord]" in (tmp_path / "pyproject.toml").read_text()
    assert (tmp_path / "pyproject.toml").read_text().startswith('[project]\nname = "shop"\n')
    assert (tmp_path / ".pre-commit-config.yaml").read_text() == "repos: []\n"
    assert not (tmp_path / "accord.yaml").exists()
    assert "kept your" in capsys.readouterr().out


@pytest.mark.parametrize("existing", ["contracts/x/y.yaml", "governance/policy.yaml",
                                      "accord.yaml"])
def test_init_refuses_to_overwrite_and_writes_nothing(tmp_path: Path, capsys,  # type: ignore[no-untyped-def]
                                                      existing: str) -> None:
    (tmp_path / existing).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / existing).write_text("mine: 1\n")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert main(["init", str(tmp_path)]) == 2
    assert "refusing to overwrite" in capsys.readouterr().err
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_init_twice_refuses(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "pyproject.toml").write_text("")
    assert main(["init", str(tmp_path)]) == 0
    assert main(["init", str(tmp_path)]) == 2
    assert "already has [tool.accord]" in capsys.readouterr().err
