"""`accord check [--base REF] [--hook] [PATH…]`: the CI and pre-commit gate."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import click

from accord.commands.common import Workspace, display, expectations_dir, open_workspace
from accord.config import Config, find_config
from accord.errors import UsageError
from accord.governance.check import GATE_RULES, check
from accord.governance.findings import Finding
from accord.governance.lint import severity_of
from accord.governance.pr_report import changes_since
from accord.governance.report import RuleInfo, render
from accord.registry import Policy, Registry
from accord.registry.git import GitTree, file_at, staged_removals, unborn
from accord.registry.loader import is_shared, load_from
from accord.registry.policy import policy_from
from accord.registry.yamlio import load_yaml


def _base(ref: str, root: str, relative: Sequence[str] | None) -> Registry:
    tree = GitTree(Path(root), ref)
    wanted = tree.paths if relative is None else [p for p in relative if p in tree.paths]
    return load_from(tree.display_root(root), tree.reader(list(wanted)), wanted)


def _base_policy(ref: str, workspace: Workspace) -> Policy | None:
    """The policy as of ``ref``, to see whether a level was loosened; None if it had none."""
    policy = workspace.config.policy
    if not policy.parent.is_dir():
        return None
    data = file_at(policy.parent, ref, policy.name)
    if data is None:
        return None
    shown = f"{ref}:{display(policy)}"
    document, source = load_yaml(data, shown)
    return policy_from(document, source)


@dataclass
class _Gathered:
    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    infos: dict[str, RuleInfo] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)
    changed: dict[str, str] = field(default_factory=dict)
    """Contracts that differ from --base: event -> what (added, versions added, edited)."""


def _gate(workspace: Workspace, base_ref: str | None, out: _Gathered) -> None:
    relative = workspace.relative
    if relative is not None and any(is_shared(p) for p in relative):
        relative = None  # the contracts that use a shared file are checked too
    base: Registry | None = None
    base_policy: Policy | None = None
    if base_ref and base_ref == "HEAD" and unborn(Path(workspace.root)):
        # The first commit of a new repository: nothing was published before it.
        base = Registry(f"{base_ref}:{workspace.root}", ())
    elif base_ref:
        base = _base(base_ref, workspace.root, relative)
        base_policy = _base_policy(base_ref, workspace)
    report = check(workspace.registry, workspace.policy, workspace.rules, base=base,
                   only=workspace.only, base_policy=base_policy)
    out.findings += report.findings
    out.files += report.files
    out.owners.update({c.event: f"{c.owner or '-'} (held {workspace.policy.level_for(c)})"
                       for c in workspace.registry.contracts})
    if base is not None:
        out.changed.update(changes_since(base, workspace.registry))
    for r in workspace.rules:
        out.infos[r.id] = RuleInfo(r.id, r.summary, severity_of(r, workspace.policy))
    for rule_id, summary in GATE_RULES.items():
        out.infos[rule_id] = RuleInfo(rule_id, summary, "error")
    folder = expectations_dir(workspace.config.expectations, workspace.root)
    if workspace.only is None and folder.is_dir():
        # Consumers' expectations on file: what a change breaks for whom.
        from accord.testing.verify import RULES, verify_findings

        out.findings += verify_findings(workspace.registry, folder, base=base)
        for rule_id, summary in RULES.items():
            out.infos[rule_id] = RuleInfo(rule_id, summary, "error")


def _emit(fmt: str, base_ref: str | None, out: _Gathered) -> int:
    out.findings.sort(key=lambda f: f.sort_key)
    extra = {"base": base_ref} if base_ref else None
    output = render(fmt, out.findings, out.files, list(out.infos.values()),
                    suite="accord check", extra=extra, owners=out.owners,
                    changed=out.changed)
    if output:
        click.echo(output)
    return 1 if any(f.severity == "error" for f in out.findings) else 0


def run(paths: Sequence[str], base_ref: str | None, fmt: str, hook: bool = False) -> int:
    if base_ref is not None and not base_ref.strip():
        raise UsageError("--base is empty: give a git ref, such as HEAD or origin/main "
                         "(an empty ref would check nothing against the base)")
    if hook:
        return _hook(paths, base_ref or "HEAD", fmt)
    workspace = open_workspace(paths, skip_outside=True)
    out = _Gathered()
    if workspace.relative is not None and not workspace.relative:
        # Nothing the gate looks at was named (pre-commit with no contract changes).
        return _emit(fmt, base_ref, out)
    _gate(workspace, base_ref, out)
    return _emit(fmt, base_ref, out)


def _existing_ancestor(path: Path) -> Path:
    for folder in (path.parent, *path.parents):
        if folder.is_dir():
            return folder
    return Path.cwd()


def _hook(paths: Sequence[str], base_ref: str, fmt: str) -> int:
    """Pre-commit: the staged changes, deletions and renames included, each file checked
    in its own registry (found by walking up from the file, for monorepos)."""
    removed = staged_removals(Path.cwd())
    named = [Path(p).resolve() for p in paths]
    groups: dict[Path | None, tuple[Config, list[Path], bool]] = {}
    skipped: list[str] = []
    for path in [*named, *removed]:
        config = find_config(_existing_ancestor(path))
        registry, policy = config.registry.resolve(), config.policy.resolve()
        gone = not path.exists()
        is_policy = path == policy
        if not (path.is_relative_to(registry) or is_policy):
            if path.suffix in (".yaml", ".yml") and not gone:
                skipped.append(display(path))
            continue
        key = config.file
        _, files, full = groups.get(key, (config, [], False))
        if gone or is_policy or is_shared(path.relative_to(registry).as_posix()):
            full = True  # deletions, renames, policy and shared files: the whole registry
        elif path.suffix in (".yaml", ".yml"):
            files.append(path)
        groups[key] = (config, files, full)
    out = _Gathered()
    for config, files, full in groups.values():
        chosen: list[str] = [] if full else [display(f) for f in files]
        if not full and not chosen:
            continue
        _gate(open_workspace(chosen, skip_outside=True, config=config), base_ref, out)
    if skipped and fmt == "text":
        click.echo(f"skipped, outside every registry: {', '.join(skipped)}", err=True)
    return _emit(fmt, base_ref, out)
