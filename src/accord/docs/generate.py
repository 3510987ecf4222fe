"""Registry in, pages out: a pure function from a loaded registry to {path: content}."""

from __future__ import annotations

from accord.docs import page_event, page_lists
from accord.docs.catalog import Catalog, build_catalog
from accord.docs.changes import VersionChanges, compare_versions
from accord.docs.reliance import Reliance
from accord.registry import Policy, Registry

INDEXES = ("events", "domains", "services", "channels")


def version_changes(catalog: Catalog) -> dict[str, dict[int, VersionChanges]]:
    """Each version against the one before it, once for every page that shows it."""
    out: dict[str, dict[int, VersionChanges]] = {}
    for contract in catalog.contracts:
        pairs = zip(contract.versions, contract.versions[1:], strict=False)
        out[contract.event] = {
            new.number: compare_versions(contract, old, new, catalog.policy)
            for old, new in pairs
        }
    return out


def generate_pages(registry: Registry, policy: Policy | None = None, *,
                   reliance: Reliance | None = None, prefix: str = "catalog",
                   kinds_page: str | None = None) -> dict[str, str]:
    """Every catalog page (Markdown) and schema download (JSON), by docs-relative path.

    The same registry gives byte-identical output: everything is sorted, nothing depends
    on the clock, the file system order or hash seeds.
    """
    catalog = build_catalog(registry, policy or Policy(), prefix, kinds_page)
    reliance = reliance or Reliance()
    changes = version_changes(catalog)
    pages = {catalog.home(): page_lists.home(catalog, changes),
             catalog.flow(): page_lists.flow(catalog)}
    pages.update({catalog.index(kind): page_lists.index(catalog, kind) for kind in INDEXES})
    for name in catalog.domains:
        pages[catalog.domain(name)] = page_lists.domain(catalog, name)
    for service in catalog.services.values():
        pages[catalog.service(service.name)] = page_lists.service(catalog, service)
    for name in catalog.channels:
        pages[catalog.channel(name)] = page_lists.channel(catalog, name)
    for contract in catalog.contracts:
        pages[catalog.event(contract)] = page_event.event_page(
            catalog, contract, changes[contract.event], reliance)
        for version in contract.versions:
            pages[catalog.schema_file(contract, version.number)] = \
                page_event.dump(version.resolved) + "\n"
    return dict(sorted(pages.items()))
