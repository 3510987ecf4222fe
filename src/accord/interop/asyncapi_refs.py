"""Multi-file AsyncAPI documents: `$ref`s to files beside the document, bundled in.

A reference such as `../common/messages.yaml#/commentLiked` is read from the file it names,
relative to the file it appears in, and only inside ``root`` (no `..` out of it, no
symbolic link out of it, no URL: the registry's own rule). What it points at comes into
the document: a schema (anything under a message's `payload`, and everything a schema
file's schemas refer to) as a `components/schemas` entry, so that a schema several
messages share becomes one shared file of the registry; a message as a
`components/messages` entry; anything else (servers, parameters) in place.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

from accord.errors import AccordError, Location
from accord.registry.confine import ConfinementError, inside
from accord.registry.model import SourceMap
from accord.registry.pointer import MISSING, escape, resolve
from accord.registry.yamlio import load_json_document, load_yaml_file

_SCHEMA_KEYS = frozenset({"payload", "schemas", "properties", "items", "allOf", "anyOf",
                          "oneOf", "not", "additionalProperties", "patternProperties",
                          "prefixItems", "contains", "if", "then", "else", "$defs",
                          "definitions", "dependentSchemas", "propertyNames", "headers"})


class RefError(AccordError):
    """A reference to another file that cannot be followed."""


def bundle(document: dict[str, Any], path: Path, root: Path,
           source: SourceMap | None = None) -> dict[str, Any]:
    """``document`` (read from ``path``; ``source`` its positions) with every reference to
    another file brought in."""
    return _Bundler(document, path.resolve(), root.resolve(), source).run()


class _Bundler:
    def __init__(self, document: dict[str, Any], path: Path, root: Path,
                 source: SourceMap | None) -> None:
        self.source = source
        self.doc = copy.deepcopy(document)
        self.path = path
        self.root = root
        self.files: dict[Path, Any] = {path: self.doc}
        self.names: dict[tuple[Path, str], str] = {}
        self.pending: dict[str, dict[str, Any]] = {}
        """kind (schemas, messages) -> name -> what a reference brought in"""
        self.inlining: set[tuple[Path, str]] = set()  # the references being put in place
        self.taken: dict[str, set[str]] = {"schemas": set(), "messages": set()}
        components = self.doc.setdefault("components", {})
        for kind in ("schemas", "messages"):
            section = components.get(kind)
            if isinstance(section, dict):
                self.taken[kind].update(section)

    def run(self) -> dict[str, Any]:
        if not _has_external(self.doc):
            return self.doc
        body = {k: v for k, v in self.doc.items() if k != "components"}
        walked = self._walk(body, self.path, (), schema=False)
        components = self._walk(self.doc["components"], self.path, ("components",),
                                schema=False)
        self.doc = {**walked, "components": {**components, **self._added()}}
        return self.doc

    def _added(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for kind, entries in self.pending.items():
            merged = dict(self.doc.get("components", {}).get(kind) or {})
            merged.update(entries)
            out[kind] = merged
        return out

    def _walk(self, node: Any, file: Path, keys: tuple[str, ...], schema: bool) -> Any:
        if isinstance(node, list):
            return [self._walk(item, file, keys, schema) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and "://" not in ref and (
                not ref.startswith("#") or file != self.path):
            return self._follow(ref, file, keys, schema or bool(_SCHEMA_KEYS & set(keys)))
        return {k: self._walk(v, file, (*keys, str(k)), schema or k in _SCHEMA_KEYS)
                for k, v in node.items()}

    def _follow(self, ref: str, file: Path, keys: tuple[str, ...], schema: bool) -> Any:
        target_file, _, fragment = ref.partition("#")
        if "://" in target_file:
            # Never fetched: left as it is, the importer names the message it stops.
            return {"$ref": ref}
        at = self._at(file, keys)
        where = file if not target_file else self._confined(file.parent / target_file, ref,
                                                            at)
        if not where.is_file():
            raise RefError(f"$ref {ref!r}: {where} is not a file", at)
        loaded = self._load(where)
        node = _pointer(loaded, fragment, ref, where)
        in_messages = "messages" in keys and not schema
        if not schema and not in_messages:
            slot = (where, fragment)
            if slot in self.inlining:  # `$ref: ''` or a loop of them: it would never end
                raise RefError(f"$ref {ref!r} refers back to itself: it cannot be put in "
                               "place", at)
            self.inlining.add(slot)
            try:
                return self._walk(copy.deepcopy(node), where, keys, schema)  # in place
            finally:
                self.inlining.discard(slot)
        kind = "schemas" if schema else "messages"
        name = self._name(kind, where, fragment)
        pending = self.pending.setdefault(kind, {})
        if name not in pending:
            pending[name] = {}  # placeholder: a cycle comes back to the name
            pending[name] = self._walk(copy.deepcopy(node), where, ("components", kind),
                                       schema)
        return {"$ref": f"#/components/{kind}/{name.replace('~', '~0').replace('/', '~1')}"}

    def _name(self, kind: str, file: Path, fragment: str) -> str:
        key = (file, f"{kind}:{fragment}")
        found = self.names.get(key)
        if found is not None:
            return found
        base = fragment.rstrip("/").rpartition("/")[2] or file.stem
        name, n = base, 2
        while name in self.taken[kind]:
            name, n = f"{base}{n}", n + 1
        self.taken[kind].add(name)
        self.names[key] = name
        return name

    def _at(self, file: Path, keys: tuple[str, ...]) -> Location:
        """Where a reference is: line and column in the document, else the file."""
        if file == self.path and self.source is not None:
            return self.source.locate("".join(f"/{escape(k)}" for k in (*keys, "$ref")))
        return Location(str(file))

    def _confined(self, target: Path, ref: str, at: Location) -> Path:
        try:  # lexically first (`..`), then `inside` follows every symbolic link
            relative = Path(os.path.normpath(target)).relative_to(self.root).as_posix()
        except ValueError:
            raise RefError(f"$ref {ref!r} leaves {self.root} (references stay inside the "
                           "folder the import reads; pass --refs-root to widen it)",
                           at) from None
        try:
            return inside(self.root, relative, "$ref target")
        except ConfinementError as exc:
            raise RefError(exc.message, at) from None

    def _load(self, where: Path) -> Any:
        if where not in self.files:
            reader = load_json_document if where.suffix.lower() == ".json" else load_yaml_file
            self.files[where], _ = reader(where, str(where))
        return self.files[where]


def _pointer(document: Any, fragment: str, ref: str, file: Path) -> Any:
    found = resolve(document, fragment if fragment.startswith("/") or not fragment
                    else "/" + fragment)
    if found is MISSING:
        raise RefError(f"$ref {ref!r} points at nothing in {file.name}", Location(str(file)))
    return found


def _has_external(node: Any) -> bool:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                return True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
