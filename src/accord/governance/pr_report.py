"""`accord check --format markdown`: a comment for a pull request.

Short when nothing breaks. Otherwise, per contract: what changed, whether it breaks and
how many findings say so, the owner, and the consumers affected (by which field, and the
test that relies on it); then what the author should do; then every finding and each
counterexample, folded.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from accord.governance.findings import Finding
from accord.governance.report import one_line, plural
from accord.registry import Registry

WHAT: dict[str, str] = {
    "immutable-version": "a published version edited",
    "examples-valid": "examples no longer valid",
    "consumer-field-removed": "a field a consumer relies on removed",
    "consumer-field-type": "a field a consumer relies on retyped",
    "consumer-field-optional": "a field a consumer relies on made optional",
    "consumer-expectation-stale": "a version a consumer expects gone",
}
"""How a rule's finding reads as a change (rules not listed read as their id)."""


@dataclass
class Contract:
    """One contract's share of the findings."""

    event: str
    findings: list[Finding] = field(default_factory=list)
    consumers: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    """consumer -> field -> the tests relying on it."""

    @property
    def breaks(self) -> bool:
        return any(f.severity == "error" for f in self.findings)


def _md(value: object) -> str:
    """One table cell: one line, no cell breaks, no HTML, no code spans."""
    cleaned = one_line(value).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
    return cleaned.replace("`", "'")


def _by_contract(findings: Sequence[Finding]) -> list[Contract]:
    grouped: dict[str, Contract] = {}
    for f in findings:
        key = f.event or f.location.file
        contract = grouped.setdefault(key, Contract(key))
        contract.findings.append(f)
        if f.affects:
            tests = contract.consumers.setdefault(str(f.affects["consumer"]), {})
            tests.setdefault(str(f.affects["field"]), [])
            for test in f.affects.get("tests") or []:
                if test not in tests[str(f.affects["field"])]:
                    tests[str(f.affects["field"])].append(test)
    return sorted(grouped.values(), key=lambda c: (not c.breaks, c.event))


def _changes(contract: Contract) -> str:
    counts: dict[str, int] = {}
    for f in contract.findings:
        what = WHAT.get(f.rule, f.rule)
        counts[what] = counts.get(what, 0) + 1
    return "; ".join(f"{what} ({n})" if n > 1 else what for what, n in counts.items())


def _affected(contract: Contract) -> str:
    if not contract.consumers:
        return "none on file"
    parts = []
    for consumer, fields in sorted(contract.consumers.items()):
        relied = ", ".join(f"`{_md(name)}`" + (f" ({_md(', '.join(tests))})" if tests else "")
                           for name, tests in sorted(fields.items()))
        parts.append(f"**{_md(consumer)}**: {relied}")
    return "; ".join(parts)


def _todo(contracts: Sequence[Contract]) -> list[str]:
    steps: list[str] = []
    for contract in contracts:
        for f in contract.findings:
            if f.fix and f.severity == "error":
                step = f"- `{_md(contract.event)}`: {_md(f.fix)}"
                if step not in steps:
                    steps.append(step)
    return steps


def changes_since(base: Registry, head: Registry) -> dict[str, str]:
    """What changed in each contract since the base, in words (the comment's table when
    nothing breaks)."""
    found: dict[str, str] = {}
    for contract in head.contracts:
        before = base.get(contract.event)
        if before is None:
            found[contract.event] = "added"
            continue
        old = {v.number for v in before.versions}
        added = sorted(v.number for v in contract.versions if v.number not in old)
        if added:
            found[contract.event] = "version " + ", ".join(map(str, added)) + " added"
        elif contract.document != before.document:
            found[contract.event] = "edited"
    for contract in base.contracts:
        if head.get(contract.event) is None:
            found[contract.event] = "removed"
    return found


def _changed(changed: Mapping[str, str], owners: Mapping[str, str]) -> list[str]:
    if not changed:
        return []
    return ["", "| contract | owner (compatibility) | change |", "|---|---|---|",
            *(f"| `{_md(event)}` | {_md(owners.get(event, '-'))} | {_md(what)} |"
              for event, what in sorted(changed.items()))]


def pull_request(findings: Sequence[Finding], files: Sequence[str],
                 owners: Mapping[str, str] | None = None,
                 changed: Mapping[str, str] | None = None) -> str:
    """The comment, in GitHub/GitLab Markdown. ``changed``: contract -> what changed since
    the base (when there is one)."""
    owners, changed = owners or {}, changed or {}
    checked = plural(len(files), "file")
    if not findings:
        what = f"{plural(len(changed), 'contract')} changed, " if changed else ""
        return "\n".join([f"### ✅ Accord: {what}nothing breaks", "", f"{checked} checked.",
                          *_changed(changed, owners)]) + "\n"
    contracts = _by_contract(findings)
    breaking = [c for c in contracts if c.breaks]
    consumers = sorted({name for c in breaking for name in c.consumers})
    if breaking:
        head = (f"### ❌ Accord: {plural(len(breaking), 'contract')} would break"
                + (f" {plural(len(consumers), 'consumer')}: {', '.join(consumers)}"
                   if consumers else ""))
    else:
        head = f"### ⚠️ Accord: {plural(len(findings), 'warning')}, nothing breaks"
    out = [head, "", f"{checked} checked.", "",
           "| contract | owner (compatibility) | what changed | breaks | "
           "consumers affected (field, test) |",
           "|---|---|---|---|---|"]
    for c in contracts:
        errors = sum(1 for f in c.findings if f.severity == "error")
        verdict = f"yes ({plural(errors, 'error')})" if errors else "no (warnings)"
        out.append(f"| `{_md(c.event)}` | {_md(owners.get(c.event, '-'))} | {_md(_changes(c))} "
                   f"| {verdict} | {_affected(c)} |")
    steps = _todo(breaking)
    if steps:
        out += ["", "**What to do**", "", *steps]
    if consumers:
        out += ["", "Each affected consumer's test is named above: agree the change with its "
                "owner, or keep what it relies on."]
    out += ["", f"<details><summary>All {plural(len(findings), 'finding')}</summary>", "",
            "| | rule | where | finding |", "|---|---|---|---|"]
    for f in findings:
        where = f.location.file + (f":{f.location.line}" if f.location.line else "")
        icon = "❌" if f.severity == "error" else "⚠️"
        out.append(f"| {icon} | {_md(f.rule)} | {_md(where)} | {_md(f.message)} |")
    out += ["", "</details>"]
    shown = [f for f in findings if f.counterexample and f.counterexample.get("found")]
    if shown:
        out += ["", "<details><summary>Counterexamples: payloads that prove each break"
                "</summary>", ""]
        for f in shown:
            assert f.counterexample is not None
            payload = json.dumps(f.counterexample["payload"], indent=2, ensure_ascii=False)
            out += [f"**{_md(f.event or f.rule)}** ({_md(f.rule)}, {_md(f.pointer or '/')}):",
                    "", "```json", payload.replace("```", "`\u200b``"), "```", ""]
        out.append("</details>")
    return "\n".join(out) + "\n"
