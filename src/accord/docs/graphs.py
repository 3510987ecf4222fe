"""Mermaid flow graphs: services publish events, events reach services.

Node ids are generated (`s0`, `e0`), never taken from contracts; every label goes through
``mermaid_label``. The graph text is HTML-escaped into a `<pre class="mermaid">`, which
mkdocs-material renders with the Mermaid copy the plugin serves from the site.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from accord.docs.escape import html, mermaid_label, raw_block
from accord.registry import Contract

MAX_TEXT = 40_000
"""Mermaid refuses diagrams over 50,000 characters (its maxTextSize); stay well below."""


def _node(node_id: str, label: str, shape: str) -> str:
    if shape == "event":
        return f"{node_id}[/{mermaid_label(label)}/]"
    if shape == "domain":
        return f"{node_id}[[{mermaid_label(label)}]]"
    return f"{node_id}({mermaid_label(label)})"


def _graph(nodes: Sequence[tuple[str, str, str]], edges: Iterable[tuple[str, str, str]],
           groups: Mapping[str, Sequence[str]] | None = None) -> str:
    """``nodes``: (id, label, shape); ``edges``: (from, to, label or "");
    ``groups``: box label -> node ids drawn inside it (one box per domain)."""
    lines = ["flowchart LR"]
    grouped = {node_id for members in (groups or {}).values() for node_id in members}
    shapes = {node_id: (label, shape) for node_id, label, shape in nodes}
    for index, (title, members) in enumerate((groups or {}).items()):
        lines.append(f"  subgraph g{index}[{mermaid_label(title)}]")
        lines += [f"    {_node(m, *shapes[m])}" for m in members]
        lines.append("  end")
    for node_id, label, shape in nodes:
        if node_id not in grouped:
            lines.append(f"  {_node(node_id, label, shape)}")
    for source, target, label in edges:
        arrow = f"-->|{mermaid_label(label)}|" if label else "-->"
        lines.append(f"  {source} {arrow} {target}")
    lines += ["  classDef event fill:#e8eaf6,stroke:#3f51b5",
              "  classDef service fill:#e0f2f1,stroke:#00796b"]
    events = [n for n, _, shape in nodes if shape in ("event", "domain")]
    services = [n for n, _, shape in nodes if shape == "service"]
    if events:
        lines.append(f"  class {','.join(events)} event")
    if services:
        lines.append(f"  class {','.join(services)} service")
    return "\n".join(lines) + "\n"


def block(graph: str) -> str:
    """A raw HTML block that mkdocs-material turns into an SVG."""
    # The graph's source is not worth searching: the page's lists name the same services.
    return raw_block(f'<pre class="mermaid" data-search-exclude><code>{html(graph)}</code></pre>')


def event_flow(contracts: Sequence[Contract]) -> str:
    """Producers -> events -> consumers, one node per service and per event."""
    services: dict[str, str] = {}
    nodes: list[tuple[str, str, str]] = []
    edges: list[tuple[str, str, str]] = []

    def service(name: str) -> str:
        if name not in services:
            services[name] = f"s{len(services)}"
            nodes.append((services[name], name, "service"))
        return services[name]

    groups: dict[str, list[str]] = {}
    for index, contract in enumerate(contracts):
        event_id = f"e{index}"
        nodes.append((event_id, contract.event, "event"))
        groups.setdefault(contract.domain, []).append(event_id)
        edges += [(service(p), event_id, "") for p in contract.producers]
        edges += [(event_id, service(c), "") for c in contract.consumers]
    if len(groups) < 2:
        return _graph(nodes, edges)
    # Events boxed by domain; a service that produces or consumes every event of a domain
    # (of two or more) gets one edge to or from the box, with the count, instead of one
    # per event: the dense fans into analytics or email-service become single lines.
    boxes = {f"g{i}": members for i, members in enumerate(groups.values())}
    return _graph(nodes, bundled(edges, boxes), groups)


def bundled(edges: list[tuple[str, str, str]], boxes: Mapping[str, Sequence[str]]
            ) -> list[tuple[str, str, str]]:
    """``edges`` with each service's edges to (from) every event of a box replaced by one
    edge to (from) the box, labelled with how many events it stands for."""
    box_of = {member: box for box, members in boxes.items() for member in members}
    into: dict[tuple[str, str], set[str]] = {}
    out_of: dict[tuple[str, str], set[str]] = {}
    for source, target, _ in edges:
        if target in box_of:
            into.setdefault((source, box_of[target]), set()).add(target)
        if source in box_of:
            out_of.setdefault((box_of[source], target), set()).add(source)
    whole_in = {k for k, v in into.items() if len(v) == len(boxes[k[1]]) > 1}
    whole_out = {k for k, v in out_of.items() if len(v) == len(boxes[k[0]]) > 1}
    kept = [(a, b, label) for a, b, label in edges
            if not (b in box_of and (a, box_of[b]) in whole_in)
            and not (a in box_of and (box_of[a], b) in whole_out)]
    kept += [(a, box, f"all {len(boxes[box])} events") for a, box in sorted(whole_in)]
    kept += [(box, b, f"all {len(boxes[box])} events") for box, b in sorted(whole_out)]
    return kept


def domain_flow(contracts: Sequence[Contract]) -> str:
    """The same map at the scale of domains, for registries too large to draw per event."""
    domains: dict[str, str] = {}
    services: dict[str, str] = {}
    counts: dict[tuple[str, str], int] = {}
    nodes: list[tuple[str, str, str]] = []
    for contract in contracts:
        if contract.domain not in domains:
            domains[contract.domain] = f"d{len(domains)}"
            nodes.append((domains[contract.domain], contract.domain, "domain"))
        for name in (*contract.producers, *contract.consumers):
            if name not in services:
                services[name] = f"s{len(services)}"
                nodes.append((services[name], name, "service"))
        domain = domains[contract.domain]
        for name in contract.producers:
            counts[(services[name], domain)] = counts.get((services[name], domain), 0) + 1
        for name in contract.consumers:
            counts[(domain, services[name])] = counts.get((domain, services[name]), 0) + 1
    edges = [(a, b, f"{n} event" + ("s" if n > 1 else "")) for (a, b), n in counts.items()]
    return _graph(nodes, edges)


def fits(graph: str) -> bool:
    return len(graph) <= MAX_TEXT
