"""Schema ids: stable across commits, 31 bits, collisions refused."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.cli import main
from accord.errors import AccordError
from accord.registry import load_policy
from accord.registry.git import GitTree
from accord.registry.ids import MAX_ID, derived_id, entries
from accord.registry.loader import load_from
from accord.serve import build_catalog
from tests.support import MINIMAL, REPO


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def _ids_at(repo: Path, ref: str) -> dict[tuple[str, int], int]:
    tree = GitTree(repo / "contracts", ref)
    registry = load_from(tree.display_root("contracts"), tree.reader(), tree.paths)
    return {(e.contract.event, e.version.number): e.id for e in entries(registry)}


@given(st.text(min_size=1, max_size=60), st.integers(min_value=1, max_value=10_000))
def test_a_derived_id_fits_the_wire_and_is_deterministic(event: str, number: int) -> None:
    value = derived_id(event, number)
    assert 0 < value <= MAX_ID
    assert value == derived_id(event, number)


def test_ids_survive_new_contracts_edits_and_retirement(tmp_path: Path) -> None:
    repo = tmp_path / "project"
    shutil.copytree(REPO / "contracts", repo / "contracts")
    shutil.copytree(REPO / "governance", repo / "governance")
    (repo / "pyproject.toml").write_text('[tool.accord]\nregistry = "contracts"\n')
    _git(repo, "init", "-q")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty",
         "-m", "empty")
    _git(repo, "add", ".")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "one")
    before = _ids_at(repo, "HEAD")

    placed = repo / "contracts/orders/order_placed.yaml"
    text = placed.read_text()
    placed.write_text(text.replace("summary: ", "summary: (edited) ", 1))
    added = repo / "contracts/orders/order_refunded.yaml"
    added.write_text(MINIMAL.replace("OrderPlaced", "OrderRefunded"))
    assert "status: deprecated" in text
    placed.write_text(placed.read_text().replace("status: deprecated", "status: retired", 1))
    _git(repo, "add", ".")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "two")
    after = _ids_at(repo, "HEAD")

    assert before
    assert {k: after[k] for k in before} == before
    assert ("orders.OrderRefunded", 1) in after
    assert len(set(after.values())) == len(after)

    # The retired version: readable by id (old messages carry it), not offered for new use.
    tree = GitTree(repo / "contracts", "HEAD")
    registry = load_from(tree.display_root("contracts"), tree.reader(), tree.paths)
    catalog = build_catalog(registry, load_policy(None), "record")
    retired = before[("orders.OrderPlaced", 1)]
    assert catalog.get(("schemas", "ids", str(retired)))[0] == 200
    assert catalog.get(("subjects", "orders.OrderPlaced", "versions")) == (200, b"[2]")
    assert catalog.get(("subjects", "orders.OrderPlaced", "versions", "1"))[0] == 404


def _contract(event: str, pin: int | None = None) -> str:
    domain, name = event.split(".")
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")
    pinned = f"\n    x-accord-schema-id: {pin}" if pin is not None else ""
    return f"""\
event: {event}
summary: Something happened.
owner: team-a
channel: {domain}
producers: [a-service]
consumers: [b-service]
versions:
  1:{pinned}
    schema:
      type: object
      additionalProperties: false
      properties:
        id: {{type: string, description: The id.}}
    examples:
      - {{id: x}}
""", f"contracts/{domain}/{snake}.yaml"


def test_a_collision_is_refused_by_check_and_by_the_server(write_tree, capsys) -> None:  # type: ignore[no-untyped-def]
    clash = derived_id("orders.OrderPlaced", 1)
    first, first_path = _contract("orders.OrderPlaced")
    second, second_path = _contract("orders.OrderShipped", pin=clash)
    root = write_tree({first_path: first, second_path: second})
    code = main(["check"])
    out = capsys.readouterr().out
    assert code == 1
    assert "schema-id-unique" in out
    assert f"schema id {clash}" in out
    assert "order_shipped.yaml" in out

    from accord.registry import load_registry

    registry = load_registry(root / "contracts")
    with pytest.raises(AccordError, match="x-accord-schema-id"):
        build_catalog(registry, load_policy(None))


def test_a_pin_out_of_range_is_a_finding(write_tree, capsys) -> None:  # type: ignore[no-untyped-def]
    text, path = _contract("orders.OrderPlaced", pin=2**31)
    write_tree({path: text})
    assert main(["lint"]) == 1
    assert "x-accord-schema-id must be a whole number" in capsys.readouterr().out


def test_registry_ids_lists_every_version(capsys) -> None:  # type: ignore[no-untyped-def]
    import json
    import os

    os.chdir(REPO)
    assert main(["registry", "ids", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {(r["event"], r["version"]) for r in rows} >= {("orders.OrderPlaced", 1),
                                                          ("orders.OrderPlaced", 2)}
    assert all(r["id"] == derived_id(r["event"], r["version"]) for r in rows)
