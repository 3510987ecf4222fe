"""`accord compat OLD NEW`: is NEW compatible with OLD under a mode?"""

from __future__ import annotations

import json

import click

from accord.commands.common import configured_policy
from accord.commands.schemas import resolve
from accord.governance import report
from accord.governance.compat import Change, check_compatibility
from accord.governance.compat.witness import Witness, for_level


def effect(change: Change) -> str:
    parts = [name for name, hit in (("BACKWARD", change.breaks_backward),
                                    ("FORWARD", change.breaks_forward)) if hit]
    return "breaks " + " and ".join(parts) if parts else "compatible both ways"


def example(shown: Witness, old: str, new: str) -> str:
    """The counterexample line under a breaking change."""
    if not shown.found:
        return shown.why
    accepted, rejected = shown.sides(old, new)
    return f"accepted by {accepted}, rejected by {rejected}: {report.one_line(shown.text())}"


def run(old: str, new: str, mode: str | None, undeclared: str | None, fmt: str) -> int:
    before, after = resolve(old), resolve(new)
    policy = configured_policy()
    if mode is None:
        same = before.contract and after.contract and before.contract.event == after.contract.event
        mode = policy.level_for(after.contract) if same and after.contract else "BACKWARD"
    result = check_compatibility(before.schema, after.schema, mode,
                                 undeclared_properties=undeclared or policy.undeclared_properties)
    breaking = result.breaking
    shown = {id(c): for_level(before.schema, after.schema, c, result.mode) for c in breaking}
    if fmt == "json":
        out = result.to_json()
        for entry, change in zip(out["changes"], result.changes, strict=True):
            if id(change) in shown:
                entry["counterexample"] = shown[id(change)].to_json()
        click.echo(json.dumps(out, indent=2))
    else:
        verdict = "compatible" if result.compatible else "NOT compatible"
        click.echo(f"{new} is {verdict} with {old} under {result.mode}")
        for change in result.changes:
            mark = "✗" if change in breaking else "·"
            click.echo(f"  {mark} {change.kind} at {change.path or '/'}: {change.message} "
                       f"({effect(change)})")
            if id(change) in shown:
                click.echo(f"      {example(shown[id(change)], old, new)}")
            if change.fix and change in breaking:
                click.echo(f"      fix: {change.fix}")
    return 0 if result.compatible else 1
