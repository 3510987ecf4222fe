"""Stable schema ids for the wire format: one per (event, version), never reused.

Confluent's serializers put a 4-byte schema id in front of every message, and consumers
look the schema up by that id for as long as the message is kept. So an id must name the
same schema for ever. Accord derives it from the event's name and the version number,
the two things a published version never changes: the first 31 bits of SHA-256 of
``"<event>@<version>"``. Editing a description, adding contracts or retiring a version
changes no id. A content hash would: every annotation edit would give the same version a
new id, and the messages already written with the old one would point at nothing.

Two (event, version) pairs can meet on the same 31 bits (about 1 in 4,300 for a registry
of 1,000 versions). `accord check` refuses that (`schema-id-unique`); a version settles it
with an explicit `x-accord-schema-id: N`, which also keeps a version's id when its event
is renamed.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from accord.registry.model import Contract, ContractVersion, Registry

PIN = "x-accord-schema-id"
MAX_ID = 2**31 - 1
"""Ids are positive and fit a signed 32-bit field (Java clients read the id as an int)."""

_GUIDS = uuid.UUID("6d0c3f4e-5b0a-4b7e-9a51-acc0d0000000")


def derived_id(event: str, number: int) -> int:
    """The id of ``event`` version ``number`` when the version pins none."""
    digest = hashlib.sha256(f"{event}@{number}".encode()).digest()
    value = int.from_bytes(digest[:4], "big") & MAX_ID
    return value or 1


def pinned_id(version: ContractVersion) -> int | None:
    """The version's `x-accord-schema-id`, when it is a usable id."""
    value = version.extensions.get(PIN)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID:
        return value
    return None


def schema_id(contract: Contract, version: ContractVersion) -> int:
    pinned = pinned_id(version)
    return pinned if pinned is not None else derived_id(contract.event, version.number)


def schema_guid(contract: Contract, version: ContractVersion) -> str:
    """A GUID for clients that look schemas up by GUID; as stable as the id."""
    return str(uuid.uuid5(_GUIDS, f"{contract.event}@{version.number}"))


@dataclass(frozen=True, slots=True)
class SchemaIdEntry:
    id: int
    guid: str
    contract: Contract
    version: ContractVersion

    @property
    def pinned(self) -> bool:
        return pinned_id(self.version) is not None


def entries(registry: Registry) -> Iterator[SchemaIdEntry]:
    """Every version of every contract with its id, in registry order."""
    for contract in registry.contracts:
        for version in contract.versions:
            yield SchemaIdEntry(schema_id(contract, version), schema_guid(contract, version),
                                contract, version)


def collisions(registry: Registry) -> dict[int, list[SchemaIdEntry]]:
    """Ids that more than one (event, version) would carry."""
    seen: dict[int, list[SchemaIdEntry]] = {}
    for entry in entries(registry):
        seen.setdefault(entry.id, []).append(entry)
    return {k: v for k, v in seen.items() if len(v) > 1}
