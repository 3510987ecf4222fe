"""The `accord` fixture, and the per-session state behind it (registry, records, files)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from accord.errors import AccordError
from accord.registry.model import Registry
from accord.samples import SampleError
from accord.testing.consumer import Consumer, Expectation
from accord.testing.contract import ContractView, resolve
from accord.testing.errors import ContractTestError, ExpectationFileError
from accord.testing.expectations import Record, write
from accord.testing.provider import Provider

DEFAULT_SAMPLES = 25


def _setting(config: pytest.Config, name: str) -> tuple[str | None, Path]:
    """An option's value and the folder relative paths start from (invocation or ini)."""
    value = config.getoption(name)
    if value is not None:
        return str(value), config.invocation_params.dir
    ini = config.getini(name)
    base = config.inipath.parent if config.inipath else config.rootpath
    return (str(ini) if ini else None), base


def _integer(config: pytest.Config, name: str, default: int) -> int:
    raw, _ = _setting(config, name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise pytest.UsageError(f"{name.replace('_', '-')} must be an integer, not "
                                f"{raw!r}") from None


@dataclass
class Session:
    """Everything the plugin holds for one pytest session; the registry loads on first use."""

    config: pytest.Config
    passed: list[Record] = field(default_factory=list)
    collected: set[str] = field(default_factory=set)
    expectations: list[Expectation] = field(default_factory=list)
    """The expectations of the test running now."""
    _registry: Registry | None = None
    _registry_path: Path | None = None
    _expectations_dir: Path | None = None

    @property
    def samples(self) -> int:
        return _integer(self.config, "accord_samples", DEFAULT_SAMPLES)

    @property
    def seed(self) -> int:
        # A fixed default: the same samples every run, so expectation files stay stable.
        return _integer(self.config, "accord_seed", 0)

    def _config(self) -> Any:
        from accord.config import find_config

        try:
            return find_config(self.config.rootpath)
        except AccordError as exc:
            raise ContractTestError(f"cannot read the Accord configuration: {exc}") from None

    @property
    def registry_path(self) -> Path:
        if self._registry_path is None:
            raw, base = _setting(self.config, "accord_registry")
            self._registry_path = base / raw if raw else self._config().registry
        return self._registry_path

    @property
    def expectations_dir(self) -> Path:
        if self._expectations_dir is None:
            raw, base = _setting(self.config, "accord_expectations")
            if raw:
                self._expectations_dir = base / raw
            else:
                configured = self._config().expectations
                self._expectations_dir = configured or self.registry_path.parent / "expectations"
        return self._expectations_dir

    @property
    def registry(self) -> Registry:
        if self._registry is None:
            from accord.registry import load_registry

            try:
                self._registry = load_registry(self.registry_path)
            except AccordError as exc:
                raise ContractTestError(f"cannot load the registry: {exc}") from None
        return self._registry

    def contract(self, event: str, version: int | None = None) -> ContractView:
        contract, chosen = resolve(self.registry, event, version)
        return ContractView(contract, chosen)

    def test_passed(self, nodeid: str) -> None:
        """Keep what the test's expectations recorded; a failing test's are dropped."""
        self.passed.extend(e.record() for e in self.expectations if e.test == nodeid)

    def write_files(self) -> list[str]:
        """Update the expectation files of this session's consumers; returns error messages."""
        if not self.passed:
            return []
        by_consumer: dict[str, list[Record]] = {}
        for record in self.passed:
            by_consumer.setdefault(record.consumer, []).append(record)
        replaced = {r.test for r in self.passed}
        root = self.config.rootpath
        modules = {nodeid.split("::")[0] for nodeid in self.collected}

        def gone(test: str) -> bool:
            module = test.split("::")[0]
            return test in replaced or not (root / module).exists() or (
                module in modules and test not in self.collected)

        folder = self.expectations_dir
        messages = []
        for consumer, records in sorted(by_consumer.items()):
            try:
                write(folder, consumer, records, gone)
            except ExpectationFileError as exc:
                messages.append(f"{exc}; not updated")
            except OSError as exc:
                messages.append(f"cannot write the expectations of {consumer} to {folder}: {exc}")
        return messages


class Accord:
    """The `accord` fixture: contracts, consumers and providers, bound to the registry."""

    def __init__(self, session: Session, nodeid: str) -> None:
        self._session = session
        self._nodeid = nodeid

    @property
    def registry(self) -> Registry:
        return self._session.registry

    def contract(self, event: str, version: int | None = None) -> ContractView:
        """The schema, examples and validation of ``event`` (default: latest active version)."""
        return self._session.contract(event, version)

    def consumer(self, name: str) -> Consumer:
        return Consumer(self._session, name, self._nodeid)

    def provider(self, name: str) -> Provider:
        return Provider(self._session, name)


def explain(session: Session | None, exc: BaseException) -> str | None:
    """Why a test failed, in Accord's words, when Accord knows better than the traceback."""
    if isinstance(exc, ContractTestError | SampleError):
        return f"accord: {exc}"
    if session is not None:
        for expectation in session.expectations:
            note = expectation.tolerant_failure()
            if note:
                exc.add_note(note)
                return None
    return None
