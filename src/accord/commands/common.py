"""What several commands share: finding the registry, its policy and its rules."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from accord.config import Config, find_config
from accord.errors import Location, UsageError
from accord.governance.plugins import load_rules
from accord.governance.rules import Rule
from accord.registry import Policy, Registry, load_policy, load_registry


@dataclass(frozen=True, slots=True)
class Workspace:
    """A loaded registry, with the policy and rules that govern it."""

    config: Config
    root: str
    registry: Registry
    policy: Policy
    rules: tuple[Rule, ...]
    only: frozenset[str] | None
    """Display paths of the files the user named, or None for all."""


def display(path: Path) -> str:
    """A path as the user should see it: relative to the current folder when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)


def _root_and_only(paths: Sequence[str], config: Config) -> tuple[Path, frozenset[str] | None]:
    if not paths:
        return config.registry, None
    if len(paths) == 1 and Path(paths[0]).is_dir():
        return Path(paths[0]), None
    root = config.registry.resolve()
    only = set()
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise UsageError("no such file", Location(raw))
        if path.is_dir():
            raise UsageError("give either one registry folder or files inside the registry",
                             Location(raw))
        resolved = path.resolve()
        if not resolved.is_relative_to(root):
            raise UsageError(f"file is outside the registry {display(root)}", Location(raw))
        only.add(f"{display(root)}/{resolved.relative_to(root).as_posix()}")
    return root, frozenset(only)


def open_workspace(paths: Sequence[str] = ()) -> Workspace:
    config = find_config()
    root, only = _root_and_only(paths, config)
    root_display = display(root)
    registry = load_registry(root_display)
    policy = load_policy(display(config.policy))
    rules = load_rules(config.plugins, config.base)
    return Workspace(config, root_display, registry, policy, rules, only)
