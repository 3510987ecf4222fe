"""One contract version as a test sees it: its schema, its examples, and validation.

Validation is the validation layer's (`accord.validation.validator`): the same answer as
the generated classes, the simulator, `tap` and lint on every instance.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from accord.registry.model import Contract, ContractVersion, Registry
from accord.testing.envelopes import envelope, has_envelope, unwrap
from accord.testing.errors import ContractTestError, VerificationError
from accord.validation import Validator, validator

JSON = Any


def validator_for_schema(schema: JSON) -> Validator:
    """The validation layer's validator for ``schema`` (built once per distinct schema)."""
    return validator(schema)


def subschema_validator(root: JSON, sub: JSON) -> Validator:
    """A validator for ``sub``, a part of ``root`` whose `$ref`s point into ``root``'s
    definitions (a bundled schema keeps every shared type there)."""
    context = {k: v for k, v in root.items() if k in ("$schema", "$id", "$defs",
                                                      "definitions")} \
        if isinstance(root, dict) else {}
    return validator({**context, "allOf": [sub]} if context else sub)


def errors(schema: JSON, payload: JSON, *, limit: int = 10) -> list[str]:
    """Readable errors, one per line: `at /customer/email: 'x' is not of type 'integer'`."""
    return validator(schema).errors(payload, limit=limit)


def first_error(schema: JSON, payload: JSON) -> str:
    found = errors(schema, payload, limit=1)
    return found[0] if found else "valid"


def resolve(registry: Registry, event: str, version: int | None) -> tuple[Contract,
                                                                         ContractVersion]:
    """The contract and version a test names; ContractTestError listing what exists."""
    if not isinstance(event, str):
        raise ContractTestError(f"event must be a name such as 'orders.OrderPlaced', not "
                                f"{event!r}")
    contract = registry.get(event)
    if contract is None:
        import difflib

        names = [c.event for c in registry.contracts]
        near = difflib.get_close_matches(event, names, n=3)
        hint = f"; did you mean {', '.join(near)}?" if near else \
            f"; known events: {', '.join(sorted(names)[:12])}"
        raise ContractTestError(f"unknown event {event!r} in registry {registry.root}{hint}")
    if version is None:
        chosen = contract.latest_active()
        if chosen is None:
            raise ContractTestError(f"{event} has no active version; name one with version=")
        return contract, chosen
    if isinstance(version, bool) or not isinstance(version, int):
        raise ContractTestError(f"version must be an integer, not {version!r}")
    found = contract.version(version)
    if found is None:
        numbers = ", ".join(str(v.number) for v in contract.versions)
        raise ContractTestError(f"{event} has no version {version}; versions: {numbers}")
    return contract, found


@dataclass(frozen=True)
class ContractView:
    """What `accord.contract(event, version)` returns."""

    contract: Contract
    version_info: ContractVersion

    @property
    def event(self) -> str:
        return self.contract.event

    @property
    def version(self) -> int:
        return self.version_info.number

    @property
    def schema(self) -> JSON:
        """The bundled, self-contained schema (local `#/$defs/...` refs only)."""
        return self.version_info.resolved

    @property
    def examples(self) -> list[JSON]:
        return [json.loads(json.dumps(e)) for e in self.version_info.examples]

    def is_valid(self, payload: JSON, *, headers: Mapping[str, Any] | None = None) -> bool:
        if headers is None and not has_envelope(self.contract):
            return bool(validator_for_schema(self.schema).is_valid(payload))
        try:
            self.validate(payload, headers=headers)
        except AssertionError:
            return False
        return True

    def validate(self, payload: JSON, *, headers: Mapping[str, Any] | None = None) -> None:
        """Raise an AssertionError naming each JSON pointer where ``payload`` breaks the schema.

        For an `envelope: cloudevents` contract, ``payload`` is a CloudEvent: structured
        mode (a dict, JSON text, a generated envelope class), or binary mode (the body, with
        its `ce_` ``headers``); its attributes are checked, then its data.
        """
        __tracebackhide__ = True
        label = f"{self.event} v{self.version}"
        if has_envelope(self.contract):
            payload, problem = unwrap(self.contract, self.version_info, payload, headers)
            if problem is not None:
                raise VerificationError(f"payload is not a valid {label} CloudEvent: {problem}")
            found = [in_data(e) for e in errors(self.schema, payload)]
        elif headers is not None:
            raise ContractTestError(f"headers= is for CloudEvents in binary mode; {self.event} "
                                    "has no `envelope: cloudevents`")
        else:
            found = errors(self.schema, payload)
        if found:
            raise VerificationError(f"payload is not a valid {label}:\n  " + "\n  ".join(found))

    def samples(self, n: int = 25, *, seed: int | str = 0, wrapped: bool = True) -> list[JSON]:
        """``n`` varied valid events (no recording; see `consumer().expects()` for that).

        For an `envelope: cloudevents` contract each is a structured-mode CloudEvent, unless
        ``wrapped=False`` asks for the data alone.
        """
        from accord.samples.stream import SampleStream

        stream = SampleStream(self.schema, seed=seed, examples=self.examples,
                              label=f"{self.event} v{self.version}")
        events = stream.take(n)
        if wrapped and has_envelope(self.contract):
            return [envelope(self.contract, self.version_info, e, i) for i, e in enumerate(events)]
        return events


def in_data(error: str) -> str:
    """An `errors()` line about a CloudEvent's data, with the pointer from the envelope."""
    return "at /data" + error[len("at /"):] if error.startswith("at /:") else \
        error.replace("at /", "at /data/", 1)
