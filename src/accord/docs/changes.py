"""The "changes from the previous version" section, from the compatibility engine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from accord.docs.escape import attr, code, html, raw_block
from accord.governance.annotations import ANNOTATIONS
from accord.governance.compat import Change, check_compatibility
from accord.governance.compat.witness import Witness, for_level
from accord.registry import Contract, ContractVersion, Policy


@dataclass(frozen=True, slots=True)
class VersionChanges:
    old: int
    new: int
    level: str
    compatible: bool
    changes: tuple[Change, ...]
    annotations: tuple[str, ...]
    """JSON pointers of annotation edits (descriptions, titles, examples …)."""
    witnesses: tuple[Witness | None, ...] = ()
    """Per change: the counterexample of a breaking one (else None)."""


def compare_versions(contract: Contract, old: ContractVersion, new: ContractVersion,
                     policy: Policy, *, annotations: bool = True) -> VersionChanges:
    level = policy.level_for(contract)
    # NONE checks nothing, but people still want to see what changed: compare as FULL.
    mode = level if level != "NONE" else "FULL"
    result = check_compatibility(old.resolved, new.resolved, mode,
                                 undeclared_properties=policy.undeclared_properties)
    notes = tuple(annotation_edits(old.resolved, new.resolved)) if annotations else ()
    breaking = result.breaking
    shown = tuple(for_level(old.resolved, new.resolved, c, mode) if c in breaking else None
                  for c in result.changes)
    return VersionChanges(old.number, new.number, level, result.compatible,
                          tuple(result.changes), notes, shown)


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def annotation_edits(old: Any, new: Any, pointer: str = "") -> list[str]:
    """Pointers of annotation keywords that differ between two schemas, sorted.

    The same notion as `governance.annotations.annotation_changes`, without deepdiff:
    that one costs ~7 ms a pair, which dominated page generation on large registries.
    """
    if old == new:
        return []
    found: list[str] = []
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted({*old, *new}):
            here = f"{pointer}/{_escape(str(key))}"
            if key in ANNOTATIONS or str(key).startswith("x-"):
                if old.get(key) != new.get(key):
                    found.append(here)
            elif key in old and key in new:
                found += annotation_edits(old[key], new[key], here)
    elif isinstance(old, list) and isinstance(new, list):
        for index, (a, b) in enumerate(zip(old, new, strict=False)):
            found += annotation_edits(a, b, f"{pointer}/{index}")
    return sorted(found)


def effect(breaks: bool) -> str:
    return "breaks" if breaks else "ok"


def _example(shown: Witness, old: int, new: int) -> str:
    if not shown.found:
        return html(shown.why)
    accepted, rejected = shown.sides(f"v{old}", f"v{new}")
    return f"e.g. <code>{html(shown.text())}</code>: valid in {accepted}, rejected by {rejected}"


def section(found: VersionChanges, kinds_page: str | None) -> list[str]:
    """Markdown lines; ``kinds_page`` is the relative link to the change-kind reference.

    The table is an HTML block kept out of the search index: the event's page is found
    by its name and fields, and "property-added" matching 1,000 pages helps nobody.
    Links in it point at `.md` files, as Markdown links do; the plugin resolves them.
    """
    verdict = "compatible" if found.compatible else "**not compatible**"
    lines = [f"Version {found.old} → {found.new} is {verdict} under `{found.level}`."]
    if not found.changes and not found.annotations:
        return [*lines, "", "No changes."]
    if found.changes:
        rows = ["<table data-search-exclude>",
                "<thead><tr><th>change</th><th>where</th><th>BACKWARD</th><th>FORWARD</th>"
                "<th>why</th></tr></thead>", "<tbody>"]
        for index, change in enumerate(found.changes):
            kind = f"<code>{html(change.kind)}</code>"
            why = html(change.message)
            witness = found.witnesses[index] if index < len(found.witnesses) else None
            if witness is not None:
                why += "<br>" + _example(witness, found.old, found.new)
            if kinds_page is not None:
                kind = f'<a href="{attr(kinds_page)}#{attr(change.kind)}">{kind}</a>'
            rows.append(
                f"<tr><td>{kind}</td><td><code>{html(change.path or '/')}</code></td>"
                f"<td>{effect(change.breaks_backward)}</td>"
                f"<td>{effect(change.breaks_forward)}</td><td>{why}</td></tr>")
        rows += ["</tbody>", "</table>"]
        lines.append(raw_block("\n".join(rows)))
    if found.annotations:
        shown = ", ".join(code(p) for p in found.annotations[:20])
        more = f" and {len(found.annotations) - 20} more" if len(found.annotations) > 20 else ""
        lines += ["", f"Annotation edits (never a break): {shown}{more}."]
    return lines
