"""Reading a registry folder into the model, refusing what a registry must not hold."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from accord.errors import AccordError, LoadError, Location, SchemaError
from accord.registry.confine import inside, read_inside
from accord.registry.metaschema import check_schema, draft_of
from accord.registry.model import JSON, Contract, ContractVersion, Registry, SharedSchema, SourceMap
from accord.registry.pointer import escape, join
from accord.registry.refs import Bundler
from accord.registry.yamlio import load_yaml, read_error

Files = Callable[[str], bytes]
"""Reads a file by its root-relative path: the work tree, or a git tree (see `git.py`)."""


class RegistryLoadError(AccordError):
    """One or more files could not be loaded; ``errors`` holds each, with its location."""

    def __init__(self, errors: list[AccordError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors

    def __str__(self) -> str:
        return self.message


@cache
def contract_schema() -> dict[str, Any]:
    """The published JSON Schema of a contract file (`accord schema contract`)."""
    text = resources.files("accord.registry").joinpath("contract.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _contract_validator() -> Draft202012Validator:
    return Draft202012Validator(contract_schema())


def is_shared(path: str) -> bool:
    """Files (or folders) whose name starts with `_` hold shared schema documents."""
    return any(part.startswith("_") for part in path.split("/"))


def check_meta(schema: JSON, source: SourceMap, at: str) -> None:
    try:
        draft = draft_of(schema)
    except ValueError as exc:
        raise SchemaError(str(exc), source.locate(f"{at}/$schema")) from None
    issues = check_schema(schema, draft)
    if issues:
        issue = issues[0]
        raise SchemaError(
            f"not a valid JSON Schema: {issue.message}", source.locate(at + issue.pointer)
        )


class Loader:
    """Loads one registry from a file source; shared documents are read once."""

    def __init__(self, root: str, files: Files) -> None:
        self.root = root
        self._files = files
        self._shared: dict[str, SharedSchema] = {}
        self._bundler = Bundler(self._read_shared)

    def _display(self, path: str) -> str:
        return f"{self.root.rstrip('/')}/{path}" if self.root not in ("", ".") else path

    def _parse(self, path: str) -> tuple[JSON, SourceMap]:
        try:
            data = self._files(path)
        except OSError as exc:
            raise read_error(exc, self._display(path)) from None
        return load_yaml(data, self._display(path))

    def _read_shared(self, path: str) -> tuple[JSON, SourceMap]:
        document, source = self._parse(path)
        if not isinstance(document, dict | bool):
            raise SchemaError("a shared schema must be a mapping", source.locate())
        check_meta(document, source, "")
        self._shared[path] = SharedSchema(path, document, source)
        return document, source

    def contract(self, path: str) -> Contract:
        document, source = self._parse(path)
        validator = _contract_validator()
        valid = validator.is_valid(document)
        error = None if valid else best_match(validator.iter_errors(document))
        if error is not None:
            pointer = join(error.absolute_path)
            message = error.message
            if error.validator == "additionalProperties" and isinstance(error.instance, dict):
                allowed = error.schema.get("properties", {})
                unknown = sorted(k for k in error.instance
                                 if k not in allowed and not k.startswith("x-"))
                if unknown:
                    pointer += f"/{escape(unknown[0])}"
                    message = (f"unknown key {unknown[0]!r}; expected one of "
                               f"{', '.join(allowed)} or an x- extension")
            what = f"at {pointer}: " if pointer and "unknown key" not in message else ""
            raise LoadError(f"not a valid contract file: {what}{message}",
                            source.locate(pointer))
        versions = []
        for number in sorted(document["versions"], key=int):
            raw = document["versions"][number]
            at = f"/versions/{number}/schema"
            schema = raw["schema"]
            check_meta(schema, source, at)
            versions.append(
                ContractVersion(
                    number=int(number),
                    schema=schema,
                    resolved=self._bundler.bundle(schema, path, source, at),
                    status=raw.get("status", "active"),
                    deprecated_on=raw.get("deprecated_on"),
                    sunset_on=raw.get("sunset_on"),
                    examples=tuple(raw.get("examples", ())),
                    extensions={k: v for k, v in raw.items() if k.startswith("x-")},
                )
            )
        return Contract(
            event=document["event"],
            path=path,
            summary=document.get("summary"),
            description=document.get("description"),
            owner=document.get("owner"),
            channel=document.get("channel"),
            key=document.get("key"),
            compatibility=document.get("compatibility"),
            producers=tuple(document.get("producers", ())),
            consumers=tuple(document.get("consumers", ())),
            tags=tuple(document.get("tags", ())),
            envelope=document.get("envelope", "none"),
            ignore=frozenset(document.get("x-accord-ignore", ())),
            versions=tuple(versions),
            document=document,
            source=source,
        )

    def load(self, paths: Iterable[str]) -> Registry:
        contracts: list[Contract] = []
        errors: list[AccordError] = []
        seen: dict[str, Contract] = {}
        for path in sorted(paths):
            if is_shared(path):
                if path not in self._shared:
                    try:
                        self._read_shared(path)
                    except AccordError as exc:
                        errors.append(exc)
                continue
            try:
                contract = self.contract(path)
            except AccordError as exc:
                errors.append(exc)
                continue
            first = seen.get(contract.event)
            if first is not None:
                errors.append(
                    LoadError(
                        f"event {contract.event!r} is declared twice: here and in "
                        f"{first.source.locate('/event')}",
                        contract.source.locate("/event"),
                    )
                )
                continue
            seen[contract.event] = contract
            contracts.append(contract)
        if errors:
            raise RegistryLoadError(errors)
        return Registry(self.root, tuple(contracts), dict(sorted(self._shared.items())))


def _disk_reader(root: Path) -> Files:
    def read(path: str) -> bytes:
        # A symlink out of the registry (git stores them) is refused before it is read.
        return read_inside(root, path, "file")

    return read


def registry_files(root: Path) -> list[str]:
    """Root-relative paths of every YAML file under ``root``, sorted.

    Symlinked folders are not entered (a link may lead anywhere); symlinked files are
    listed, and the reader refuses those that lead outside the root.
    """
    found: list[str] = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in files:
            if name.endswith((".yaml", ".yml")):
                found.append((Path(folder) / name).relative_to(root).as_posix())
        for name in dirs:
            link = Path(folder) / name
            if link.is_symlink():
                # Checked, not entered: one that leads outside is refused outright.
                inside(root, link.relative_to(root).as_posix(), "folder",
                       Location(str(link)))
    return sorted(found)


def load_registry(root: str | Path) -> Registry:
    """Load every contract and shared schema under ``root``."""
    base = Path(root)
    if not base.is_dir():
        raise LoadError("registry folder not found", Location(str(root)))
    loader = Loader(str(root), _disk_reader(base))
    return loader.load(registry_files(base))


def load_from(root: str, files: Files, paths: Iterable[str]) -> Registry:
    """Load a registry from any file source (used for git refs)."""
    return Loader(root, files).load(paths)


def dump_contract(contract: Contract) -> Mapping[str, JSON]:
    """The contract as a document, in the file format (the inverse of loading)."""
    doc: dict[str, JSON] = {"event": contract.event}
    for name in ("summary", "description", "owner", "channel", "key", "compatibility"):
        value = getattr(contract, name)
        if value is not None:
            doc[name] = value
    for name in ("producers", "consumers", "tags"):
        value = getattr(contract, name)
        if value:
            doc[name] = list(value)
    if contract.envelope != "none":
        doc["envelope"] = contract.envelope
    if contract.ignore:
        doc["x-accord-ignore"] = sorted(contract.ignore)
    if isinstance(contract.document, dict):
        doc.update(
            {k: v for k, v in contract.document.items() if k.startswith("x-") and k not in doc}
        )
    versions: dict[str, JSON] = {}
    for version in contract.versions:
        entry: dict[str, JSON] = {}
        if version.status != "active":
            entry["status"] = version.status
        if version.deprecated_on is not None:
            entry["deprecated_on"] = version.deprecated_on
        if version.sunset_on is not None:
            entry["sunset_on"] = version.sunset_on
        entry["schema"] = version.schema
        if version.examples:
            entry["examples"] = list(version.examples)
        entry.update(version.extensions)
        versions[str(version.number)] = entry
    doc["versions"] = versions
    return doc
