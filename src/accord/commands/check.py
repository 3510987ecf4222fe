"""`accord check [--base REF] [PATH…]`: the CI and pre-commit gate."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from accord.commands.common import expectations_dir, open_workspace
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
    findings = list(report.findings)
    infos = [RuleInfo(r.id, r.summary, severity_of(r, workspace.policy))
             for r in workspace.rules]
    infos += [RuleInfo(rule_id, summary, "error") for rule_id, summary in GATE_RULES.items()]
    folder = expectations_dir(workspace.config.expectations, workspace.root)
    if workspace.only is None and folder.is_dir():
        # Consumers' expectations on file: what a change breaks for whom.
        from accord.testing.verify import RULES, verify_findings

        findings += verify_findings(workspace.registry, folder, base=base)
        findings.sort(key=lambda f: f.sort_key)
        infos += [RuleInfo(rule_id, summary, "error") for rule_id, summary in RULES.items()]
    extra = {"base": base_ref} if base_ref else None
    output = render(fmt, findings, report.files, infos, suite="accord check", extra=extra)
    if output:
        click.echo(output)
    return 1 if any(f.severity == "error" for f in findings) else 0
