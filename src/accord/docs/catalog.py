"""The registry seen as a catalog: domains, services, channels and where each page lives."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field

from accord.docs.escape import page_slug
from accord.registry import Contract, Policy, Registry


@dataclass(frozen=True, slots=True)
class Service:
    name: str
    produces: tuple[Contract, ...]
    consumes: tuple[Contract, ...]


@dataclass(frozen=True, slots=True)
class Catalog:
    """Everything the pages need, sorted once so that the output is deterministic."""

    registry: Registry
    policy: Policy
    prefix: str = "catalog"
    kinds_page: str | None = None
    """Docs-relative path of the change-kind reference, linked from change tables."""
    contracts: tuple[Contract, ...] = ()
    domains: Mapping[str, tuple[Contract, ...]] = field(default_factory=dict)
    services: Mapping[str, Service] = field(default_factory=dict)
    channels: Mapping[str, tuple[Contract, ...]] = field(default_factory=dict)

    # Page paths, relative to the docs folder, with forward slashes.
    def _path(self, path: str) -> str:
        return f"{self.prefix}/{path}" if self.prefix else path

    def home(self) -> str:
        return self._path("index.md")

    def flow(self) -> str:
        return self._path("flow.md")

    def index(self, kind: str) -> str:
        return self._path(f"{kind}/index.md")

    def event(self, contract: Contract) -> str:
        return self._path(f"events/{page_slug(contract.domain)}/{page_slug(contract.name)}.md")

    def feed(self) -> str:
        return self._path("feed.xml")

    def changes(self, contract: Contract) -> str:
        return self.event(contract).removesuffix(".md") + ".changes.md"

    def schema_file(self, contract: Contract, number: int) -> str:
        base = self.event(contract).removesuffix(".md")
        return f"{base}.v{number}.schema.json"

    def domain(self, name: str) -> str:
        return self._path(f"domains/{page_slug(name)}.md")

    def service(self, name: str) -> str:
        return self._path(f"services/{page_slug(name)}.md")

    def channel(self, name: str) -> str:
        return self._path(f"channels/{page_slug(name)}.md")


def build_catalog(registry: Registry, policy: Policy, prefix: str = "catalog",
                  kinds_page: str | None = None) -> Catalog:
    contracts = tuple(sorted(registry.contracts, key=lambda c: c.event))
    domains: dict[str, list[Contract]] = {}
    channels: dict[str, list[Contract]] = {}
    produces: dict[str, list[Contract]] = {}
    consumes: dict[str, list[Contract]] = {}
    for contract in contracts:
        domains.setdefault(contract.domain, []).append(contract)
        if contract.channel:
            channels.setdefault(contract.channel, []).append(contract)
        for name in contract.producers:
            produces.setdefault(name, []).append(contract)
        for name in contract.consumers:
            consumes.setdefault(name, []).append(contract)
    services = {
        name: Service(name, tuple(produces.get(name, ())), tuple(consumes.get(name, ())))
        for name in sorted({*produces, *consumes})
    }
    return Catalog(
        registry=registry,
        policy=policy,
        prefix=prefix.strip("/"),
        kinds_page=kinds_page,
        contracts=contracts,
        domains={k: tuple(v) for k, v in sorted(domains.items())},
        services=services,
        channels={k: tuple(v) for k, v in sorted(channels.items())},
    )


def link(source: str, target: str, anchor: str = "") -> str:
    """The relative link from page ``source`` to file ``target`` (both docs-relative)."""
    relative = posixpath.relpath(target, posixpath.dirname(source) or ".")
    return relative + (f"#{anchor}" if anchor else "")
