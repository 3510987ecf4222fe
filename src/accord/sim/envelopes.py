"""CloudEvents on the simulated wire, for contracts with `envelope: cloudevents`.

Events, reproducers and invariants keep the payload (the CloudEvent's `data`); only what
goes through the broker is an envelope: structured mode (one JSON document) or binary
mode (the payload, with `ce_` headers), chosen per producer. Consumers unwrap it with
`accord.interop.cloudevents` before the payload is validated and handed to a handler.
"""

from __future__ import annotations

from accord.interop.cloudevents import schema_uri
from accord.registry.model import Contract
from accord.sim.validation import canonical

MODES = ("structured", "binary")


def encode(contract: Contract, version: int, ident: str, text: str, source: str,
           mode: str = "structured") -> tuple[bytes, dict[str, bytes] | None]:
    """(value, headers) of the payload ``text`` (canonical JSON) as ``source`` sends it."""
    found = contract.version(version)
    attributes = {"specversion": "1.0", "id": ident, "source": source, "type": contract.event,
                  "datacontenttype": "application/json"}
    if found is not None:
        attributes["dataschema"] = schema_uri(contract, found)
    if mode == "binary":
        headers = {("content-type" if k == "datacontenttype" else f"ce_{k}"): v.encode()
                   for k, v in attributes.items()}
        return text.encode(), headers
    # "data" sorts before every attribute name, so the document stays canonical JSON
    # without encoding the payload a second time.
    return ('{"data":' + text + "," + canonical(attributes)[1:]).encode(), None

