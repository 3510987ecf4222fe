"""One page per event: facts, flow graph, and per version fields, changes and examples."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from accord.docs import graphs
from accord.docs.catalog import Catalog, link
from accord.docs.changes import VersionChanges, section
from accord.docs.escape import code, html, raw_block, text
from accord.docs.fields import Field, fields
from accord.docs.reliance import Reliance
from accord.docs.sanitize import markdown_block
from accord.registry import Contract, ContractVersion

_RELIANCE = {"tested": "tested", "reads": "reads"}


def dump(value: object) -> str:
    """Stable JSON for examples and schemas (key order as written, which is stable)."""
    return json.dumps(value, indent=2, ensure_ascii=False)


def code_block(source: str, language: str = "json") -> str:
    # Raw HTML, escaped here: no fence that contract text could close early. Schemas and
    # examples stay out of the search index (mkdocs-material's data-search-exclude): the
    # field table already holds every name and description, and with 1,000 events the
    # JSON would triple the index the browser has to download.
    return raw_block(f'<pre data-search-exclude><code class="language-{language}">'
                     f"{html(source)}</code></pre>")


def _constraint(label: str, value: object) -> str:
    if "{}" not in label:
        return label
    if isinstance(value, list):
        shown = ", ".join(json.dumps(v, ensure_ascii=False) for v in value)
    else:
        shown = json.dumps(value, ensure_ascii=False)
    return label.replace("{}", shown)


def field_table(rows: Sequence[Field], relied: Mapping[str, Mapping[str, str]],
                searchable: bool = True) -> str:
    """An HTML table, escaped here.

    Few tags per row on purpose: the search index parses every tag of every page, and
    with 1,000 events the field tables are most of the site. Layout (monospace paths,
    indentation by depth) comes from the plugin's stylesheet, keyed on the row's class.
    """
    if not rows:
        return raw_block("<p><em>No fields.</em></p>")
    head = ["field", "type", "required", "constraints", "description"]
    if relied:
        head.append("relied on by")
    # The tables stay out of the search index: with 1,000 events they made it 40 MB,
    # which the browser's search worker never finished indexing. The latest version's
    # field paths go into the index instead, in a paragraph the stylesheet hides.
    out = []
    if searchable:
        out.append('<p class="accord-search-only">Fields: '
                   + html(", ".join(row.path for row in rows)) + "</p>")
    out += ['<table class="accord-fields" data-search-exclude>',
           "<thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead>", "<tbody>"]
    for row in rows:
        depth = min(row.path.count(".") + row.path.count("[]"), 8)
        kind = row.type + (f" · {row.ref}" if row.ref else "")
        note = " (deprecated)" if row.deprecated else ""
        cells = [
            row.path + note,
            kind,
            "yes" if row.required else "no",
            "; ".join(_constraint(label, value) for label, value in row.constraints),
            row.description or "",
        ]
        if relied:
            users = relied.get(row.path, {})
            cells.append(", ".join(f"{c} ({_RELIANCE[h]})" for c, h in sorted(users.items())))
        out.append(f'<tr class="d{depth}">' + "".join(f"<td>{html(c)}</td>" for c in cells)
                   + "</tr>")
    out += ["</tbody>", "</table>"]
    return raw_block("\n".join(out))


def banner(version: ContractVersion) -> str:
    if version.status == "active":
        return ""
    since = f" since {html(version.deprecated_on)}" if version.deprecated_on else ""
    sunset = f"; sunset on {html(version.sunset_on)}" if version.sunset_on else ""
    title = "Retired" if version.status == "retired" else "Deprecated"
    advice = ("Producers no longer publish it." if version.status == "retired"
              else "Move producers and consumers to the latest version.")
    return raw_block(f'<div class="admonition warning"><p class="admonition-title">{title}</p>'
                     f"<p>Version {version.number} is {html(version.status)}{since}{sunset}. "
                     f"{advice}</p></div>")


def _services(catalog: Catalog, page: str, names: Sequence[str]) -> str:
    if not names:
        return "none listed"
    return ", ".join(f"[{text(n)}]({link(page, catalog.service(n))})" for n in names)


def _facts(catalog: Catalog, contract: Contract, page: str) -> list[str]:
    rows = [("Owner", text(contract.owner) if contract.owner else "—")]
    channel = contract.channel
    rows.append(("Channel", f"[{text(channel)}]({link(page, catalog.channel(channel))})"
                 if channel else "—"))
    rows += [
        ("Key", code(contract.key) if contract.key else "—"),
        ("Tags", ", ".join(code(t) for t in contract.tags) or "—"),
        ("Domain", f"[{text(contract.domain)}]({link(page, catalog.domain(contract.domain))})"),
        ("Compatibility", code(catalog.policy.level_for(contract))),
        ("Versions", ", ".join(f"[{v.number}](#version-{v.number})" for v in contract.versions)),
        ("Envelope", code(contract.envelope)),
        ("Contract file", code(contract.path)),
    ]
    return [f"- **{k}:** {v}" for k, v in rows]


def _version(catalog: Catalog, contract: Contract, version: ContractVersion, page: str,
             changes: VersionChanges | None, reliance: Reliance) -> list[str]:
    n = version.number
    # "(latest)" stays out of the heading so that the anchor is always `#version-N`.
    latest = " This is the latest version." if version is contract.latest else ""
    lines = ["", f"## Version {n}", "", f"Status: **{html(version.status)}**.{latest}",
             banner(version)]
    relied = reliance.for_version(contract.event, n)
    rows = fields(version.resolved)
    lines += ["", f"### Fields (v{n})", field_table(rows, relied, version is contract.latest)]
    if relied:
        known = {row.path for row in rows}
        lines += ["", f"### Who relies on which field (v{n})", "",
                  "| field | consumer | how |", "|---|---|---|"]
        for path, users in sorted(relied.items()):
            # A field the schema does not declare is worth a warning to both teams.
            where = code(path) + ("" if path in known else " **(not in this version)**")
            lines += [f"| {where} | {text(c)} | {how} |" for c, how in sorted(users.items())]
    elif contract.consumers:
        lines += ["", f"*No consumer of v{n} has recorded expectations yet "
                  "(the Accord pytest plugin writes them).*"]
    if changes is not None:
        kinds = link(page, catalog.kinds_page) if catalog.kinds_page else None
        lines += ["", f"### Changes from version {changes.old} (v{n})", "",
                  *section(changes, kinds)]
    if version.examples:
        lines += ["", f"### Examples (v{n})"]
        lines += [code_block(dump(example)) for example in version.examples]
    schema_file = catalog.schema_file(contract, n)
    # The page shows the schema as written (small: shared documents stay `$ref`s); the
    # download is the bundled, self-contained one.
    lines += ["", f"### Schema (v{n})", "",
              f"[Download]({link(page, schema_file)}) (bundled: shared documents in `$defs`)"
              " · as written:",
              code_block(dump(version.schema))]
    return lines


def event_page(catalog: Catalog, contract: Contract,
               changes: Mapping[int, VersionChanges], reliance: Reliance) -> str:
    page = catalog.event(contract)
    # The bare name, for search configs that keep `orders.OrderPlaced` as one token.
    lines = [f"# {text(contract.event)}",
             raw_block(f'<p class="accord-search-only">{html(contract.name)} '
                       f"{html(contract.domain)}</p>"), ""]
    if contract.summary:
        lines += [f"*{text(contract.summary)}*", ""]
    lines += _facts(catalog, contract, page)
    lines += ["", f"[Changelog: every version against the one before]"
              f"({link(page, catalog.changes(contract))})", ""]
    lines.append(markdown_block(contract.description))
    lines += ["", "## Producers and consumers", ""]
    lines.append(graphs.block(graphs.event_flow([contract])))
    lines += [f"- **Producers:** {_services(catalog, page, contract.producers)}",
              f"- **Consumers:** {_services(catalog, page, contract.consumers)}"]
    for version in reversed(contract.versions):
        lines += _version(catalog, contract, version, page, changes.get(version.number),
                          reliance)
    return "\n".join(lines) + "\n"
