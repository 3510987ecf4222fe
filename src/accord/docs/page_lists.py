"""The catalog's overview pages: home, flow map, domains, services, channels, events."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from accord.docs import graphs
from accord.docs.catalog import Catalog, Service, link
from accord.docs.changes import VersionChanges
from accord.docs.escape import code, text
from accord.registry import Contract

RECENT = 20
FLOW_EVENTS = 150
"""Above this many events the map is drawn per domain: a per-event graph is unreadable."""


def _event(catalog: Catalog, page: str, contract: Contract) -> str:
    return f"[{text(contract.event)}]({link(page, catalog.event(contract))})"


def _service(catalog: Catalog, page: str, name: str) -> str:
    return f"[{text(name)}]({link(page, catalog.service(name))})"


def _channel(catalog: Catalog, page: str, name: str | None) -> str:
    return f"[{text(name)}]({link(page, catalog.channel(name))})" if name else "—"


def event_table(catalog: Catalog, page: str, contracts: Sequence[Contract]) -> list[str]:
    lines = ["| event | summary | latest | owner | channel |", "|---|---|---|---|---|"]
    for c in contracts:
        lines.append(f"| {_event(catalog, page, c)} | {text(c.summary or '')} | "
                     f"v{c.latest.number} ({text(c.latest.status)}) | {text(c.owner or '—')} | "
                     f"{_channel(catalog, page, c.channel)} |")
    return lines


def _graph(contracts: Sequence[Contract]) -> str:
    graph = graphs.event_flow(contracts)
    if len(contracts) > FLOW_EVENTS or not graphs.fits(graph):
        graph = graphs.domain_flow(contracts)
    if not graphs.fits(graph):
        return "\n*The graph is too large to draw; see the tables below.*\n"
    return graphs.block(graph)


def home(catalog: Catalog, changes: Mapping[str, Mapping[int, VersionChanges]]) -> str:
    page = catalog.home()
    contracts = catalog.contracts
    owners = {c.owner for c in contracts if c.owner}
    versions = sum(len(c.versions) for c in contracts)
    lines = [
        "# Event catalog", "",
        "Every event in the registry: who produces and consumes it, its fields, and what "
        "changed between versions. Search with the box at the top of the page.", "",
        "| events | versions | domains | services | channels | owners |",
        "|---|---|---|---|---|---|",
        f"| {len(contracts)} | {versions} | {len(catalog.domains)} | {len(catalog.services)} "
        f"| {len(catalog.channels)} | {len(owners)} |", "",
        f"[Event flow map]({link(page, catalog.flow())}) · "
        f"[All events]({link(page, catalog.index('events'))}) · "
        f"[Services]({link(page, catalog.index('services'))}) · "
        f"[Channels]({link(page, catalog.index('channels'))})", "",
        "## Domains", "", "| domain | events | owners |", "|---|---|---|",
    ]
    for name, members in catalog.domains.items():
        team = sorted({c.owner for c in members if c.owner})
        lines.append(f"| [{text(name)}]({link(page, catalog.domain(name))}) | {len(members)} "
                     f"| {', '.join(text(t) for t in team) or '—'} |")
    lines += ["", "## Recent changes", "",
              "The newest version of each evolved event, latest moves first (by the date "
              "its previous version was deprecated).", ""]
    lines += _recent(catalog, page, changes)
    lines += ["", f"Every version, dated from git: [the Atom feed]({link(page, catalog.feed())}) "
              "and each event's changelog."]
    return "\n".join(lines) + "\n"


def _recent(catalog: Catalog, page: str,
            changes: Mapping[str, Mapping[int, VersionChanges]]) -> list[str]:
    rows = []
    for contract in catalog.contracts:
        if len(contract.versions) < 2:
            continue
        found = changes.get(contract.event, {}).get(contract.latest.number)
        if found is None:
            continue
        moved = contract.versions[-2].deprecated_on or ""
        rows.append((moved, contract, found))
    # Newest date first (ISO dates sort as text; no date sorts last), ties by name:
    # two stable sorts, the minor key first.
    rows.sort(key=lambda r: r[1].event)
    rows.sort(key=lambda r: r[0], reverse=True)
    if not rows:
        return ["No event has more than one version yet."]
    lines = ["| event | version | since | verdict | changes |", "|---|---|---|---|---|"]
    for moved, contract, found in rows[:RECENT]:
        anchor = f"version-{found.new}"
        verdict = "compatible" if found.compatible else "**breaking**"
        target = link(page, catalog.event(contract), anchor)
        lines.append(f"| [{text(contract.event)}]({target}) | v{found.old} → v{found.new} "
                     f"| {text(moved or '—')} | {verdict} under {code(found.level)} "
                     f"| {len(found.changes)} |")
    if len(rows) > RECENT:
        lines += ["", f"…and {len(rows) - RECENT} more evolved events: see "
                  f"[all events]({link(page, catalog.index('events'))})."]
    return lines


def flow(catalog: Catalog) -> str:
    lines = ["# Event flow map", "",
             "Services (rounded) publish events (slanted) that other services consume."]
    if len(catalog.contracts) > FLOW_EVENTS:
        lines += ["", "This registry is large, so the map is drawn per domain; each domain's "
                  "page has the map of its own events."]
    lines.append(_graph(catalog.contracts))
    return "\n".join(lines) + "\n"


def domain(catalog: Catalog, name: str) -> str:
    page = catalog.domain(name)
    members = catalog.domains[name]
    producers = sorted({p for c in members for p in c.producers})
    consumers = sorted({s for c in members for s in c.consumers})
    lines = [f"# Domain {text(name)}", "", f"{len(members)} events.", "",
             "## Flow", _graph(members), "", "## Events", "",
             *event_table(catalog, page, members), "", "## Services", "",
             "- **Produce:** " + (", ".join(_service(catalog, page, s) for s in producers)
                                  or "none"),
             "- **Consume:** " + (", ".join(_service(catalog, page, s) for s in consumers)
                                  or "none")]
    return "\n".join(lines) + "\n"


def service(catalog: Catalog, item: Service) -> str:
    page = catalog.service(item.name)
    lines = [f"# Service {text(item.name)}", "",
             f"Produces {len(item.produces)} events and consumes {len(item.consumes)}.", "",
             "## Flow", _graph(_union(item.produces, item.consumes))]
    for title, members in (("Produces", item.produces), ("Consumes", item.consumes)):
        lines += ["", f"## {title}", ""]
        lines += event_table(catalog, page, members) if members else ["Nothing."]
    return "\n".join(lines) + "\n"


def _union(*groups: Sequence[Contract]) -> list[Contract]:
    # Contracts hold dicts, so they are not hashable: key by event name.
    merged = {c.event: c for group in groups for c in group}
    return [merged[name] for name in sorted(merged)]


def channel(catalog: Catalog, name: str) -> str:
    page = catalog.channel(name)
    members = catalog.channels[name]
    producers = sorted({p for c in members for p in c.producers})
    consumers = sorted({s for c in members for s in c.consumers})
    lines = [f"# Channel {text(name)}", "", f"{len(members)} events travel on this channel.",
             "", *event_table(catalog, page, members), "",
             "- **Publishers:** " + (", ".join(_service(catalog, page, s) for s in producers)
                                     or "none"),
             "- **Subscribers:** " + (", ".join(_service(catalog, page, s) for s in consumers)
                                      or "none")]
    return "\n".join(lines) + "\n"


def index(catalog: Catalog, kind: str) -> str:
    page = catalog.index(kind)
    if kind == "events":
        lines = ["# All events", "", *event_table(catalog, page, catalog.contracts)]
    elif kind == "domains":
        lines = ["# Domains", "", "| domain | events |", "|---|---|"]
        lines += [f"| [{text(n)}]({link(page, catalog.domain(n))}) | {len(m)} |"
                  for n, m in catalog.domains.items()]
    elif kind == "services":
        lines = ["# Services", "", "| service | produces | consumes |", "|---|---|---|"]
        lines += [f"| {_service(catalog, page, s.name)} | {len(s.produces)} | {len(s.consumes)} |"
                  for s in catalog.services.values()]
    else:
        lines = ["# Channels", "", "| channel | events |", "|---|---|"]
        lines += [f"| {_channel(catalog, page, n)} | {len(m)} |"
                  for n, m in catalog.channels.items()]
    return "\n".join(lines) + "\n"
