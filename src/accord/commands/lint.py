"""`accord lint [PATH…]`."""

from __future__ import annotations

from collections.abc import Sequence

import click

from accord.commands.common import open_workspace
from accord.governance.lint import lint, severity_of
from accord.governance.report import RuleInfo, render


def run(paths: Sequence[str], fmt: str) -> int:
    workspace = open_workspace(paths)
    report = lint(workspace.registry, workspace.policy, workspace.rules, only=workspace.only)
    infos = [RuleInfo(r.id, r.summary, severity_of(r, workspace.policy))
             for r in workspace.rules]
    output = render(fmt, report.findings, report.files, infos, suite="accord lint")
    if output:
        click.echo(output)
    return 1 if report.errors else 0
