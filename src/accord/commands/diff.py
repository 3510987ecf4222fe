"""`accord diff EVENT [V1 V2]`: what changed between two versions of a contract."""

from __future__ import annotations

import json
from pathlib import Path

import click

from accord.commands.common import configured_policy, open_workspace
from accord.commands.compat import effect, example
from accord.commands.schemas import contract_file
from accord.errors import UsageError
from accord.governance.annotations import annotation_changes
from accord.governance.compat import check_compatibility
from accord.governance.compat.witness import for_level
from accord.registry import Contract, Policy


def _contract(name: str) -> tuple[Contract, Policy]:
    """An event by name from the configured registry, or a contract file by path."""
    if name.endswith((".yaml", ".yml")) or Path(name).is_file():
        contract, _ = contract_file(Path(name))
        return contract, configured_policy()
    workspace = open_workspace()
    contract_ = workspace.registry.get(name)
    if contract_ is None:
        known = ", ".join(c.event for c in workspace.registry.contracts[:8])
        raise UsageError(f"no event {name!r} in {workspace.root} (events: {known}, …)")
    return contract_, workspace.policy


def run(name: str, v1: int | None, v2: int | None, fmt: str) -> int:
    contract, policy = _contract(name)
    numbers = [v.number for v in contract.versions]
    if v1 is None:
        if len(numbers) < 2:
            raise UsageError(f"{contract.event} has only version {numbers[0]}; nothing to diff")
        v1, v2 = numbers[-2], numbers[-1]
    elif v2 is None:
        raise UsageError("give two versions, or none for the last two")
    old, new = contract.version(v1), contract.version(v2)
    for number, version in ((v1, old), (v2, new)):
        if version is None:
            raise UsageError(f"{contract.event} has no version {number} (it has "
                             f"{', '.join(map(str, numbers))})")
    assert old is not None and new is not None
    level = policy.level_for(contract)
    mode = level if level != "NONE" else "FULL"
    result = check_compatibility(old.resolved, new.resolved, mode,
                                 undeclared_properties=policy.undeclared_properties)
    notes = annotation_changes(old.resolved, new.resolved)
    breaking = result.breaking
    shown = {id(c): for_level(old.resolved, new.resolved, c, mode) for c in breaking}
    if fmt == "json":
        changes = []
        for change in result.changes:
            entry = change.to_json()
            if id(change) in shown:
                entry["counterexample"] = shown[id(change)].to_json()
            changes.append(entry)
        click.echo(json.dumps({
            "event": contract.event, "from": v1, "to": v2, "level": level,
            "compatible": result.compatible,
            "changes": changes,
            "annotations": [{"path": n.path, "action": n.action, "old": n.old, "new": n.new}
                            for n in notes],
        }, indent=2))
        return 0
    verdict = "compatible" if result.compatible else "NOT compatible"
    click.echo(f"{contract.event}: version {v1} → {v2} ({verdict} under {level})")
    if not result.changes and not notes:
        click.echo("  no changes")
    for change in result.changes:
        click.echo(f"  {change.kind} at {change.path or '/'}: {change.message} "
                   f"({effect(change)})")
        if id(change) in shown:
            click.echo(f"      {example(shown[id(change)], f'v{v1}', f'v{v2}')}")
    for note in notes:
        click.echo(f"  annotation {note.action} at {note.path}")
    return 0
