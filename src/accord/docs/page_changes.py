"""Per event, a changelog: every version against the one before it (the compatibility
engine's findings with their BACKWARD/FORWARD effect, annotation edits), the date it was
committed (from git), and the consumers on file that rely on what changed."""

from __future__ import annotations

from collections.abc import Mapping

from accord.docs.catalog import Catalog, link
from accord.docs.changes import VersionChanges, section
from accord.docs.escape import code, text
from accord.docs.reliance import Reliance
from accord.registry import Contract

_NEXT_IS_NAME = {"$defs", "definitions", "patternProperties", "dependentSchemas"}
_NEXT_IS_INDEX = {"allOf", "anyOf", "oneOf", "prefixItems"}


def field_of(pointer: str) -> str:
    """A change's JSON pointer as a field path: /properties/customer/properties/email ->
    customer.email (schema keywords, definitions and indexes left out)."""
    names = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
    keep: list[str] = []
    i = 0
    while i < len(names):
        keyword = names[i]
        if keyword == "properties" and i + 1 < len(names):
            keep.append(names[i + 1])
            i += 2
        elif keyword in _NEXT_IS_NAME or keyword in _NEXT_IS_INDEX:
            i += 2
        else:
            i += 1
    return ".".join(keep)


def _touches(field: str, changed: str) -> bool:
    return not changed or field == changed or field.startswith(changed + ".") or \
        changed.startswith(field + ".")


def affected(found: VersionChanges, relied: Mapping[str, Mapping[str, str]]
             ) -> dict[str, list[str]]:
    """consumer -> the fields it relies on (in the old version) that a change touches."""
    out: dict[str, list[str]] = {}
    touched = [field_of(c.path or "") for c in found.changes]
    for name, consumers in sorted(relied.items()):
        if any(_touches(name, t) for t in touched):
            for consumer in sorted(consumers):
                out.setdefault(consumer, []).append(name)
    return out


def changes_page(catalog: Catalog, contract: Contract, changes: Mapping[int, VersionChanges],
                 reliance: Reliance, dates: Mapping[int, str]) -> str:
    page = catalog.changes(contract)
    event_page = link(page, catalog.event(contract))
    lines = [f"# {text(contract.event)}: changes", "",
             f"Every version against the one before it. [The event]({event_page}).", ""]
    kinds = link(page, catalog.kinds_page) if catalog.kinds_page else None
    for version in reversed(contract.versions):
        when = dates.get(version.number)
        lines += [f"## Version {version.number}", "",
                  f"Committed {text(when)}." if when else "Date unknown (not in git).", ""]
        found = changes.get(version.number)
        if found is None:
            lines += ["The first version.", ""]
            continue
        lines += section(found, kinds)
        hit = affected(found, reliance.for_version(contract.event, found.old))
        if hit:
            lines += ["", "Consumers on file that rely on what changed: " + "; ".join(
                f"**{text(consumer)}** ({', '.join(code(f) for f in fields)})"
                for consumer, fields in hit.items()) + "."]
        lines.append("")
    return "\n".join(lines) + "\n"
