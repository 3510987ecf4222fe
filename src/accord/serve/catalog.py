"""Every answer of the read-only Schema Registry API, computed once per registry.

GET answers are rendered to bytes when the catalog is built, so that serving one is a
dictionary lookup. The two POST endpoints (a schema lookup and a compatibility test) carry
the client's schema, so they are answered per request, from indexes built here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from accord.errors import AccordError
from accord.governance.compat import check_compatibility
from accord.registry.ids import PIN, collisions, entries
from accord.registry.model import JSON, Contract, ContractVersion, Policy, Registry
from accord.serve.subjects import STRATEGIES

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
Response = tuple[int, bytes]
Path = tuple[str, ...]


def _body(value: JSON) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def error(status: int, code: int, message: str) -> Response:
    """Confluent's error body: ``{"error_code": …, "message": …}``."""
    return status, _body({"error_code": code, "message": message})


NOT_FOUND = error(404, 404, "HTTP 404 Not Found")


def canonical(schema: JSON) -> str:
    """The form two schemas are compared in: key order and white space do not count.

    This is what Confluent's ``normalize=true`` does for JSON Schema; Accord applies it
    always, so a client's lookup matches whatever formatting its copy of the schema has.
    """
    return json.dumps(schema, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def served_schema(version: ContractVersion) -> JSON:
    """The self-contained schema a client gets: bundled `$defs`, and its draft named.

    Accord reads a schema without `$schema` as draft 2020-12; clients differ (Confluent's
    Java client assumes draft-07), so the served copy says so explicitly.
    """
    schema = version.resolved
    if isinstance(schema, dict) and "$schema" not in schema:
        return {"$schema": DRAFT_2020_12, **schema}
    return schema


@dataclass(frozen=True, slots=True)
class Entry:
    """One (event, version) as the registry API knows it."""

    id: int
    guid: str
    contract: Contract
    version: ContractVersion
    subject: str
    subject_version: int
    schema: JSON
    text: str

    @property
    def retired(self) -> bool:
        return self.version.status == "retired"

    def record(self) -> dict[str, JSON]:
        return {"subject": self.subject, "version": self.subject_version, "id": self.id,
                "guid": self.guid, "schemaType": "JSON", "schema": self.text}


@dataclass
class Catalog:
    """The registry's answers, by path (URL-decoded segments after the host)."""

    registry: Registry
    policy: Policy
    strategy: str
    subjects: dict[str, list[Entry]] = field(default_factory=dict)
    by_id: dict[int, Entry] = field(default_factory=dict)
    gets: dict[Path, Response] = field(default_factory=dict)
    _lookup: dict[tuple[str, str], Entry] = field(default_factory=dict)

    # -- per-request answers ----------------------------------------------------------
    def get(self, path: Path) -> Response:
        return self.gets.get(path, NOT_FOUND)

    def post(self, path: Path, query: Mapping[str, str], body: bytes) -> Response:
        if len(path) == 2 and path[0] == "subjects":
            return self.lookup(path[1], body, deleted=_flag(query, "deleted"))
        if len(path) in (4, 5) and path[0] == "compatibility" and path[1] == "subjects" \
                and path[3] == "versions":
            version = path[4] if len(path) == 5 else None
            return self.compatibility(path[2], version, body, verbose=_flag(query, "verbose"))
        if len(path) == 3 and path[0] == "subjects" and path[2] == "versions":
            return self.read_only(f"register a schema under subject {path[1]!r}")
        return NOT_FOUND

    def read_only(self, what: str) -> Response:
        return error(
            422, 42205,
            f"cannot {what}: this registry is served read-only from git by `accord registry "
            "serve`. Add a version to the event's contract file in a pull request; `accord "
            "check` verifies it, and the server serves it once it is merged.",
        )

    def lookup(self, subject: str, body: bytes, *, deleted: bool) -> Response:
        """``POST /subjects/{subject}``: is this schema registered under the subject?"""
        if subject not in self.subjects:
            return error(404, 40401, f"Subject '{subject}' not found.")
        schema = _candidate(body)
        if isinstance(schema, tuple):
            return schema
        entry = self._lookup.get((subject, canonical(schema)))
        if entry is None or (entry.retired and not deleted):
            return error(404, 40403, "Schema not found")
        return 200, _body(entry.record())

    def compatibility(self, subject: str, version: str | None, body: bytes, *,
                      verbose: bool) -> Response:
        """``POST /compatibility/subjects/{subject}/versions[/{version}]``, by Accord's engine."""
        live = [e for e in self.subjects.get(subject, []) if not e.retired]
        if not live:
            return error(404, 40401, f"Subject '{subject}' not found.")
        schema = _candidate(body)
        if isinstance(schema, tuple):
            return schema
        if version is None:
            level = self.policy.level_for(live[-1].contract)
            targets = live if level.endswith("_TRANSITIVE") else live[-1:]
        else:
            target = _version(live, version)
            if target is None:
                return error(404, 40402, f"Version {version} not found.")
            targets = [target]
        messages: list[str] = []
        compatible = True
        for entry in targets:
            level = self.policy.level_for(entry.contract).removesuffix("_TRANSITIVE")
            try:
                result = check_compatibility(
                    entry.schema, schema, level,
                    undeclared_properties=self.policy.undeclared_properties)
            except AccordError as exc:
                return error(422, 42201, f"Invalid schema: {exc}")
            compatible = compatible and result.compatible
            for change in result.breaking:
                messages.append(
                    f"{change.kind} at {change.path or '/'} against {entry.contract.event} "
                    f"version {entry.version.number} ({result.mode}): {change.message}"
                )
        answer: dict[str, JSON] = {"is_compatible": compatible}
        if verbose:
            answer["messages"] = messages
        return 200, _body(answer)

    # -- building -----------------------------------------------------------------------
    def _index(self) -> None:
        for subject, listed in self.subjects.items():
            live = [e for e in listed if not e.retired]
            self.gets[("subjects", subject, "versions")] = \
                (200, _body([e.subject_version for e in live]))
            for entry in listed:
                self._lookup.setdefault((subject, canonical(entry.schema)), entry)
            for entry in live:
                self._serve_version(entry, str(entry.subject_version))
            if live:
                self._serve_version(live[-1], "latest")
                self._serve_version(live[-1], "-1")
            level = self.policy.level_for(listed[-1].contract)
            self.gets[("config", subject)] = (200, _body({"compatibilityLevel": level}))
            self.gets[("mode", subject)] = (200, _body({"mode": "READONLY"}))
        for entry in self.by_id.values():
            described = (200, _body({"schema": entry.text, "schemaType": "JSON",
                                     "guid": entry.guid}))
            for key in (("schemas", "ids", str(entry.id)), ("schemas", "guids", entry.guid)):
                self.gets[key] = described
                self.gets[(*key, "schema")] = (200, entry.text.encode())
                self.gets[(*key, "subjects")] = (200, _body([entry.subject]))
                self.gets[(*key, "versions")] = \
                    (200, _body([{"subject": entry.subject, "version": entry.subject_version}]))
        live_subjects = sorted(s for s, listed in self.subjects.items()
                               if any(not e.retired for e in listed))
        self.gets[("subjects",)] = (200, _body(live_subjects))
        self.gets[()] = (200, b"{}")
        self.gets[("schemas", "types")] = (200, _body(["JSON"]))
        self.gets[("config",)] = (200, _body({"compatibilityLevel": self.policy.compatibility}))
        self.gets[("mode",)] = (200, _body({"mode": "READONLY"}))
        self.gets[("contexts",)] = (200, _body(["."]))

    def _serve_version(self, entry: Entry, name: str) -> None:
        key = ("subjects", entry.subject, "versions", name)
        self.gets[key] = (200, _body(entry.record()))
        self.gets[(*key, "schema")] = (200, entry.text.encode())


def _flag(query: Mapping[str, str], name: str) -> bool:
    return query.get(name, "false").lower() == "true"


def _version(live: Sequence[Entry], version: str) -> Entry | None:
    if version in ("latest", "-1"):
        return live[-1]
    return next((e for e in live if str(e.subject_version) == version), None)


def _candidate(body: bytes) -> JSON | Response:
    """The schema a client sent, or the error to answer with."""
    try:
        request: Any = json.loads(body)
    except (ValueError, RecursionError):
        return error(422, 42201, "Invalid schema: the request body is not JSON")
    if not isinstance(request, dict) or not isinstance(request.get("schema"), str):
        return error(422, 42201, "Invalid schema: expected {\"schema\": \"<schema text>\"}")
    kind = request.get("schemaType", "AVRO")
    if kind != "JSON":
        return error(422, 42201, f"Invalid schema: this registry holds JSON schemas only, "
                                 f"not {kind} (set schemaType to JSON)")
    try:
        schema = json.loads(request["schema"])
    except (ValueError, RecursionError):
        return error(422, 42201, "Invalid schema: the schema text is not JSON")
    if not isinstance(schema, (dict, bool)):
        return error(422, 42201, "Invalid schema: a JSON schema is an object or a boolean")
    return schema


def build_catalog(registry: Registry, policy: Policy, strategy: str = "topic") -> Catalog:
    """Every answer for ``registry``, with subjects named by ``strategy``."""
    clash = next(iter(collisions(registry).values()), None)
    if clash is not None:
        a, b = clash[0], clash[1]
        raise AccordError(
            f"{a.contract.event} version {a.version.number} and {b.contract.event} version "
            f"{b.version.number} would both have schema id {a.id}; pin one with `{PIN}: N` "
            "(`accord check` reports every such clash)",
            a.contract.source.locate(f"/versions/{a.version.number}"))
    name = STRATEGIES[strategy]
    catalog = Catalog(registry, policy, strategy)
    grouped: dict[str, list[tuple[Contract, ContractVersion, int, str]]] = {}
    for item in entries(registry):
        grouped.setdefault(name(item.contract), []).append(
            (item.contract, item.version, item.id, item.guid))
    for subject, items in sorted(grouped.items()):
        shared = len({c.event for c, _, _, _ in items}) > 1
        items.sort(key=lambda t: (t[0].event, t[1].number))
        listed = catalog.subjects[subject] = []
        for position, (contract, version, schema_id, guid) in enumerate(items, start=1):
            schema = served_schema(version)
            entry = Entry(schema_id, guid, contract, version, subject,
                          position if shared else version.number, schema,
                          json.dumps(schema, ensure_ascii=False, separators=(",", ":")))
            listed.append(entry)
            catalog.by_id[schema_id] = entry
    catalog._index()
    return catalog
