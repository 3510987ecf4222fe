"""CloudEvents in contract tests, for contracts with `envelope: cloudevents`.

Consumers are handed structured-mode envelopes whose `data` is the sampled (and recorded)
event; providers and `validate` take envelopes in either mode. Matchers, field paths and
expectation files stay relative to `data`: that is what the schema describes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from accord.registry.model import Contract, ContractVersion

JSON = Any


def has_envelope(contract: Contract) -> bool:
    return contract.envelope == "cloudevents"


def is_binary(item: object) -> bool:
    """A binary-mode message as `to_binary()` gives it: (headers, body)."""
    return isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], Mapping) \
        and isinstance(item[1], str | bytes | bytearray)


def envelope(contract: Contract, version: ContractVersion, data: JSON, index: int) -> JSON:
    """The structured-mode CloudEvent a producer of the contract would send with ``data``.

    `data` is kept as it is (not copied), so a recording sample keeps recording. Sources
    take turns over the contract's producers; ids are stable, so runs are repeatable.
    """
    from accord.interop.cloudevents import wrap

    producers = contract.producers
    source = producers[index % len(producers)] if producers else None
    out: dict[str, JSON] = wrap(contract, version, None, id=f"accord-sample-{index}",
                                source=source)
    out["data"] = data
    return out


def unwrap(contract: Contract, version: ContractVersion, item: object,
           headers: Mapping[str, Any] | None = None) -> tuple[JSON, str | None]:
    """(the data, what is wrong with the envelope or None) of a CloudEvent in either mode.

    ``item`` is a structured-mode dict or JSON text, an object with `to_dict()` (the
    generated envelope classes), or a binary-mode body with ``headers``.
    """
    from accord.interop.cloudevents import CloudEventError, parse, validate_attributes

    if is_binary(item):
        headers, item = item  # type: ignore[misc]
    to_dict = getattr(item, "to_dict", None)
    if callable(to_dict):
        item = to_dict()
    value: Mapping[str, Any] | str | bytes
    if isinstance(item, Mapping):
        value = json.loads(json.dumps(item, default=str))
    elif isinstance(item, str | bytes | bytearray):
        value = bytes(item) if isinstance(item, bytearray) else item
    else:
        return None, f"a CloudEvent must be a dict, JSON text or (headers, body), not " \
                     f"{type(item).__name__}"
    try:
        parsed = parse(value, headers)
        validate_attributes(contract, version, parsed)
    except CloudEventError as exc:
        return None, str(exc)
    return parsed.data, None
