"""`accord compat OLD NEW`: is NEW compatible with OLD under a mode?"""

from __future__ import annotations

import json

import click

from accord.commands.common import configured_policy
from accord.commands.schemas import resolve
from accord.governance.compat import Change, check_compatibility


def effect(change: Change) -> str:
    parts = [name for name, hit in (("BACKWARD", change.breaks_backward),
                                    ("FORWARD", change.breaks_forward)) if hit]
    return "breaks " + " and ".join(parts) if parts else "compatible both ways"


def run(old: str, new: str, mode: str | None, undeclared: str | None, fmt: str) -> int:
    before, after = resolve(old), resolve(new)
    policy = configured_policy()
    if mode is None:
        same = before.contract and after.contract and before.contract.event == after.contract.event
        mode = policy.level_for(after.contract) if same and after.contract else "BACKWARD"
    result = check_compatibility(before.schema, after.schema, mode,
                                 undeclared_properties=undeclared or policy.undeclared_properties)
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), indent=2))
    else:
        verdict = "compatible" if result.compatible else "NOT compatible"
        click.echo(f"{new} is {verdict} with {old} under {result.mode}")
        for change in result.changes:
            mark = "✗" if change in result.breaking else "·"
            click.echo(f"  {mark} {change.kind} at {change.path or '/'}: {change.message} "
                       f"({effect(change)})")
            if change.fix and change in result.breaking:
                click.echo(f"      fix: {change.fix}")
    return 0 if result.compatible else 1
