"""`accord registry serve | ids`: the registry over Confluent Schema Registry's REST API."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import click

from accord.commands.common import Workspace, display, open_workspace
from accord.registry import Registry
from accord.registry.git import GitTree
from accord.registry.ids import entries
from accord.registry.loader import load_from
from accord.serve import build_catalog


def _registry(workspace: Workspace, ref: str | None) -> tuple[Registry, str]:
    if ref is None:
        return workspace.registry, f"{workspace.root} (work tree)"
    tree = GitTree(Path(workspace.root), ref)
    registry = load_from(tree.display_root(workspace.root), tree.reader(), tree.paths)
    return registry, f"{workspace.root} at {ref} ({tree.commit[:12]})"


def serve(host: str, port: int, ref: str | None, subjects: str) -> int:
    from accord.serve.server import serve_forever

    workspace = open_workspace()
    registry, where = _registry(workspace, ref)
    catalog = build_catalog(registry, workspace.policy, subjects)
    live = sum(1 for e in catalog.by_id.values() if not e.retired)

    def ready(url: str) -> None:
        click.echo(f"serving {len(catalog.by_id)} schemas ({live} active, "
                   f"{len(catalog.subjects)} subjects by {subjects} name) of {where}")
        if ref is not None:
            click.echo(f"compatibility levels from the work tree's policy "
                       f"{display(workspace.config.policy)}")
        click.echo(f"Schema Registry API, read-only: {url}  (Ctrl-C stops)")

    with contextlib.suppress(KeyboardInterrupt):
        serve_forever(catalog, host, port, ready)
    return 0


def ids(ref: str | None, subjects: str, fmt: str) -> int:
    from accord.serve.subjects import STRATEGIES

    registry, _ = _registry(open_workspace(), ref)
    name = STRATEGIES[subjects]
    rows: list[dict[str, Any]] = [{"id": e.id, "guid": e.guid, "event": e.contract.event,
             "version": e.version.number, "status": e.version.status,
             "pinned": e.pinned, "subject": name(e.contract)}
            for e in entries(registry)]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return 0
    width = max((len(r["event"]) for r in rows), default=5)
    click.echo(f"{'id':>10}  {'event':<{width}}  version  status      subject")
    for r in rows:
        pin = " (pinned)" if r["pinned"] else ""
        click.echo(f"{r['id']:>10}  {r['event']:<{width}}  {r['version']:>7}  "
                   f"{r['status']:<10}  {r['subject']}{pin}")
    return 0
