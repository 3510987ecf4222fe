"""Page generation: the page tree, event pages, changes, fields, reliance, determinism."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accord.docs import generate_pages, read_reliance
from accord.docs.fields import fields
from accord.registry import Registry, load_policy, load_registry

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry(str(ROOT / "contracts"))


@pytest.fixture(scope="module")
def pages(registry: Registry) -> dict[str, str]:
    policy = load_policy(ROOT / "governance" / "policy.yaml")
    return generate_pages(registry, policy, kinds_page="change-kinds.md")


def test_page_tree(registry: Registry, pages: dict[str, str]) -> None:
    for fixed in ("index.md", "flow.md", "events/index.md", "domains/index.md",
                  "services/index.md", "channels/index.md"):
        assert f"catalog/{fixed}" in pages
    for contract in registry.contracts:
        page = f"catalog/events/{contract.domain}/{contract.name}.md"
        assert page in pages
        for version in contract.versions:
            download = page.removesuffix(".md") + f".v{version.number}.schema.json"
            assert json.loads(pages[download]) == version.resolved
        for service in (*contract.producers, *contract.consumers):
            assert f"catalog/services/{service}.md" in pages
    assert {f"catalog/domains/{d}.md" for d in registry.domains} <= set(pages)
    assert list(pages) == sorted(pages)


def test_prefix_can_be_empty(registry: Registry) -> None:
    pages = generate_pages(registry, prefix="")
    assert "index.md" in pages and "events/orders/OrderPlaced.md" in pages
    assert "](../../services/order-service.md)" in pages["events/orders/OrderPlaced.md"]


def test_generation_is_deterministic(pages: dict[str, str]) -> None:
    again = generate_pages(load_registry(str(ROOT / "contracts")),
                           load_policy(ROOT / "governance" / "policy.yaml"),
                           kinds_page="change-kinds.md")
    assert again == pages


def test_event_page(pages: dict[str, str]) -> None:
    page = pages["catalog/events/orders/OrderPlaced.md"]
    assert page.startswith('---\ntitle: "orders.OrderPlaced"\n---\n\n# orders.OrderPlaced\n')
    for expected in (
        "- **Owner:** team-orders",
        "[orders](../../channels/orders.md)",
        "`BACKWARD_TRANSITIVE`",
        "[order-service](../../services/order-service.md)",
        '<pre class="mermaid" data-search-exclude><code>flowchart LR',
        "## Version 2", "## Version 1", "### Fields (v2)", "### Changes from version 1 (v2)",
        "### Examples (v2)", "### Schema (v2)", "[Download](OrderPlaced.v2.schema.json)",
        '<p class="admonition-title">Deprecated</p>',
        "since 2026-03-01; sunset on 2027-03-01",
        "<td>customer.billing_address.city</td>",
        "<td>items[].sku</td>",
    ):
        assert expected in page, expected
    # Newest version first; v1 has no "changes from" section.
    assert page.index("## Version 2") < page.index("## Version 1")
    assert "Changes from version 0" not in page


def test_changes_section_has_both_directions(pages: dict[str, str]) -> None:
    page = pages["catalog/events/orders/OrderPlaced.md"]
    changes = page.split("### Changes from version 1 (v2)")[1].split("###")[0]
    assert "is compatible under `BACKWARD_TRANSITIVE`" in changes
    assert "<th>change</th><th>where</th><th>BACKWARD</th><th>FORWARD</th>" in changes
    assert ('<a href="../../../change-kinds.md#property-added"><code>property-added</code></a>'
            in changes)
    # Adding a property to a closed object breaks FORWARD, not BACKWARD.
    assert "<td>ok</td><td>breaks</td>" in changes
    assert "Annotation edits (never a break)" in changes


def test_home_page(registry: Registry, pages: dict[str, str]) -> None:
    home = pages["catalog/index.md"]
    versions = sum(len(c.versions) for c in registry.contracts)
    assert f"| {len(registry.contracts)} | {versions} | {len(registry.domains)} |" in home
    assert "## Domains" in home and "[orders](domains/orders.md)" in home
    assert "## Recent changes" in home
    assert "[orders.OrderPlaced](events/orders/OrderPlaced.md#version-2) | v1 → v2" in home


def test_service_domain_channel_pages(pages: dict[str, str]) -> None:
    service = pages["catalog/services/order-service.md"]
    assert "## Produces" in service and "OrderPlaced](../events/orders/OrderPlaced.md)" in service
    domain = pages["catalog/domains/orders.md"]
    assert "## Events" in domain and '<pre class="mermaid"' in domain
    channel = pages["catalog/channels/orders.md"]
    assert "- **Publishers:**" in channel


def test_flow_map_switches_to_domains_when_large(registry: Registry,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from accord.docs import page_lists
    from accord.docs.catalog import build_catalog

    small = page_lists.flow(build_catalog(registry, load_policy(None)))
    assert "orders.OrderPlaced" in small and "subgraph g" in small
    monkeypatch.setattr(page_lists, "FLOW_EVENTS", 3)
    large = page_lists.flow(build_catalog(registry, load_policy(None)))
    assert "orders.OrderPlaced" not in large
    assert '[["orders"]]' in large  # one node per domain
    assert '--&gt;|"5 events"|' in large  # order-service publishes 5 orders events


def test_fields_expand_refs_and_survive_recursion() -> None:
    schema = {
        "type": "object",
        "required": ["node"],
        "properties": {"node": {"$ref": "#/$defs/tree"}},
        "$defs": {"tree": {"type": "object", "description": "A tree.", "properties": {
            "children": {"type": "array", "items": {"$ref": "#/$defs/tree"}},
            "kind": {"anyOf": [{"type": "null"}, {"$ref": "#/$defs/kind"}]},
        }}, "kind": {"type": "string", "enum": ["a", "b"]}},
    }
    rows = {f.path: f for f in fields(schema)}
    assert rows["node"].required and rows["node"].ref == "tree"
    assert rows["node"].description == "A tree."
    assert rows["node.children"].type == "array of object"
    assert rows["node.kind"].type == "null | string"
    assert rows["node.children[]"].type == "object (recursive)"
    assert "node.children[].children" not in rows


def test_reliance_from_expectation_files(tmp_path: Path, registry: Registry) -> None:
    folder = tmp_path / "expectations"
    folder.mkdir()
    (folder / "email-service.json").write_text(json.dumps({
        "format": 1, "consumer": "email-service",
        "expectations": [{
            "event": "orders.OrderPlaced", "version": 2,
            "fields": {"customer.email": [{"matcher": "regex", "pattern": ".+@.+",
                                           "example": "a@b.c", "tests": ["t::a"]}]},
            "observed": {"order_id": ["t::a"], "customer.email": ["t::a"], "gone": ["t::a"]},
            "tests": ["t::a"],
        }],
    }))
    (folder / "broken.json").write_text("{not json")
    reliance = read_reliance(folder)
    assert reliance.for_version("orders.OrderPlaced", 2) == {
        "customer.email": {"email-service": "tested"}, "order_id": {"email-service": "reads"},
        "gone": {"email-service": "reads"}}
    assert len(reliance.problems) == 1 and "broken.json" in reliance.problems[0]
    page = generate_pages(registry, reliance=reliance)["catalog/events/orders/OrderPlaced.md"]
    v2 = page.split("## Version 1")[0]
    assert "### Who relies on which field (v2)" in v2
    assert "| `customer.email` | email-service | tested |" in v2
    assert "<td>email-service (tested)</td>" in v2
    assert "| `gone` **(not in this version)** | email-service | reads |" in v2


def test_reliance_tolerates_a_missing_folder(tmp_path: Path) -> None:
    assert read_reliance(tmp_path / "absent").fields == {}
    assert read_reliance(None).problems == ()


def test_a_breaking_change_shows_its_counterexample_on_the_change_page() -> None:
    from accord.docs.changes import compare_versions, section
    from accord.registry.model import Contract, ContractVersion, Policy

    v1 = {"type": "object", "properties": {"note": {"type": "string"}}}
    v2 = {**v1, "required": ["note"]}
    contract = Contract(event="orders.Noted", path="orders/noted.yaml", summary="s", owner="o",
                        channel="orders", versions=(
                            ContractVersion(number=1, schema=v1, resolved=v1),
                            ContractVersion(number=2, schema=v2, resolved=v2)))
    found = compare_versions(contract, contract.versions[0], contract.versions[1], Policy())
    text = "\n".join(section(found, None))
    assert "e.g. <code>{}</code>: valid in v1, rejected by v2" in text
