"""The wire-format schema id of every version is unique in the registry."""

from __future__ import annotations

from collections.abc import Iterable

from accord.governance.rules.base import Context, Issue, Rule
from accord.registry.ids import MAX_ID, PIN, SchemaIdEntry, collisions, pinned_id
from accord.registry.model import Contract, Registry

_last: tuple[Registry, dict[int, list[SchemaIdEntry]]] | None = None


def _collisions(registry: Registry) -> dict[int, list[SchemaIdEntry]]:
    # Computed once per registry, not once per contract: the rule runs for each contract.
    global _last
    if _last is None or _last[0] is not registry:
        _last = (registry, collisions(registry))
    return _last[1]


class SchemaIdUnique(Rule):
    id = "schema-id-unique"
    summary = "Every (event, version) has a schema id of its own on the wire."
    description = (
        "`accord registry serve` gives each version a stable 31-bit schema id derived from "
        "the event name and version number; Confluent serializers put it in front of every "
        "message. Two versions that would share an id make old messages ambiguous, so the "
        f"gate refuses it. Settle it by pinning one of them with `{PIN}: N` (a number from "
        f"1 to {MAX_ID} that no other version uses)."
    )

    def check_contract(self, contract: Contract, ctx: Context) -> Iterable[Issue]:
        clashes = _collisions(ctx.registry)
        for version in contract.versions:
            at = f"/versions/{version.number}"
            raw = version.extensions.get(PIN)
            if raw is not None and pinned_id(version) is None:
                yield Issue(f"{PIN} must be a whole number from 1 to {MAX_ID}", f"{at}/{PIN}")
                continue
            for entry in next((v for v in clashes.values()
                               if any(e.version is version for e in v)), []):
                if entry.version is version:
                    continue
                yield Issue(
                    f"version {version.number} has schema id {entry.id}, as "
                    f"{entry.contract.event} version {entry.version.number} does",
                    at,
                    fix=f"pin one of them with `{PIN}: N`, a number no other version uses",
                )
