"""Which contract and version a message is, and what is wrong with it.

A CloudEvent names its contract by ``type`` and its version by ``dataschema``; a message in
Confluent's wire format (magic byte 0, a 4-byte schema id) by the id, as `accord registry
serve` assigns them or as a Schema Registry given with ``--schema-registry`` answers;
anything else is matched by channel: the newest version it is valid
under, else the version it breaks least (fewest violations), so a report points at the most
plausible schema.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from accord.errors import AccordError
from accord.interop.cloudevents import CloudEventError, parse, schema_uri
from accord.interop.wire import split_framed
from accord.registry.ids import entries
from accord.registry.model import JSON, Contract, ContractVersion, Registry
from accord.validation import validator as validator_for

from .remote import RemoteSchemas


def canonical(schema: JSON) -> str:
    """One text per schema, whatever its key order, white space or ``$schema`` (which
    `accord registry serve` adds to the copy it serves)."""
    if isinstance(schema, dict):
        schema = {k: v for k, v in schema.items() if k != "$schema"}
    return json.dumps(schema, sort_keys=True, separators=(",", ":"))

Violation = tuple[str, str]
"""(JSON pointer, message)"""


class NotJson(AccordError):
    """A message on the channel is not JSON, so no contract can judge it."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """The contract and version a message was judged by (None: it matches none)."""

    event: str | None
    version: int | None
    violations: tuple[Violation, ...] = ()
    reason: str = ""
    """Why nothing matched, when ``event`` is None."""

    @property
    def valid(self) -> bool:
        return self.event is not None and not self.violations


def _shares_a_property(version: ContractVersion, data: dict[str, Any]) -> bool:
    schema = version.resolved
    properties = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(properties, dict):
        return True  # no declared properties to compare: judge it by the schema
    return not data or any(name in properties for name in data)


@dataclass
class Identifier:
    """Judges messages of one channel against a registry; validators are built once."""

    registry: Registry
    channel: str
    remote: RemoteSchemas | None = None
    """Where wire-format schema ids come from; None: the ids `accord registry serve` gives."""
    _validators: dict[tuple[str, int], Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._last: tuple[Contract, ContractVersion] | None = None
        self.candidates = [c for c in self.registry.contracts if c.topic == self.channel]
        self._ids: dict[int, tuple[Contract, ContractVersion]] | None = None
        self._by_schema: dict[str, tuple[Contract, ContractVersion]] | None = None

    def _validator(self, contract: Contract, version: ContractVersion) -> Any:
        key = (contract.event, version.number)
        validator = self._validators.get(key)
        if validator is None:
            schema = version.resolved
            validator = self._validators[key] = validator_for(schema)
        return validator

    def _is_valid(self, contract: Contract, version: ContractVersion, data: JSON) -> bool:
        return bool(self._validator(contract, version).is_valid(data))

    def violations(self, contract: Contract, version: ContractVersion,
                   data: JSON) -> tuple[Violation, ...]:
        return tuple(self._validator(contract, version).problems(data, limit=50))

    def judge(self, data: bytes, headers: Mapping[str, str | bytes], where: str) -> Verdict:
        """The verdict on one message; ``where`` names it in a NotJson error."""
        binary = any(str(k).lower().startswith(("ce_", "ce-")) for k in headers)
        if binary:
            return self._cloudevent(data, headers)
        framed = split_framed(data)
        if framed is not None:
            return self._by_schema_id(*framed, where)
        try:
            document = json.loads(data)
        except (ValueError, UnicodeDecodeError):
            raise NotJson(f"{where} is not JSON ({data[:40]!r}); every event on a contract "
                          f"channel must be JSON") from None
        except RecursionError:
            return Verdict(None, None, reason="nested too deeply to be judged (no contract "
                                              "allows that depth)")
        if isinstance(document, dict) and "specversion" in document and "type" in document:
            return self._cloudevent(data, headers)
        return self._by_channel(document)

    def _by_schema_id(self, schema_id: int, payload: bytes, where: str) -> Verdict:
        try:
            document = json.loads(payload)
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise NotJson(f"{where} is not JSON, nor JSON in Confluent's wire format "
                          f"({payload[:40]!r} after a zero byte and 4 id bytes)") from None
        if self.remote is not None:
            return self._by_remote_id(schema_id, document)
        if self._ids is None:
            self._ids = {e.id: (e.contract, e.version) for e in entries(self.registry)}
        found = self._ids.get(schema_id)
        if found is None:
            return Verdict(None, None, reason=f"its wire-format schema id {schema_id} is no "
                                              f"version's id (see `accord registry ids`)")
        contract, version = found
        return Verdict(contract.event, version.number,
                       self.violations(contract, version, document))

    def _by_remote_id(self, schema_id: int, document: JSON) -> Verdict:
        """The registry's schema for the id judges the message. It is named by the contract
        version whose schema it is, else by the subject and version it is registered as."""
        assert self.remote is not None
        found = self.remote.get(schema_id)
        if found is None:
            return Verdict(None, None, reason=f"its wire-format schema id {schema_id} is "
                                              f"unknown to {self.remote.url}")
        if self._by_schema is None:
            self._by_schema = {canonical(v.resolved): (c, v)
                               for c in self.registry.contracts for v in c.versions}
        local = self._by_schema.get(canonical(found.schema))
        if local is not None:
            contract, version = local
            return Verdict(contract.event, version.number,
                           self.violations(contract, version, document))
        key = (f"{found.subject} (schema id {schema_id})", found.version)
        validator = self._validators.get(key)
        if validator is None:
            validator = self._validators[key] = validator_for(found.schema)
        return Verdict(key[0], found.version,
                       tuple(validator.problems(document, limit=50)))

    def _cloudevent(self, data: bytes, headers: Mapping[str, str | bytes]) -> Verdict:
        try:
            envelope = parse(data, headers)
        except CloudEventError as exc:
            return Verdict(None, None, reason=str(exc))
        kind = str(envelope.attributes.get("type"))
        contract = self.registry.get(kind)
        if contract is None:
            return Verdict(None, None, reason=f"CloudEvent type {kind!r} is in no contract")
        dataschema = envelope.attributes.get("dataschema")
        for version in contract.versions:
            if dataschema == schema_uri(contract, version):
                return Verdict(contract.event, version.number,
                               self.violations(contract, version, envelope.data))
        found = self._best([contract], envelope.data)
        if dataschema is None:
            return found
        unknown = f"{dataschema!r} names no version of {contract.event}"
        if found.event is None:  # the data is no help either: the dataschema is the news
            numbers = ", ".join(f"v{v.number}" for v in contract.versions)
            return Verdict(None, None, reason=f"CloudEvent dataschema {unknown} (it has "
                                              f"{numbers})")
        return Verdict(found.event, found.version, (("/dataschema", unknown),
                                                    *found.violations))

    def _by_channel(self, document: JSON) -> Verdict:
        if not self.candidates:
            return Verdict(None, None, reason=f"no contract has channel {self.channel!r}")
        return self._best(self.candidates, document)

    def _best(self, contracts: list[Contract], data: JSON) -> Verdict:
        pairs = [(c, v) for c in contracts for v in sorted(c.versions, key=lambda v: -v.number)]
        # Traffic on a channel is mostly one event: try the last match first, and use
        # is_valid (stops at the first error) before collecting every violation.
        first = pairs
        if self._last is not None and self._last in pairs:
            first = [self._last, *(p for p in pairs if p != self._last)]
        for contract, version in first:
            if self._is_valid(contract, version, data):
                self._last = (contract, version)
                return Verdict(contract.event, version.number)
        if isinstance(data, dict) and not any(_shares_a_property(v, data) for _, v in pairs):
            # Blaming a contract for an object that has none of its fields helps nobody.
            names = ", ".join(sorted({c.event for c, _ in pairs}))
            return Verdict(None, None, reason=f"shares no property with any of {names}")
        best: Verdict | None = None  # ties go to the newest version, whatever came last
        for contract, version in pairs:
            found = self.violations(contract, version, data)
            if best is None or len(found) < len(best.violations):
                best = Verdict(contract.event, version.number, found)
        assert best is not None  # a contract has at least one version
        return best
