"""`accord verify [--base REF]`: consumer expectation files against the registry."""

from __future__ import annotations

from pathlib import Path

import click

from accord.commands.common import display, expectations_dir, open_workspace
from accord.governance.report import RuleInfo, render
from accord.registry import Registry
from accord.registry.git import GitTree
from accord.registry.loader import load_from
from accord.testing.expectations import files
from accord.testing.verify import RULES, verify_findings


def _base(ref: str, root: str) -> Registry:
    tree = GitTree(Path(root), ref)
    return load_from(tree.display_root(root), tree.reader(), tree.paths)


def run(base_ref: str | None, fmt: str) -> int:
    workspace = open_workspace()
    folder = expectations_dir(workspace.config.expectations, workspace.root)
    base = _base(base_ref, workspace.root) if base_ref else None
    findings = verify_findings(workspace.registry, folder, base=base)
    checked = [display(path) for path in files(folder)]
    infos = [RuleInfo(rule, summary, "error") for rule, summary in RULES.items()]
    extra = {"base": base_ref} if base_ref else None
    output = render(fmt, findings, checked, infos, suite="accord verify", extra=extra)
    if output:
        click.echo(output)
    return 1 if any(f.severity == "error" for f in findings) else 0
