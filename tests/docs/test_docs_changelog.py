"""Changelogs (issue 20): per event a page of every version against the one before, dated
from git, naming the consumers on file that rely on what changed; and an Atom feed of
recent changes, newer than `since` when given. Built in a real git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from accord.cli import main
from accord.docs.page_changes import field_of

REPO = Path(__file__).resolve().parents[2]
ATOM = "{http://www.w3.org/2005/Atom}"


def _commit(root: Path, message: str, day: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": f"{day}T12:00:00Z",
           "GIT_COMMITTER_DATE": f"{day}T12:00:00Z"}
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "-m",
                    message], cwd=root, check=True, env=env)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "shop"
    for name in ("contracts", "expectations"):
        shutil.copytree(REPO / name, root / name)
    (root / "pyproject.toml").write_text(
        '[tool.accord]\nregistry = "contracts"\nexpectations = "expectations"\n')
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    # The first commit has every contract with only its first version.
    placed = root / "contracts/orders/order_placed.yaml"
    full = placed.read_text()
    head, _, _ = full.partition("  2:\n")
    placed.write_text(head.rstrip("\n") + "\n")
    _commit(root, "v1", "2026-01-05")
    subprocess.run(["git", "tag", "first"], cwd=root, check=True)
    placed.write_text(full)
    _commit(root, "orders.OrderPlaced v2", "2026-03-09")
    monkeypatch.chdir(root)
    return root


def test_field_of_reads_a_change_pointer_as_a_field() -> None:
    assert field_of("/properties/customer/properties/email") == "customer.email"
    assert field_of("/properties/items/items/properties/sku") == "items.sku"
    assert field_of("/required/2") == ""


def test_each_event_has_a_dated_changelog(project: Path) -> None:
    assert main(["docs", "build", "--out", "site", "--strict"]) == 0
    page = (project / "site/events/orders/OrderPlaced.changes.html").read_text()
    assert "Committed 2026-03-09" in page and "Committed 2026-01-05" in page
    assert "is <strong>compatible</strong>" in page or "compatible" in page
    assert "BACKWARD" in page and "FORWARD" in page
    # Every event has one, linked from its page.
    events = [p for p in (project / "site/events").rglob("*.html")
              if p.name != "index.html" and ".changes." not in p.name]
    assert events and all(p.with_name(p.stem + ".changes.html").is_file() for p in events)
    assert 'href="OrderPlaced.changes.html"' in (
        project / "site/events/orders/OrderPlaced.html").read_text()


def test_the_atom_feed_lists_versions_newest_first_and_since_a_ref(project: Path) -> None:
    assert main(["docs", "build", "--out", "site"]) == 0
    feed = ET.parse(project / "site/feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    first = entries[0]
    assert first.findtext(f"{ATOM}title") == "orders.OrderPlaced v2"
    assert first.findtext(f"{ATOM}updated") == "2026-03-09T00:00:00Z"
    link = first.find(f"{ATOM}link")
    assert link is not None
    assert link.get("href") == "events/orders/OrderPlaced.changes.html#version-2"
    assert (project / "site" / link.get("href", "").split("#")[0]).is_file()
    assert len(entries) > 10  # every first version too
    assert main(["docs", "build", "--out", "since", "--since", "first"]) == 0
    recent = ET.parse(project / "since/feed.xml").getroot().findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in recent] == ["orders.OrderPlaced v2"]


def test_an_unknown_since_ref_is_an_error(project: Path) -> None:
    assert main(["docs", "build", "--out", "site", "--since", "no-such-ref"]) == 2
