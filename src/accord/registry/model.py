"""The registry as data: frozen dataclasses with no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from accord.errors import Location

JSON = Any  # a JSON-compatible value: dict, list, str, int, float, bool or None

LEVELS = (
    "NONE",
    "BACKWARD",
    "BACKWARD_TRANSITIVE",
    "FORWARD",
    "FORWARD_TRANSITIVE",
    "FULL",
    "FULL_TRANSITIVE",
)
STATUSES = ("active", "deprecated", "retired")
UNDECLARED = ("strict", "assume-absent")
CHANNEL_PATTERN = r"^[a-z][a-z0-9]*([.-][a-z0-9]+)*$"


@dataclass(frozen=True, slots=True)
class SourceMap:
    """Line and column (1-based) of every value in one YAML file, by JSON pointer."""

    file: str
    marks: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    yaml11: Mapping[str, str] = field(default_factory=dict)
    """Plain scalars a YAML 1.1 reader would read otherwise: pointer -> what it would read."""

    def locate(self, pointer: str = "") -> Location:
        """The location of ``pointer``, or of its nearest ancestor that has one."""
        probe = pointer
        while True:
            mark = self.marks.get(probe)
            if mark is not None:
                return Location(self.file, mark[0], mark[1])
            if not probe:
                return Location(self.file)
            probe = probe.rpartition("/")[0]


@dataclass(frozen=True, slots=True)
class ContractVersion:
    """One published version of a contract."""

    number: int
    schema: JSON
    """The schema as written, with its `$ref`s untouched."""
    resolved: JSON
    """The schema with every cross-file `$ref` bundled into local `#/$defs/...` pointers."""
    status: str = "active"
    deprecated_on: str | None = None
    sunset_on: str | None = None
    examples: tuple[JSON, ...] = ()
    extensions: Mapping[str, JSON] = field(default_factory=dict)
    """The version's `x-*` keys."""

    @property
    def active(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True, slots=True)
class Contract:
    """One event contract: one file, one event, its versions."""

    event: str
    path: str
    """Path of the file, relative to the registry root, with forward slashes."""
    summary: str | None
    owner: str | None
    channel: str | None
    versions: tuple[ContractVersion, ...]
    description: str | None = None
    key: str | None = None
    compatibility: str | None = None
    producers: tuple[str, ...] = ()
    consumers: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    envelope: str = "none"
    ignore: frozenset[str] = frozenset()
    """Rule ids suppressed for this file by `x-accord-ignore`."""
    document: JSON = None
    """The file as loaded, for rules that look at what was written."""
    source: SourceMap = field(default_factory=lambda: SourceMap(""))

    @property
    def domain(self) -> str:
        return self.event.partition(".")[0]

    @property
    def name(self) -> str:
        return self.event.partition(".")[2]

    @property
    def topic(self) -> str:
        """Where its events travel on a broker: the channel, else the event name."""
        return self.channel or self.event

    @property
    def latest(self) -> ContractVersion:
        return self.versions[-1]

    def version(self, number: int) -> ContractVersion | None:
        for version in self.versions:
            if version.number == number:
                return version
        return None

    def latest_active(self) -> ContractVersion | None:
        for version in reversed(self.versions):
            if version.active:
                return version
        return None


@dataclass(frozen=True, slots=True)
class RuleSetting:
    """How the policy configures one lint rule."""

    severity: str | None = None
    """error | warning | off, or None for the rule's default."""
    options: Mapping[str, JSON] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Policy:
    """Governance settings for a registry (governance/policy.yaml)."""

    compatibility: str = "BACKWARD_TRANSITIVE"
    undeclared_properties: str = "strict"
    field_case: str = "snake_case"
    channel_pattern: str = CHANNEL_PATTERN
    rules: Mapping[str, RuleSetting] = field(default_factory=dict)
    path: str | None = None

    def level_for(self, contract: Contract) -> str:
        return contract.compatibility or self.compatibility

    def with_rule(self, rule_id: str, setting: RuleSetting) -> Policy:
        return replace(self, rules={**self.rules, rule_id: setting})


@dataclass(frozen=True, slots=True)
class SharedSchema:
    """A shared schema document (a file whose name starts with `_`, or in a `_` folder)."""

    path: str
    document: JSON
    source: SourceMap


@dataclass(frozen=True, slots=True)
class Registry:
    """Every contract and shared schema under one root."""

    root: str
    contracts: tuple[Contract, ...]
    shared: Mapping[str, SharedSchema] = field(default_factory=dict)

    def get(self, event: str) -> Contract | None:
        for contract in self.contracts:
            if contract.event == event:
                return contract
        return None

    def by_path(self, path: str) -> Contract | None:
        for contract in self.contracts:
            if contract.path == path:
                return contract
        return None

    @property
    def domains(self) -> tuple[str, ...]:
        return tuple(sorted({c.domain for c in self.contracts}))
