"""Registry in, pages out: a pure function from a loaded registry to {path: content}."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping

from accord.docs import page_event, page_lists
from accord.docs.catalog import Catalog, build_catalog
from accord.docs.changes import VersionChanges, compare_versions
from accord.docs.escape import front_matter
from accord.docs.feed import atom
from accord.docs.page_changes import changes_page
from accord.docs.reliance import Reliance
from accord.registry import Policy, Registry

INDEXES = ("events", "domains", "services", "channels")
_WIDE = ("navigation", "toc")
_INDEX_TITLES = {"events": "All events", "domains": "Domains", "services": "Services",
                 "channels": "Channels"}


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
                   kinds_page: str | None = None,
                   dates: Mapping[str, Mapping[int, str]] | None = None,
                   url_of: Callable[[str], str] | None = None,
                   since: str | None = None) -> dict[str, str]:
    """Every catalog page (Markdown) and schema download (JSON), by docs-relative path.

    The same registry gives byte-identical output: everything is sorted, nothing depends
    on the clock, the file system order or hash seeds. ``dates`` (event -> version ->
    ISO date, from `history.version_dates`) date the changelogs and the Atom feed
    (`feed.xml`, newer than ``since`` when given); ``url_of`` turns a page's path into
    its URL (the site's `use_directory_urls` decides).
    """
    dates = dates or {}
    catalog = build_catalog(registry, policy or Policy(), prefix, kinds_page)
    reliance = reliance or Reliance()
    changes = version_changes(catalog)
    titled: dict[str, tuple[str, str]] = {
        # At the root of a catalog-only site the site name already says "Event catalog".
        catalog.home(): ("Event catalog" if catalog.prefix else "Overview",
                         page_lists.home(catalog, changes)),
        catalog.flow(): ("Event flow map", page_lists.flow(catalog)),
    }
    for kind in INDEXES:
        titled[catalog.index(kind)] = (_INDEX_TITLES[kind], page_lists.index(catalog, kind))
    for name in catalog.domains:
        titled[catalog.domain(name)] = (f"Domain {name}", page_lists.domain(catalog, name))
    for service in catalog.services.values():
        titled[catalog.service(service.name)] = (f"Service {service.name}",
                                                 page_lists.service(catalog, service))
    for name in catalog.channels:
        titled[catalog.channel(name)] = (f"Channel {name}", page_lists.channel(catalog, name))
    for contract in catalog.contracts:
        titled[catalog.event(contract)] = (contract.event, page_event.event_page(
            catalog, contract, changes[contract.event], reliance))
        titled[catalog.changes(contract)] = (f"{contract.event}: changes", changes_page(
            catalog, contract, changes[contract.event], reliance,
            dates.get(contract.event, {})))
    # The flow map gets the whole width (mkdocs-material's `hide`; other themes ignore it).
    pages = {path: front_matter(title, _WIDE if path == catalog.flow() else ()) + body
             for path, (title, body) in titled.items()}
    for contract in catalog.contracts:
        for version in contract.versions:
            # Compact: the C encoder is ~5x faster than an indented dump, and a download
            # is read by tools (or pretty-printed by the reader's editor).
            pages[catalog.schema_file(contract, version.number)] = json.dumps(
                version.resolved, ensure_ascii=False, separators=(",", ":")) + "\n"
    pages[catalog.feed()] = atom(catalog, changes, dates, url_of or _file_url,
                                            since)
    return dict(sorted(pages.items()))


def _file_url(path: str) -> str:
    return path.removesuffix(".md") + ".html"
