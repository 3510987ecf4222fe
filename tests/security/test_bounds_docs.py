"""The documentation site: contract strings stay inert under Jinja (mkdocs-macros), and a
description of 20,000 `[` builds in bounded time."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.security.conftest import accord, project

pytest.importorskip("mkdocs_macros")

PROBES = ("{{ 7*191 }}", "{% if true %}JINJA-RAN{% endif %}", "{# hidden #}")


def test_contract_strings_are_inert_under_mkdocs_macros(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    contract = root / "contracts/orders/order_placed.yaml"
    a, b, c = PROBES
    text = contract.read_text()
    text = text.replace("summary: A customer placed an order.",
                        f"summary: 'A {a} placed'\ndescription: 'Desc {b} {c}'\n"
                        f"tags: ['{a}', '{b}']")
    text = text.replace("order_id: {type: string, description: The order.}",
                        f"order_id: {{type: string, description: 'The {a}', "
                        f"enum: ['{a}', o-1]}}")
    text = text.replace("{order_id: o-1}", "{order_id: o-1, note: '" + a + "'}")
    contract.write_text(text)
    (root / "docs").mkdir()
    (root / "docs/index.md").write_text("# Home\n\n{{ 2*3 }} macros work here.\n")
    (root / "mkdocs.yml").write_text("site_name: T\nplugins:\n  - macros\n  - accord:\n"
                                     "      registry: contracts\n")
    run = accord(root, "docs", "build", "-f", "mkdocs.yml", "--out", "site")
    assert run.code == 0, run.text
    pages = {p: p.read_text() for p in (root / "site").rglob("*.html")}
    assert "6 macros work here" in pages[root / "site/index.html"]  # macros did run
    assert not [p for p, html in pages.items() if "1337" in html or ("JINJA-RAN" in html
                and "if true" not in html)]
    event = pages[root / "site/catalog/events/orders/OrderPlaced/index.html"]
    assert "7&#42;191" in event or "7*191" in event


def test_twenty_thousand_brackets_build_in_bounded_time(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    contract = root / "contracts/orders/order_placed.yaml"
    contract.write_text(contract.read_text().replace(
        "summary: A customer placed an order.",
        "summary: A customer placed an order.\ndescription: '" + "[" * 20_000 + "'"))
    run = accord(root, "docs", "build", "--out", "build/site")  # bounded: 60 s
    assert run.code == 0, run.text
    page = (root / "build/site/events/orders/OrderPlaced.html").read_text()
    assert "[" * 1000 in page
