"""`accord rules`: the lint rule catalog, with the policy's severities."""

from __future__ import annotations

import json

import click

from accord.commands.common import display
from accord.config import find_config
from accord.governance.lint import severity_of
from accord.governance.plugins import load_rules
from accord.registry import load_policy


def run(fmt: str) -> int:
    config = find_config()
    policy = load_policy(display(config.policy))
    rules = load_rules(config.plugins, config.base)
    rows = [
        {"id": r.id, "severity": severity_of(r, policy), "default": r.severity,
         "summary": r.summary}
        for r in rules
    ]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
    else:
        width = max(len(r["id"]) for r in rows)
        for row in rows:
            click.echo(f"{row['id']:<{width}}  {row['severity']:<7}  {row['summary']}")
    return 0
