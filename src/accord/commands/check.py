"""`accord check [--base REF] [PATH…]`: the CI and pre-commit gate."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from accord.commands.common import open_workspace
from accord.governance.check import GATE_RULES, check
from accord.governance.lint import severity_of
from accord.governance.report import RuleInfo, render
from accord.registry import Registry
from accord.registry.git import GitTree
from accord.registry.loader import is_shared, load_from


def _base(ref: str, root: str, relative: Sequence[str] | None) -> Registry:
    tree = GitTree(Path(root), ref)
    wanted = tree.paths if relative is None else [p for p in relative if p in tree.paths]
    return load_from(tree.display_root(root), tree.reader(list(wanted)), wanted)


def run(paths: Sequence[str], base_ref: str | None, fmt: str) -> int:
    workspace = open_workspace(paths, skip_outside=True)
    if workspace.relative is not None and not workspace.relative:
        # Nothing the gate looks at was named (pre-commit with no contract changes).
        output = render(fmt, (), (), (), suite="accord check")
        if output:
            click.echo(output)
        return 0
    relative = workspace.relative
    if relative is not None and any(is_shared(p) for p in relative):
        relative = None  # the contracts that use a shared file are checked too
    base = _base(base_ref, workspace.root, relative) if base_ref else None
    report = check(workspace.registry, workspace.policy, workspace.rules, base=base,
                   only=workspace.only)
    infos = [RuleInfo(r.id, r.summary, severity_of(r, workspace.policy))
             for r in workspace.rules]
    infos += [RuleInfo(rule_id, summary, "error") for rule_id, summary in GATE_RULES.items()]
    extra = {"base": base_ref} if base_ref else None
    output = render(fmt, report.findings, report.files, infos, suite="accord check",
                    extra=extra)
    if output:
        click.echo(output)
    return 1 if report.errors else 0
