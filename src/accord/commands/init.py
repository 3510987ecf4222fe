"""`accord init [DIR]`: a new project that passes its own checks from the first commit."""

from __future__ import annotations

import tomllib
from pathlib import Path

import click

from accord.commands.common import display
from accord.errors import UsageError
from accord.registry.model import CHANNEL_PATTERN

EXAMPLE = """\
# One file per event: contracts/<domain>/<snake_name>.yaml. `accord lint` checks it,
# `accord check --base HEAD` blocks breaking changes to it.
event: orders.OrderPlaced
summary: A customer placed an order.
owner: team-orders
channel: orders
key: order_id
producers: [order-service]
consumers: [email-service]
versions:
  1:
    schema:
      type: object
      additionalProperties: false
      required: [order_id, total]
      properties:
        order_id: {type: string, format: uuid, description: The order.}
        total: {type: string, pattern: '^[0-9]+[.][0-9]{2}$', description: 'Amount, e.g. "12.50".'}
    examples:
      - {order_id: 6f1c9e2a-3b4d-4e5f-8a7b-1c2d3e4f5a6b, total: "12.50"}
"""

POLICY = f"""\
# Accord's governance policy. Every setting is shown with its default; uncomment to change.

# The compatibility level of contracts that set none: NONE, BACKWARD, BACKWARD_TRANSITIVE,
# FORWARD, FORWARD_TRANSITIVE, FULL or FULL_TRANSITIVE (as Confluent Schema Registry).
# compatibility: BACKWARD_TRANSITIVE

# How open content models are compared: strict (an old event may carry any undeclared
# property) or assume-absent (producers never send undeclared properties).
# undeclared_properties: strict

# naming:
#   field_case: snake_case          # snake_case | camelCase | PascalCase | kebab-case
#   channel_pattern: '{CHANNEL_PATTERN}'

# Severity of each lint rule (error, warning or off), and rule options; `accord rules`
# lists them all. For example:
# rules:
#   property-description: warning
#   unknown-keyword: {{severity: error, vocabulary: [nullable]}}
"""

CONFIG_TOML = """
[tool.accord]
registry = "contracts"
policy = "governance/policy.yaml"
"""

CONFIG_YAML = """\
# Accord's configuration (or [tool.accord] in pyproject.toml).
registry: contracts
policy: governance/policy.yaml
"""

PRE_COMMIT = """\
# Accord's gate on every commit: deletions, renames and the first commit included.
repos:
  - repo: local
    hooks:
      - id: accord-check
        name: accord check
        entry: accord check --base HEAD --hook
        language: system
        types: [yaml]
        pass_filenames: true
        always_run: true
        require_serial: true
"""


def run(folder: str) -> int:
    root = Path(folder)
    if root.exists() and not root.is_dir():
        raise UsageError(f"{folder} is a file, not a folder")
    pyproject = root / "pyproject.toml"
    planned: dict[Path, str] = {
        root / "contracts/orders/order_placed.yaml": EXAMPLE,
        root / "governance/policy.yaml": POLICY,
    }
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise UsageError(f"{display(pyproject)} is not valid TOML: {exc}") from None
        if "accord" in data.get("tool", {}):
            raise UsageError(f"{display(pyproject)} already has [tool.accord]: this is an "
                             "Accord project already; nothing written")
    else:
        planned[root / "accord.yaml"] = CONFIG_YAML
    existing = [p for p in planned if p.exists()]
    if (root / "contracts").is_dir() and any((root / "contracts").iterdir()):
        existing.append(root / "contracts")
    if existing:
        raise UsageError("refusing to overwrite " + ", ".join(display(p) for p in existing)
                         + "; nothing written")
    pre_commit = root / ".pre-commit-config.yaml"
    if not pre_commit.exists():
        planned[pre_commit] = PRE_COMMIT
    for path, text in planned.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        click.echo(f"wrote {display(path)}")
    if pyproject.is_file():
        with pyproject.open("a", encoding="utf-8") as handle:
            handle.write(CONFIG_TOML)
        click.echo(f"added [tool.accord] to {display(pyproject)}")
    if pre_commit not in planned:
        click.echo(f"kept your {display(pre_commit)}: add the accord-check hook to it "
                   "(see the README's pre-commit section)")
    click.echo("next: accord lint && accord check   (then `pre-commit install`)")
    return 0
