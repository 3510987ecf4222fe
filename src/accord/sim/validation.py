"""Is this payload valid for this contract version? Compiled once, memoised per payload.

The engine is Python `jsonschema`, built once per schema (`validator_for_schema`), the
same engine and messages as the rest of Accord. A simulation sends the same payload
bytes many times (pooled samples, duplicates, redeliveries), so answers are memoised on
the canonical JSON text: the cost of a repeat is one `json.dumps` and a dict lookup.
"""

from __future__ import annotations

import json
from typing import Any

from accord.registry import Registry
from accord.testing.contract import first_error, validator_for_schema

MEMO_LIMIT = 200_000


class Validators:
    """One compiled validator per (event, version), with a bounded answer memo."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._compiled: dict[tuple[str, int], Any] = {}
        self._memo: dict[tuple[str, int, str], bool] = {}

    def schema(self, event: str, version: int) -> Any:
        contract = self.registry.get(event)
        found = contract.version(version) if contract else None
        return found.resolved if found else None

    def _validator(self, event: str, version: int) -> Any:
        key = (event, version)
        validator = self._compiled.get(key)
        if validator is None:
            schema = self.schema(event, version)
            validator = self._compiled[key] = (
                validator_for_schema(schema) if schema is not None else None)
        return validator

    def is_valid(self, event: str, version: int, payload: Any) -> bool:
        text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
        key = (event, version, text)
        answer = self._memo.get(key)
        if answer is None:
            validator = self._validator(event, version)
            answer = validator is not None and bool(validator.is_valid(payload))
            if len(self._memo) >= MEMO_LIMIT:
                self._memo.clear()
            self._memo[key] = answer
        return answer

    def why(self, event: str, version: int, payload: Any) -> str:
        """The first error, for messages (slow path, only on failure)."""
        schema = self.schema(event, version)
        if schema is None:
            return f"{event} has no version {version}"
        return first_error(schema, payload)
