"""Full MkDocs builds: the repository's own site (strict), the CLI, and the HTML it writes."""

from __future__ import annotations

import html.parser
from pathlib import Path

import pytest

from accord.cli import main
from accord.docs.build import build_site
from tests.conftest import WriteTree

ROOT = Path(__file__).resolve().parents[2]


def test_repository_site_builds_strict(tmp_path: Path) -> None:
    build_site(ROOT / "site" / "mkdocs.yml", tmp_path, strict=True)
    event = tmp_path / "catalog" / "events" / "orders" / "OrderPlaced.html"
    assert "orders.OrderPlaced" in event.read_text("utf-8")
    assert (tmp_path / "catalog" / "flow.html").is_file()
    assert (tmp_path / "change-kinds.html").is_file()
    # Links inside generated HTML blocks are resolved like Markdown links.
    html = event.read_text("utf-8")
    assert '<a href="../../../change-kinds.html#property-added">' in html
    assert '<p class="accord-search-only">Fields: order_id, sequence,' in html


class _Scan(html.parser.HTMLParser):
    """What a browser would treat as markup: tags, handler attributes, script bodies."""

    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []
        self._script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._script = tag == "script"
        for name, value in attrs:
            value = value or ""
            if "__accordXss" in value and (name.startswith("on") or name == "srcdoc"):
                self.bad.append(f"<{tag} {name}>")
            if name in ("href", "src") and value.strip().lower().startswith("javascript:"):
                self.bad.append(f"<{tag} {name}=javascript:>")
        if tag == "iframe" or (dict(attrs).get("id") or "").startswith("xss-"):
            self.bad.append(f"<{tag}>")

    def handle_data(self, data: str) -> None:
        if self._script and "__accordXss" in data:
            self.bad.append("<script> with payload")

    def handle_endtag(self, tag: str) -> None:
        self._script = False


def test_probe_payloads_stay_text(probe_site: Path) -> None:
    """The static twin of the browser test: no page of the site carries live markup."""
    pages = sorted(probe_site.rglob("*.html"))
    assert any("XssProbed" in str(p) for p in pages)
    for page in pages:
        scan = _Scan()
        scan.feed(page.read_text("utf-8"))
        assert scan.bad == [], page
    event = (probe_site / "events" / "probe" / "XssProbed.html").read_text("utf-8")
    assert "&lt;script&gt;window.__accordXss('description')&lt;/script&gt;" in event


def test_mermaid_is_served_from_the_site(probe_site: Path) -> None:
    assert (probe_site / "assets" / "accord" / "mermaid.min.js").stat().st_size > 1_000_000
    event = (probe_site / "events" / "orders" / "OrderPlaced.html").read_text("utf-8")
    assert '<script src="../../assets/accord/mermaid.min.js" defer></script>' in event
    assert '<pre class="mermaid" data-search-exclude>' in event
    index = (probe_site / "events" / "index.html").read_text("utf-8")
    assert "mermaid.min.js" not in index  # pages without a graph do not load it
    assert "fonts.googleapis" not in event


def test_cli_builds_a_catalog_without_a_mkdocs_project(write_tree: WriteTree,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    project = write_tree({"contracts/orders/order_placed.yaml": (
        ROOT / "contracts" / "orders" / "order_placed.yaml").read_text("utf-8")})
    for shared in (ROOT / "contracts" / "_shared").iterdir():
        (project / "contracts" / "_shared").mkdir(exist_ok=True)
        (project / "contracts" / "_shared" / shared.name).write_bytes(shared.read_bytes())
    assert main(["docs", "build", "--out", "out", "--strict"]) == 0
    assert (project / "out" / "index.html").is_file()
    assert (project / "out" / "events" / "orders" / "OrderPlaced.html").is_file()
    assert (project / "out" / "events" / "orders" / "OrderPlaced.v2.schema.json").is_file()


def test_cli_without_a_registry(write_tree: WriteTree, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree({"README.md": "no contracts here\n"})
    assert main(["docs", "build"]) == 2
    assert "no registry folder at contracts" in capsys.readouterr().err


def test_cli_strict_failure_exits_1(write_tree: WriteTree,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    project = write_tree({
        "contracts/.keep": "",
        "mkdocs.yml": "site_name: t\nplugins:\n  - accord:\n      registry: contracts\n",
        "docs/index.md": "[broken](missing.md)\n",
    })
    assert main(["docs", "build", "-f", str(project / "mkdocs.yml"), "--strict",
                 "--out", "out"]) == 1
    assert "the site was not built" in capsys.readouterr().err


def test_cli_reference_names_every_command() -> None:
    """site/docs/cli.md is hand-written: fail when a command is added without it."""
    import click

    from accord.cli import cli

    page = (ROOT / "site" / "docs" / "cli.md").read_text("utf-8")
    ctx = click.Context(cli)
    for name in cli.list_commands(ctx):
        command = cli.get_command(ctx, name)
        subcommands = command.list_commands(ctx) if isinstance(command, click.Group) else [""]
        for sub in subcommands:
            assert f"`accord {name} {sub}".rstrip() in page, f"accord {name} {sub}"


def test_plugin_refuses_to_overwrite_a_hand_written_page(
        write_tree: WriteTree, capsys: pytest.CaptureFixture[str]) -> None:
    project = write_tree({
        "contracts/.keep": "",
        "mkdocs.yml": "site_name: t\nplugins:\n  - accord:\n      registry: contracts\n",
        "docs/index.md": "# Home\n",
        "docs/catalog/flow.md": "# My own flow page\n",
    })
    assert main(["docs", "build", "-f", str(project / "mkdocs.yml"), "--out", "out"]) == 1
    assert "catalog/flow.md is generated from the registry" in capsys.readouterr().err


def test_a_contract_that_does_not_load_exits_2_with_its_line(
        write_tree: WriteTree, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree({"contracts/shop/ping.yaml": (
        "event: shop.Ping\nsummary: A ping.\nowner: team-ops\nchannel: pings\nversions:\n"
        "  1:\n    schema: {type: object, properties: {n: {$ref: 'missing.yaml'}}}\n")})
    assert main(["docs", "build", "--out", "out"]) == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith("error: ") and "ping.yaml:7:" in last and "missing.yaml" in last
