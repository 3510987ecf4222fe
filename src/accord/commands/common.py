"""What several commands share: finding the registry, its policy and its rules."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from accord.config import Config, find_config
from accord.errors import ConfigError, Location, UsageError
from accord.governance.plugins import load_rules
from accord.governance.rules import Rule
from accord.registry import Policy, Registry, load_policy, load_registry
from accord.registry.loader import is_shared, load_from
from accord.validation.regex import why_unsupported


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
    relative: tuple[str, ...] | None
    """The same files, relative to the registry root."""


def display(path: Path) -> str:
    """A path as the user should see it: relative to the current folder when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)


def _root_and_files(
    paths: Sequence[str], config: Config, *, skip_outside: bool
) -> tuple[Path, list[str] | None]:
    if not paths:
        return config.registry, None
    if len(paths) == 1 and Path(paths[0]).is_dir():
        return Path(paths[0]), None
    root = config.registry.resolve()
    files = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise UsageError("no such file", Location(raw))
        if path.is_dir():
            raise UsageError("give either one registry folder or files inside the registry",
                             Location(raw))
        resolved = path.resolve()
        if not resolved.is_relative_to(root):
            if skip_outside:  # pre-commit passes every changed YAML file
                continue
            raise UsageError(f"file is outside the registry {display(root)}", Location(raw))
        if resolved.suffix in (".yaml", ".yml"):
            files.append(resolved.relative_to(root).as_posix())
    return root, files


def open_workspace(paths: Sequence[str] = (), *, skip_outside: bool = False,
                   config: Config | None = None) -> Workspace:
    """Load the configured registry, or only the named files in it (fast for pre-commit).

    ``config`` defaults to the one found from the current folder."""
    config = config or find_config()
    root, files = _root_and_files(paths, config, skip_outside=skip_outside)
    root_display = display(root)
    if files is None or any(is_shared(f) for f in files):
        # A shared schema reaches every contract that uses it: load them all to find those.
        registry = load_registry(root_display)
        only = None if files is None else frozenset(f"{root_display}/{f}" for f in files)
    else:
        base = Path(root_display)
        registry = load_from(root_display, lambda p: (base / p).read_bytes(), files)
        only = frozenset(f"{root_display}/{f}" for f in files)
    policy = checked_policy(display(config.policy))
    rules = load_rules(config.plugins, config.base)
    return Workspace(config, root_display, registry, policy, rules, only,
                     tuple(files) if files is not None else None)


def configured_policy() -> Policy:
    return checked_policy(display(find_config().policy))


def checked_policy(path: str) -> Policy:
    """The policy at ``path``, its channel pattern checked by the regex policy."""
    policy = load_policy(path)
    problem = why_unsupported(policy.channel_pattern)
    if problem is not None:
        raise ConfigError(f"naming.channel_pattern: {problem}", Location(path))
    return policy


def expectations_dir(config_expectations: Path | None, registry_root: str) -> Path:
    """The configured folder of consumer expectations, else `expectations/` beside the registry."""
    return config_expectations or Path(registry_root).resolve().parent / "expectations"
