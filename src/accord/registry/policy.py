"""Reading governance/policy.yaml into a Policy."""

from __future__ import annotations

from pathlib import Path

from accord.errors import ConfigError, LoadError, Location
from accord.registry.model import (
    CHANNEL_PATTERN,
    LEVELS,
    UNDECLARED,
    Policy,
    RuleSetting,
    SourceMap,
)
from accord.registry.yamlio import load_yaml_file

SEVERITIES = ("error", "warning", "off")
_KEYS = {"compatibility", "undeclared_properties", "naming", "rules"}
_CASES = ("snake_case", "camelCase", "PascalCase", "kebab-case")


def load_policy(path: str | Path | None) -> Policy:
    """Load the policy file at ``path``; no file means the defaults."""
    # A missing file means the defaults; a folder or an unreadable file is an error.
    if path is None or not Path(path).exists():
        return Policy()
    try:
        document, source = load_yaml_file(Path(path), str(path))
    except LoadError as exc:
        if exc.message.startswith("empty file"):  # all settings commented out: the defaults
            return Policy(path=str(path))
        raise
    return policy_from(document, source)


def policy_from(document: object, source: SourceMap) -> Policy:
    """A policy from its parsed file (the work tree's, or a git ref's)."""
    file = source.file

    def fail(message: str, pointer: str) -> ConfigError:
        return ConfigError(message, source.locate(pointer))

    if not isinstance(document, dict):
        raise ConfigError("a policy must be a mapping", Location(file, 1))
    for key in document:
        if key not in _KEYS:
            raise fail(f"unknown policy key {key!r}; expected one of {sorted(_KEYS)}", f"/{key}")
    level = document.get("compatibility", "BACKWARD_TRANSITIVE")
    if level not in LEVELS:
        raise fail(f"compatibility must be one of {', '.join(LEVELS)}", "/compatibility")
    undeclared = document.get("undeclared_properties", "strict")
    if undeclared not in UNDECLARED:
        raise fail("undeclared_properties must be strict or assume-absent",
                   "/undeclared_properties")
    naming = document.get("naming", {})
    if not isinstance(naming, dict):
        raise fail("naming must be a mapping", "/naming")
    case = naming.get("field_case", "snake_case")
    if case not in _CASES:
        raise fail(f"naming.field_case must be one of {', '.join(_CASES)}", "/naming/field_case")
    channel = naming.get("channel_pattern", CHANNEL_PATTERN)
    if not isinstance(channel, str):
        raise fail("naming.channel_pattern must be a string", "/naming/channel_pattern")
    # Whether the regex can be evaluated (safely) is the validation layer's to say; the
    # front ends check it when they load a policy (accord.commands.common).
    rules: dict[str, RuleSetting] = {}
    raw_rules = document.get("rules", {}) or {}
    if not isinstance(raw_rules, dict):
        raise fail("rules must map rule ids to a severity or a mapping", "/rules")
    for rule_id, setting in raw_rules.items():
        where = f"/rules/{rule_id}"
        if isinstance(setting, str):
            setting = {"severity": setting}
        if not isinstance(setting, dict):
            raise fail(f"rule {rule_id!r}: expected a severity or a mapping", where)
        severity = setting.get("severity")
        if severity is not None and severity not in SEVERITIES:
            raise fail(f"rule {rule_id!r}: severity must be error, warning or off", where)
        options = {k: v for k, v in setting.items() if k != "severity"}
        rules[rule_id] = RuleSetting(severity, options)
    return Policy(
        compatibility=level,
        undeclared_properties=undeclared,
        field_case=case,
        channel_pattern=channel,
        rules=rules,
        path=file,
    )
