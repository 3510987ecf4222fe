"""Schema ids looked up in a running Schema Registry (``accord tap --schema-registry``).

A message in Confluent's wire format names its schema by an id that only the registry
which issued it knows. Asked once per id: ``GET /schemas/ids/{id}`` for the schema and
``GET /schemas/ids/{id}/versions`` for the subject and version it is registered under.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from accord.broker.adapters.base import AdapterError, redact

TIMEOUT_S = 5.0


@dataclass(frozen=True, slots=True)
class RemoteSchema:
    """What a registry says id N is."""

    schema: Any
    subject: str
    version: int


@dataclass
class RemoteSchemas:
    """A Confluent-compatible Schema Registry, read over HTTP; answers are cached."""

    url: str
    _cache: dict[int, RemoteSchema | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.url.startswith(("http://", "https://")):
            raise AdapterError(f"--schema-registry {redact(self.url)!r}: give an http:// or "
                               "https:// URL")

    def _get(self, path: str) -> Any:
        request = urllib.request.Request(self.url.rstrip("/") + path, headers={
            "Accept": "application/vnd.schemaregistry.v1+json, application/json"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise AdapterError(f"schema registry at {redact(self.url)} answered {exc.code} "
                               f"to {path}") from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise AdapterError(f"cannot reach the schema registry at {redact(self.url)}: "
                               f"{reason}") from None

    def get(self, schema_id: int) -> RemoteSchema | None:
        """The schema registered as ``schema_id``, or None when the registry has no such id."""
        if schema_id not in self._cache:
            self._cache[schema_id] = self._fetch(schema_id)
        return self._cache[schema_id]

    def _fetch(self, schema_id: int) -> RemoteSchema | None:
        found = self._get(f"/schemas/ids/{schema_id}")
        if not isinstance(found, dict) or not isinstance(found.get("schema"), str):
            return None
        if found.get("schemaType", "JSON") != "JSON":
            raise AdapterError(f"schema id {schema_id} at {redact(self.url)} is "
                               f"{found['schemaType']}, not JSON Schema: Accord judges JSON")
        try:
            schema = json.loads(found["schema"])
        except ValueError:
            raise AdapterError(f"schema id {schema_id} at {redact(self.url)} is not "
                               "JSON") from None
        versions = self._get(f"/schemas/ids/{schema_id}/versions") or []
        first = versions[0] if versions and isinstance(versions[0], dict) else {}
        return RemoteSchema(schema, str(first.get("subject", f"id {schema_id}")),
                            int(first.get("version", 1)))
