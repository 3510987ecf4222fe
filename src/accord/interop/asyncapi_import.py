"""Contract files from an AsyncAPI document (2.0 to 2.6, 3.0 and 3.1).

One contract per event, one version per message. Accord's own exports carry `x-accord-*`
extensions and come back exactly; documents from other tools (FastStream, AsyncAPI
Studio) are mapped by convention: versions from names such as `OrderPlacedV2`, producers
and consumers from the operations, shared schemas from `components/schemas`. Names on the
wire keep their spelling; a convention they break is suppressed in the file, visibly,
with `x-accord-ignore`.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from accord.errors import AccordError, Location
from accord.governance.rules.base import walk
from accord.governance.rules.metadata import snake
from accord.governance.rules.schemas import UNICODE_CLASSES as _UNICODE_CLASSES
from accord.governance.rules.schemas import undeclared_required
from accord.governance.rules.versions import is_object_root
from accord.interop.avro import NOTE as AVRO_NOTE
from accord.interop.avro import AvroError, to_json_schema
from accord.registry.confine import ConfinementError, plain_relative
from accord.registry.model import JSON, Registry, SourceMap
from accord.validation import validator

SUPPORTED = ("2.0", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "3.0", "3.1")
DRAFT_07 = "http://json-schema.org/draft-07/schema#"
DRAFT_2020 = "https://json-schema.org/draft/2020-12/schema"
_JSON_FORMATS = ("application/schema+json", "application/schema+yaml",
                 "application/vnd.aai.asyncapi")
_VERSIONED = re.compile(r"^(?P<name>.*?)[._-]?[vV](?P<n>[0-9]+)$")
_FIELD = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_CHANNEL = re.compile(r"^[a-z][a-z0-9]*([.-][a-z0-9]+)*$")


class ImportError_(AccordError):
    """The AsyncAPI document cannot be turned into contracts."""


def _pascal(text: str) -> str:
    words = re.findall(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+", text)
    return "".join(w[:1].upper() + w[1:] for w in words) or "Event"


def _snake(text: str) -> str:
    """The event-name rule's snake_case (``CRUDTopic`` -> ``crud_topic``), then anything
    not a letter or digit as ``_``: the file a contract lives in is the one lint expects."""
    return re.sub(r"[^a-z0-9]+", "_", snake(text)).strip("_") or "events"


def _kebab(text: str) -> str:
    return _snake(text).replace("_", "-")


@dataclass
class _Message:
    key: str
    body: dict[str, Any]
    address: str
    pointer: str = ""
    """Where the message is in the document (for located errors)."""
    channel_id: str = ""
    also: list[tuple[str, str]] = field(default_factory=list)
    """Other (channel id, address) pairs the same message is used on."""
    variant: str = ""
    """For a message on several channels: the channel this copy is for (named after it)."""
    producers: list[str] = field(default_factory=list)
    consumers: list[str] = field(default_factory=list)


class _Importer:
    def __init__(self, document: Mapping[str, Any], source: SourceMap, domain: str | None,
                 owner: str | None) -> None:
        self.doc = document
        self.source = source
        self.domain = domain
        self.owner = owner
        self.notes: list[str] = []
        """Things left out that are not messages (malformed examples), for warnings."""

    def fail(self, message: str, pointer: str = "") -> ImportError_:
        return ImportError_(message, self.source.locate(pointer))

    def resolve(self, node: Any, pointer: str) -> tuple[Any, str]:
        """Follow `$ref`s inside the document; return the target and its pointer."""
        seen = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if not ref.startswith("#/"):
                raise self.fail(f"$ref {ref!r} leaves the document; bundle it first",
                                pointer + "/$ref")
            if ref in seen:
                raise self.fail(f"$ref {ref!r} is part of a cycle", pointer)
            seen.add(ref)
            target: Any = self.doc
            for token in ref[2:].split("/"):
                token = token.replace("~1", "/").replace("~0", "~")
                if not isinstance(target, dict) or token not in target:
                    raise self.fail(f"$ref {ref!r} points at nothing", pointer + "/$ref")
                target = target[token]
            node, pointer = target, ref[1:]
        return node, pointer

    def service(self, operation: Mapping[str, Any]) -> str:
        name = operation.get("x-accord-service") or self.doc.get("x-accord-service") or \
            self.doc.get("info", {}).get("title", "service")
        return _kebab(str(name))

    def messages(self) -> list[_Message]:
        version = str(self.doc.get("asyncapi", ""))
        if not version.startswith(SUPPORTED):
            raise self.fail(f"AsyncAPI {version or '(no version)'} is not supported; "
                            "Accord imports 2.0 to 2.6, 3.0 and 3.1 documents", "/asyncapi")
        info = self.doc.get("info")
        if not isinstance(info, dict) or not info.get("title") or not info.get("version"):
            raise self.fail("info.title and info.version are required", "/info")
        if not isinstance(self.doc.get("channels", {}), dict):
            raise self.fail("channels must be a mapping", "/channels")
        found = self._v3() if version.startswith("3.") else self._v2()
        self._unplaced(found)
        if not found:
            raise self.fail("the document has no messages to import", "/channels")
        out = []
        for message in found.values():
            out.append(message)
            if message.also:
                # One contract per (channel, message): nothing of a second channel is lost.
                message.variant = message.channel_id
                for cid, address in message.also:
                    out.append(_Message(message.key, message.body, address, message.pointer,
                                        cid, [], cid))
        return out

    def _unplaced(self, found: dict[str, _Message]) -> None:
        """Component messages no channel uses are events too: nothing of the document is
        lost. They have no address; their contract says so, and its channel is its name."""
        reached = {m.pointer for m in found.values()}
        messages = (self.doc.get("components") or {}).get("messages") or {}
        for key, body in messages.items() if isinstance(messages, dict) else ():
            pointer = f"/components/messages/{_esc(str(key))}"
            if pointer in reached:
                continue
            resolved, rpointer = self.resolve(body, pointer)
            if rpointer in reached or not isinstance(resolved, dict):
                continue
            found[rpointer] = _Message(str(key), resolved, "", rpointer)

    def _v3(self) -> dict[str, _Message]:
        found: dict[str, _Message] = {}
        by_channel: dict[str, list[str]] = {}
        for cid, channel in self.doc.get("channels", {}).items():
            channel, cpointer = self.resolve(channel, f"/channels/{cid}")
            address = channel.get("address") or cid
            for mid, message in (channel.get("messages") or {}).items():
                body, mpointer = self.resolve(message, f"{cpointer}/messages/{mid}")
                key = mpointer.rpartition("/")[2] if mpointer.startswith(
                    "/components/messages/") else mid
                entry = found.setdefault(mpointer, _Message(key, body, str(address), mpointer,
                                                            str(cid)))
                if str(address) != entry.address and (str(cid), str(address)) not in \
                        entry.also:
                    entry.also.append((str(cid), str(address)))
                by_channel.setdefault(cpointer, []).append(mpointer)
        for oid, operation in (self.doc.get("operations") or {}).items():
            operation, opointer = self.resolve(operation, f"/operations/{oid}")
            action = operation.get("action")
            if action not in ("send", "receive"):
                raise self.fail(f"operation {oid!r} has action {action!r}; expected send or "
                                "receive", f"{opointer}/action")
            _, cpointer = self.resolve(operation.get("channel"), f"{opointer}/channel")
            targets = []
            for i, ref in enumerate(operation.get("messages") or []):
                _, mpointer = self.resolve(ref, f"{opointer}/messages/{i}")
                targets.append(mpointer)
            for mpointer in targets or by_channel.get(cpointer, []):
                roles = found[mpointer].producers if action == "send" else \
                    found[mpointer].consumers
                name = self.service(operation)
                if name not in roles:
                    roles.append(name)
        return found

    def _v2(self) -> dict[str, _Message]:
        # AsyncAPI 2.x speaks from the client's side: `publish` means the application
        # receives, `subscribe` means it sends. FastStream's documents are recognised by
        # their `<topic>:Publisher` channel names; older FastStream releases spoke from the
        # application's side (a publisher under `publish`, a handler under `subscribe`),
        # FastStream 0.7 speaks as the spec does: the publisher channel's verb tells which.
        channels = self.doc.get("channels", {})
        publishers = [c for key, c in channels.items() if str(key).endswith(":Publisher")]
        faststream = bool(publishers)
        inverted = any(isinstance(c, dict) and "publish" in c for c in publishers)
        roles_by_verb = (("subscribe", "consumers"), ("publish", "producers")) if inverted \
            else (("subscribe", "producers"), ("publish", "consumers"))
        found: dict[str, _Message] = {}
        for key, channel in channels.items():
            channel_key = str(key)
            channel, cpointer = self.resolve(channel, f"/channels/{_esc(key)}")
            # FastStream keys channels `<topic>:<Handler>`; other documents' keys are the
            # address itself (`https://example.com/books/{id}` keeps its colon).
            address = _binding_address(channel) or (
                str(key).split(":")[0] if faststream else str(key))
            for verb, role in roles_by_verb:
                operation = channel.get(verb)
                if not isinstance(operation, dict):
                    continue
                message = operation.get("message")
                if message is None:
                    raise self.fail(f"{verb} operation has no message", f"{cpointer}/{verb}")
                message, mpointer = self.resolve(message, f"{cpointer}/{verb}/message")
                branches = message.get("oneOf") if isinstance(message, dict) else None
                items = list(enumerate(branches)) if isinstance(branches, list) else [
                    (None, message)]
                for i, branch in items:
                    here = mpointer if i is None else f"{mpointer}/oneOf/{i}"
                    body, bpointer = self.resolve(branch, here)
                    key = bpointer.rpartition("/")[2] if bpointer.startswith(
                        "/components/messages/") else (body.get("name") or address)
                    entry = found.setdefault(bpointer, _Message(str(key), body, str(address),
                                                                bpointer, channel_key))
                    if str(address) != entry.address and (channel_key, str(address)) not in \
                            entry.also:
                        entry.also.append((channel_key, str(address)))
                    roles = getattr(entry, role)
                    name = self.service(operation)
                    if name not in roles:
                        roles.append(name)
        return found


def _binding_address(channel: Mapping[str, Any]) -> str | None:
    """The broker-level name a channel binding gives (Kafka topic, AMQP queue, …)."""
    raw = channel.get("bindings")
    bindings: dict[str, Any] = raw if isinstance(raw, dict) else {}
    for protocol, field_ in (("kafka", "topic"), ("nats", "subject"), ("redis", "channel")):
        value = (bindings.get(protocol) or {}).get(field_)
        if isinstance(value, str) and value:
            return value
    queue = (bindings.get("amqp") or {}).get("queue") or {}
    name = queue.get("name") if isinstance(queue, dict) else None
    return name if isinstance(name, str) and name else None


def _esc(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _payload(imp: _Importer, message: _Message) -> tuple[JSON, str]:
    body = message.body
    payload = body.get("payload")
    fmt = body.get("schemaFormat")
    if isinstance(payload, dict) and "schemaFormat" in payload and "schema" in payload:
        fmt, payload = payload["schemaFormat"], payload["schema"]
    if payload is None:
        raise imp.fail(f"message {message.key!r} has no payload", message.pointer)
    if fmt and "avro" in str(fmt).lower():
        return _from_avro(imp, message, payload), str(fmt)
    if fmt and not str(fmt).startswith(_JSON_FORMATS):
        raise imp.fail(f"message {message.key!r} skipped: schema format {fmt} is not "
                       "supported; Accord contracts are JSON Schema", message.pointer)
    return payload, str(fmt or "")


def _from_avro(imp: _Importer, message: _Message, payload: JSON) -> JSON:
    """An Avro payload as the equivalent JSON Schema (the version notes the conversion)."""
    if isinstance(payload, dict) and str(payload.get("$ref", "")).startswith("#"):
        payload, _ = imp.resolve(payload, message.pointer)
    ref = payload.get("$ref") if isinstance(payload, dict) else None
    if isinstance(ref, str):
        raise imp.fail(f"message {message.key!r} skipped: its Avro schema is at {ref}, which "
                       "import does not fetch; save the .avsc beside the document and $ref "
                       "it by relative path", message.pointer)
    try:
        return to_json_schema(payload)
    except AvroError as exc:
        raise imp.fail(f"message {message.key!r} skipped: its Avro schema cannot be "
                       f"converted: {exc.message}", message.pointer) from None


@dataclass
class ImportResult:
    files: dict[str, dict[str, Any]]
    """Root-relative path -> document to write."""
    skipped: list[str] = field(default_factory=list)
    """One line per message that could not be imported: which, where, and why."""
    notes: list[str] = field(default_factory=list)
    """What else was left out (examples in another shape), one line each."""


_EVENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$")


def _target(imp: _Importer, raw: object, pointer: str) -> str:
    """A file path from the document (`x-accord-path` or one derived from a name): plain,
    relative, inside the registry, and a YAML file."""
    try:
        path = plain_relative(str(raw), "x-accord-path", imp.source.locate(pointer))
    except ConfinementError as exc:
        raise imp.fail(exc.message, pointer) from None
    if not path.endswith((".yaml", ".yml")):
        raise imp.fail(f"x-accord-path {path!r} must name a .yaml file", pointer)
    return path


def _relative(from_file: str, to_file: str) -> str:
    return posixpath.relpath(to_file, posixpath.dirname(from_file) or ".")


def import_asyncapi(document: Mapping[str, Any], source: SourceMap, *,
                    domain: str | None = None, owner: str | None = None) -> ImportResult:
    """The contract and shared-schema files an AsyncAPI document describes."""
    if not isinstance(document, dict):
        raise ImportError_("an AsyncAPI document must be a mapping", Location(source.file, 1))
    imp = _Importer(document, source, domain, owner)
    messages = imp.messages()
    components = document.get("components", {}).get("schemas", {}) or {}
    uses: dict[str, int] = {}
    skipped: list[str] = []
    usable = []
    for message in messages:
        try:
            payload, _ = _payload(imp, message)
        except ImportError_ as exc:
            skipped.append(str(exc))
            continue
        usable.append(message)
        for ref in _refs(payload):
            if ref.startswith("#/components/schemas/"):
                name = ref.split("/")[3].replace("~1", "/").replace("~0", "~")
                uses[name] = uses.get(name, 0) + 1
    for schema in components.values():
        for ref in _refs(schema):
            if ref.startswith("#/components/schemas/"):
                name = ref.split("/")[3]
                uses[name] = uses.get(name, 0) + 2  # referenced by another schema: shared
    shared_path = {
        name: _target(imp, schema.get("x-accord-path") or f"_shared/{_snake(name)}.yaml",
                      f"/components/schemas/{_esc(name)}/x-accord-path")
        for name, schema in components.items()
        if isinstance(schema, dict) and (schema.get("x-accord-path") or uses.get(name, 0) > 1)
    }
    files: dict[str, dict[str, Any]] = {}
    for name, path in shared_path.items():
        body = {k: v for k, v in components[name].items() if k != "x-accord-path"}
        files[path] = _relink(body, path, shared_path, f"/components/schemas/{_esc(name)}")
        _demote_embedded_ids(files[path])
        if "x-accord-path" not in components[name]:
            _mark_open_objects(files[path])
            rules = _schema_suppressions(files[path])
            if rules and isinstance(files[path], dict):
                files[path]["x-accord-ignore"] = rules
                files[path].setdefault("x-accord-reason", "as written in the AsyncAPI "
                                                          "document (names on the wire)")
    contracts: dict[str, dict[str, Any]] = {}
    for message in usable:
        try:
            _add_version(imp, message, components, shared_path, contracts, files)
        except ImportError_ as exc:  # one message's problem: the others still import
            skipped.append(str(exc))
    for path, contract in contracts.items():
        versions = sorted(contract["versions"].items(), key=lambda kv: int(kv[0]))
        if contract.pop("_third_party", False):
            # Accord numbers versions 1, 2, …; keep the name the document gave each one.
            renumbered = []
            for i, (n, v) in enumerate(versions, start=1):
                name = v.pop("_name")
                if int(n) != i:
                    v["x-accord-imported-as"] = name
                renumbered.append((str(i), v))
            versions = renumbered
        contract["versions"] = {int(n): v for n, v in versions}
        files[path] = contract
    if not contracts:
        raise ImportError_("no message could be imported:\n  " + "\n  ".join(skipped),
                           source.locate("/channels"))
    return ImportResult(dict(sorted(files.items())), skipped, imp.notes)


def note_invalid_examples(registry: Registry, result: ImportResult) -> list[str]:
    """Examples the document itself gets wrong stay, as it has them, with `examples-valid`
    suppressed and the reason quoted; returns the files changed (to write again)."""
    changed = []
    for contract in registry.contracts:
        content = result.files.get(contract.path)
        if content is None:
            continue
        problems = []
        for version in contract.versions:
            check = validator(version.resolved)
            for i, example in enumerate(version.examples):
                errors = check.errors(example, limit=1)
                if errors:
                    problems.append(f"version {version.number} example {i + 1}: {errors[0]}")
        if problems:
            ignore = content.setdefault("x-accord-ignore", [])
            if "examples-valid" not in ignore:
                ignore.append("examples-valid")
            content["x-accord-examples-note"] = ("the AsyncAPI document's own examples do "
                                                 "not validate: " + "; ".join(problems)[:500])
            changed.append(contract.path)
    return changed


def _refs(node: JSON) -> list[str]:
    found: list[str] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str):
                found.append(ref)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _relink(node: JSON, at_file: str, shared: Mapping[str, str], local: str) -> JSON:
    """Rewrite document refs: to shared files by relative path, to the payload itself by `#`."""
    if isinstance(node, list):
        return [_relink(item, at_file, shared, local) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, JSON] = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str) and value.startswith("#/"):
            parts = value[2:].split("/")
            if len(parts) >= 3 and parts[:2] == ["components", "schemas"] and \
                    parts[2] in shared:
                rest = "/".join(parts[3:])
                target = _relative(at_file, shared[parts[2]])
                out[key] = target + (f"#/{rest}" if rest else "")
            elif value[1:].startswith(local + "/") or value[1:] == local:
                out[key] = "#" + value[1 + len(local):]
            else:
                out[key] = value
        else:
            out[key] = _relink(value, at_file, shared, local)
    return out


def _identity(imp: _Importer, message: _Message, payload: JSON) -> tuple[str, int, str]:
    """The event name, version number, and the name the document used."""
    body = message.body
    if body.get("x-accord-event"):
        event = str(body["x-accord-event"])
        return event, int(body.get("x-accord-version", 1)), event
    raw = str(body.get("name") or message.key)
    handler = _faststream_handler(message)
    if handler is not None:
        # FastStream names a message after its channel and handler; the event is the
        # payload's model (its schema's name), else the handler.
        ref = payload.get("$ref") if isinstance(payload, dict) else None
        raw = ref.rpartition("/")[2] if isinstance(ref, str) else handler
    original = raw
    number = 1
    match = _VERSIONED.match(raw)
    if match and match.group("name"):
        raw, number = match.group("name"), int(match.group("n"))
    if message.variant:  # the same message on several channels: one event per channel
        raw = f"{raw}_{message.variant}"
    domain = imp.domain or _snake(re.split(r"[./:_-]", message.address)[0] if message.address
                                  else str(imp.doc.get("info", {}).get("title", "")))
    return f"{_snake(domain)}.{_pascal(raw)}", number, original


def _inline(imp: _Importer, node: JSON, pointer: str, seen: frozenset[str]) -> JSON:
    """``node`` with every local ``$ref`` replaced by its target (a cycle keeps its ref)."""
    if isinstance(node, list):
        return [_inline(imp, item, f"{pointer}/{i}", seen) for i, item in enumerate(node)]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/") and ref not in seen:
        target, at = imp.resolve({"$ref": ref}, pointer)
        return _inline(imp, target, at, seen | {ref})
    return {k: _inline(imp, v, f"{pointer}/{_esc(str(k))}", seen) for k, v in node.items()}


def _faststream_handler(message: _Message) -> str | None:
    """The handler a FastStream document names this message after, or None when the
    document is not FastStream's: FastStream keys a channel ``<address>:<Handler>`` and its
    messages ``<address>:<Handler>:<Message>`` (``Publisher`` for a publisher)."""
    channel, address = message.channel_id, message.address
    if not channel.startswith(f"{address}:") or not message.key.startswith(f"{channel}:"):
        return None
    handler = channel[len(address) + 1:]
    return handler if handler and ":" not in handler else None


def _add_version(imp: _Importer, message: _Message, components: Mapping[str, Any],
                 shared: Mapping[str, str], contracts: dict[str, dict[str, Any]],
                 files: dict[str, dict[str, Any]]) -> None:
    body = message.body
    payload, fmt = _payload(imp, message)
    event, number, original = _identity(imp, message, payload)
    domain, _, name = event.partition(".")
    if not _EVENT.match(event):
        raise imp.fail(f"event name {event!r} is not <domain>.<Name> (letters, digits, _)",
                       f"/components/messages/{_esc(message.key)}")
    path = _target(imp, body.get("x-accord-path") or f"{domain}/{_snake(name)}.yaml",
                   f"/components/messages/{_esc(message.key)}/x-accord-path")
    # A payload that is only a reference to a schema no one else uses is inlined.
    if isinstance(payload, dict) and set(payload) == {"$ref"}:
        ref = str(payload["$ref"])
        target = ref.rpartition("/")[2]
        if ref.startswith("#/components/schemas/") and target not in shared and \
                target in components:
            payload = components[target]
    mpointer = f"/components/messages/{_esc(message.key)}/payload"
    schema = _relink(payload, path, shared, mpointer)
    if not isinstance(schema, dict):
        raise imp.fail(f"message {message.key!r}: the payload must be a schema object")
    dialect = DRAFT_07 if body.get("x-accord-dialect", "draft-07") == "draft-07" else DRAFT_2020
    schema = _local_definitions(imp, schema, components, shared, path, message.key,
                                "definitions" if dialect == DRAFT_07 else "$defs")
    schema = {"$schema": dialect, **{k: v for k, v in schema.items() if k != "$schema"}}
    _demote_embedded_ids(schema)
    contract = contracts.get(path)
    if contract is None:
        contract = _contract_head(imp, message, event, name)
        contracts[path] = contract
    else:
        for role in ("producers", "consumers"):
            merged = list(dict.fromkeys([*contract.get(role, []),
                                         *getattr(message, role)]))
            if merged:
                contract[role] = merged
    version: dict[str, Any] = {}
    if body.get("x-accord-status", "active") != "active":
        version["status"] = body["x-accord-status"]
    for key, field_ in (("x-accord-deprecated-on", "deprecated_on"),
                        ("x-accord-sunset-on", "sunset_on")):
        if body.get(key):
            version[field_] = body[key]
    version["schema"] = schema
    if "avro" in fmt.lower():
        version["x-accord-converted-from"] = f"{fmt}: {AVRO_NOTE}"
    given = body.get("examples") or []
    examples = [e.get("payload") for e in given if isinstance(e, dict) and "payload" in e]
    dropped = (len(given) if isinstance(given, list) else 1) - len(examples)
    if dropped:
        imp.notes.append(f"{imp.source.locate(f'/components/messages/{_esc(message.key)}')}: "
                         f"{event}: {dropped} example(s) not in AsyncAPI's shape (a list of "
                         "{name, payload, headers}) left out")
    if examples:
        version["examples"] = examples
    if isinstance(body.get("headers"), dict):
        # Not part of a contract's schema, but not lost: kept whole on the version, and the
        # exporter writes them back as the message's headers.
        version["x-accord-headers"] = _inline(imp, body["headers"],
                                              f"/components/messages/{_esc(message.key)}"
                                              "/headers", frozenset())
    version.update(body.get("x-accord-version-extensions") or {})
    contract["versions"][str(number)] = version
    if "x-accord-event" not in body:
        version["_name"] = original
        contract["_third_party"] = True
        _suppress_wire_names(contract, schema)


_COMPONENT = "#/components/schemas/"


def _local_definitions(imp: _Importer, schema: dict[str, Any], components: Mapping[str, Any],
                       shared: Mapping[str, str], path: str, key: str,
                       defs_key: str) -> dict[str, Any]:
    """``schema`` with every component schema it reaches (through `anyOf`, `items`, nested
    properties, other components...) that is not a shared file, under its own `$defs`:
    a contract file holds no reference back into the AsyncAPI document."""
    defs: dict[str, Any] = {}
    todo = [r for r in _refs(schema) if r.startswith(_COMPONENT)]
    while todo:
        name = todo.pop().removeprefix(_COMPONENT).split("/")[0]
        name = name.replace("~1", "/").replace("~0", "~")
        if name in defs or name in shared:
            continue
        found = components.get(name)
        if not isinstance(found, dict | bool):
            raise imp.fail(f"message {key!r}: $ref '{_COMPONENT}{name}' points at nothing",
                           "/components/schemas")
        body = {k: v for k, v in found.items() if k != "x-accord-path"} \
            if isinstance(found, dict) else found
        defs[name] = _relink(body, path, shared, "\0")
        todo += [r for r in _refs(defs[name]) if r.startswith(_COMPONENT)]
    if not defs:
        return schema
    merged = _to_local({**schema, defs_key: {**(schema.get(defs_key) or {}), **defs}},
                       f"#/{defs_key}/")
    assert isinstance(merged, dict)
    return merged


def _to_local(node: JSON, prefix: str) -> JSON:
    if isinstance(node, list):
        return [_to_local(item, prefix) for item in node]
    if not isinstance(node, dict):
        return node
    return {k: (prefix + v.removeprefix(_COMPONENT)
                if k == "$ref" and isinstance(v, str) and v.startswith(_COMPONENT)
                else _to_local(v, prefix)) for k, v in node.items()}


def _contract_head(imp: _Importer, message: _Message, event: str, name: str) -> dict[str, Any]:
    body = message.body
    info = imp.doc.get("info", {})
    contract: dict[str, Any] = {"event": event}
    summary = body.get("summary") or body.get("description") or \
        f"The {name} event, imported from {info.get('title')}."
    contract["summary"] = str(summary).strip().split("\n")[0]
    if body.get("x-accord-description"):
        contract["description"] = body["x-accord-description"]
    elif body.get("description") and body.get("description") != contract["summary"]:
        contract["description"] = body["description"]
    contact = info.get("contact") if isinstance(info.get("contact"), dict) else {}
    contract["owner"] = body.get("x-accord-owner") or imp.owner or contact.get("name") or \
        f"team-{_kebab(str(info.get('title', 'unknown')))}"
    if message.address:
        contract["channel"] = message.address
    else:
        contract["x-accord-note"] = ("on no channel in the AsyncAPI document (a component "
                                     "message no channel uses)")
    if body.get("x-accord-key"):
        contract["key"] = body["x-accord-key"]
    if body.get("x-accord-compatibility"):
        contract["compatibility"] = body["x-accord-compatibility"]
    # A document that only receives an event cannot say who produces it; say so.
    contract["producers"] = list(message.producers) or ["unknown"]
    if message.consumers:
        contract["consumers"] = list(message.consumers)
    tags = [t.get("name") for t in body.get("tags") or [] if isinstance(t, dict)]
    if tags:
        contract["tags"] = tags
    if body.get("x-accord-envelope"):
        contract["envelope"] = body["x-accord-envelope"]
    elif body.get("contentType") == "application/cloudevents+json":
        contract["envelope"] = "cloudevents"
    if body.get("x-accord-ignore"):
        contract["x-accord-ignore"] = list(body["x-accord-ignore"])
    contract.update(body.get("x-accord-extensions") or {})
    contract["versions"] = {}
    return contract


def _suppress_wire_names(contract: dict[str, Any], schema: JSON) -> None:
    ignore: list[str] = contract.setdefault("x-accord-ignore", [])
    if not _CHANNEL.match(str(contract.get("channel", ""))) and "channel-name" not in ignore:
        ignore.append("channel-name")
    ignore += [rule for rule in _schema_suppressions(schema) if rule not in ignore]
    # A string, array or any-value event, or an allOf root, as the document has it (a
    # root that only refers to a shared schema is judged by the rule on what it resolves).
    only_ref = isinstance(schema, dict) and "$ref" in schema and set(schema) <= {"$ref", "$schema"}
    if isinstance(schema, dict) and not only_ref and not is_object_root(schema) and \
            "root-object" not in ignore:
        ignore.append("root-object")
    _mark_open_objects(schema)
    if not ignore:
        contract.pop("x-accord-ignore")


_SCHEMA_OBJECT_KEYWORDS = ("discriminator", "externalDocs", "example", "nullable", "id",
                           "deprecated")
"""Keywords other tools write beyond the JSON Schema draft at hand: AsyncAPI's Schema
Object (`discriminator`, `externalDocs`), OpenAPI's (`example`, `nullable`: kept as an
annotation, so `null` is not accepted where the tool meant it to be), draft-04's `id`, and
`deprecated` in a draft-07 schema."""


def _schema_suppressions(schema: JSON) -> list[str]:
    """The conventions a third-party schema breaks as written (camelCase names, Python-
    ambiguous pattern classes, required names another composition declares): suppressed
    in the file, visibly, rather than rewritten (the names are on the wire)."""
    nodes = [node for _, node in walk(schema)]
    found = []
    names = [k for node in nodes for k in node.get("properties", {})]
    if any(not _FIELD.match(str(n)) for n in names):
        found.append("field-case")
    patterns = [node.get("pattern") for node in nodes] + [
        p for node in nodes for p in (node.get("patternProperties") or {})]
    if any(isinstance(p, str) and _UNICODE_CLASSES.search(p) for p in patterns):
        found.append("portable-pattern")
    # Other tools' keywords JSON Schema does not have stay, as annotations (validation
    # ignores them); the rule about unknown keywords is suppressed, visibly.
    if any(k in node for node in nodes for k in _SCHEMA_OBJECT_KEYWORDS):
        found.append("unknown-keyword")
    # The rule itself decides (it follows allOf composition): suppressed only where it fires.
    if next(undeclared_required(schema), None) is not None:
        found.append("required-declared")
    return found


def _demote_embedded_ids(schema: JSON) -> None:
    """An `$id` below the root (tools write `$id: '#/properties/fare'`) would make an
    embedded resource, which contracts do not support: its value is kept as
    `x-accord-imported-id` instead."""
    for pointer, node in walk(schema):
        if pointer and "$id" in node:
            node["x-accord-imported-id"] = node.pop("$id")


def _mark_open_objects(schema: JSON) -> None:
    for _, node in walk(schema):
        if _is_object(node) and node.get("additionalProperties", True) is True:
            node.setdefault("x-accord-reason", "open in the imported AsyncAPI document")


def _is_object(node: dict[str, Any]) -> bool:
    return node.get("type") == "object" or "properties" in node
