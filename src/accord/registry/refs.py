"""`$ref` resolution confined to the registry root, and bundling into one document.

Every version schema is handed to the rest of Accord *bundled*: each shared document it
reaches is copied once under the root's `$defs` (key: its path without `.yaml`, slashes as
dots) and every `$ref` is rewritten to a local pointer. Compatibility, codegen and
validation then work on one self-contained schema. Lookups go through `referencing`, with
a retrieve function that only reads files inside the root and never touches the network.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlsplit

import referencing
import referencing.exceptions
import referencing.jsonschema

from accord.errors import RefError
from accord.registry.model import JSON, SourceMap
from accord.registry.pointer import MISSING, escape, resolve, unescape

Reader = Callable[[str], tuple[JSON, SourceMap]]
"""Reads a shared document by its root-relative path; raises LoadError if it cannot."""

_BASE = "file:///"
_NOT_SCHEMA = frozenset(
    {"$comment", "description", "title", "examples", "default", "deprecated", "$ref"}
)


def defs_key(path: str) -> str:
    """The `$defs` key under which the shared document at ``path`` is bundled."""
    stem = path[: -len(".yaml")] if path.endswith(".yaml") else path
    return stem.replace("/", ".")


def split_ref(ref: str, base_path: str) -> tuple[str | None, str]:
    """Split ``ref`` into (root-relative target path or None for local, fragment).

    Raises RefError (without a location; the caller adds it) for remote refs and refs
    that leave the root.
    """
    parts = urlsplit(ref)
    if parts.scheme or parts.netloc:
        raise RefError(f"remote $ref {ref!r}: contracts may only refer to files in the registry")
    fragment = unquote(parts.fragment)
    if not parts.path:
        return None, fragment
    if parts.path.startswith("/"):
        raise RefError(f"$ref {ref!r} is absolute; use a path relative to this file")
    target = posixpath.normpath(posixpath.join(posixpath.dirname(base_path), unquote(parts.path)))
    if target == ".." or target.startswith("../"):
        raise RefError(f"$ref {ref!r} leaves the registry root")
    return target, fragment


class Bundler:
    """Bundles version schemas; shared documents are read once and rewritten once."""

    def __init__(self, read: Reader) -> None:
        self._read = read
        self._docs: dict[str, tuple[JSON, SourceMap]] = {}
        self._rewritten: dict[str, JSON] = {}
        self._needs: dict[str, frozenset[str]] = {}
        self._paths: dict[str, str] = {}
        self._cycle_free: set[str] = set()
        self._local_refs = 0
        self._registry: referencing.Registry[Any] = referencing.Registry(
            retrieve=self._retrieve  # type: ignore[call-arg]
        )

    # -- referencing ---------------------------------------------------------------
    def _retrieve(self, uri: str) -> referencing.Resource[Any]:
        if not uri.startswith(_BASE):
            raise referencing.exceptions.NoSuchResource(uri)
        document, _ = self._document(uri[len(_BASE) :])
        return referencing.jsonschema.DRAFT202012.create_resource(document)

    def _document(self, path: str) -> tuple[JSON, SourceMap]:
        if path not in self._docs:
            self._docs[path] = self._read(path)
        return self._docs[path]

    def _lookup(self, path: str, fragment: str, where: SourceMap, pointer: str, ref: str) -> JSON:
        """The target of a ref to another file, checked through `referencing`."""
        try:
            document, _ = self._document(path)
        except RefError:
            raise
        except Exception as exc:  # LoadError from the reader, with its own location
            raise RefError(f"$ref {ref!r}: {exc}", where.locate(pointer)) from None
        resource = referencing.jsonschema.DRAFT202012.create_resource(document)
        registry = self._registry.with_resource(_BASE + path, resource)
        try:
            return registry.resolver().lookup(f"{_BASE}{path}#{fragment}").contents
        except referencing.exceptions.Unresolvable:
            raise RefError(
                f"$ref {ref!r}: {path} has nothing at #{fragment}", where.locate(pointer)
            ) from None

    # -- bundling ------------------------------------------------------------------
    def bundle(self, schema: JSON, path: str, source: SourceMap, at: str) -> JSON:
        """Bundle a version schema written in file ``path`` at JSON pointer ``at``."""
        needs: set[str] = set()
        local_refs = self._local_refs
        body = self._rewrite(schema, schema, path, source, at, "", needs)
        own_refs = self._local_refs > local_refs  # a cycle in the body needs a local $ref
        if not needs or not isinstance(body, dict):
            if own_refs:
                self._refuse_cycles(body, path, source, at)
            return body
        closure: set[str] = set()
        pending = list(needs)
        while pending:
            key = pending.pop()
            if key not in closure:
                closure.add(key)
                pending.extend(self._needs[key])
        # Shared documents go under `$defs` whatever the draft: refs are rewritten to JSON
        # pointers, which reach any key, so draft-07's local `definitions` stay as written.
        existing = body.get("$defs", {})
        if not isinstance(existing, dict):  # draft-07 does not check a `$defs` it ignores
            raise RefError(
                "$defs must be a mapping: shared schemas are bundled into it",
                source.locate(f"{at}/$defs"),
            )
        clash = closure & set(existing)
        if clash:
            raise RefError(
                f"$defs already has {sorted(clash)[0]!r}, the name a shared schema "
                "is bundled under; rename the local definition",
                source.locate(f"{at}/$defs"),
            )
        shared = {key: self._rewritten[key] for key in sorted(closure)}
        # Cycles are looked for in the version's own schema, and once per new set of shared
        # documents (a shared document cannot point back into a contract): walking every
        # bundled schema again cost a third of a large registry's lint.
        if own_refs:
            self._refuse_cycles(body, path, source, at)
        if not closure <= self._cycle_free:
            self._refuse_cycles({"$defs": {k: self._rewritten[k] for k in
                                           sorted(self._cycle_free | closure)}},
                                path, source, at)
            self._cycle_free |= closure
        return {**body, "$defs": {**existing, **shared}}

    def _refuse_cycles(self, bundled: JSON, path: str, source: SourceMap, at: str) -> None:
        cycle = same_instance_cycle(bundled)
        if cycle is None:
            return
        files: list[str] = []
        for pointer in cycle:
            part = pointer.split("/")
            name = self._paths.get(unescape(part[2]), path) \
                if len(part) > 2 and part[1] == "$defs" else path
            if name not in files:
                files.append(name)
        raise RefError(
            "$ref cycle that never reaches a schema (validating would never end): "
            + " -> ".join([*files, files[0]]), source.locate(at))

    def _shared(self, path: str, ref: str, where: SourceMap, pointer: str) -> str:
        """Rewrite the shared document at ``path`` once; return its `$defs` key."""
        key = defs_key(path)
        if key in self._needs:
            return key
        try:
            document, source = self._document(path)
        except Exception as exc:
            raise RefError(f"$ref {ref!r}: {exc}", where.locate(pointer)) from None
        self._paths[key] = path
        self._needs[key] = frozenset()  # placeholder: shared documents may refer to each other
        needs: set[str] = set()
        self._rewritten[key] = self._rewrite(
            document, document, path, source, "", "/$defs/" + escape(key), needs
        )
        self._needs[key] = frozenset(needs - {key})
        return key

    def _rewrite(
        self,
        node: JSON,
        root: JSON,
        path: str,
        source: SourceMap,
        pointer: str,
        prefix: str,
        needs: set[str],
    ) -> JSON:
        if isinstance(node, list):
            return [
                self._rewrite(item, root, path, source, f"{pointer}/{i}", prefix, needs)
                for i, item in enumerate(node)
            ]
        if not isinstance(node, dict):
            return node
        out: dict[str, JSON] = {}
        for key, value in node.items():
            child = f"{pointer}/{escape(key)}"
            if key == "$ref" and isinstance(value, str):
                out[key] = self._ref(value, root, path, source, child, prefix, needs)
            elif key in ("$dynamicRef", "$recursiveRef"):
                out[key] = self._dynamic(key, value, root, source, child)
            elif key == "$id" and node is not root and not prefix.startswith("/$defs/"):
                raise RefError(
                    "an embedded $id is not supported in contracts; use $defs and relative refs",
                    source.locate(child),
                )
            else:
                out[key] = self._rewrite(value, root, path, source, child, prefix, needs)
        return out

    def _ref(
        self,
        ref: str,
        root: JSON,
        path: str,
        source: SourceMap,
        pointer: str,
        prefix: str,
        needs: set[str],
    ) -> str:
        try:
            target, fragment = split_ref(ref, path)
        except RefError as exc:
            raise RefError(exc.message, source.locate(pointer)) from None
        if target is None:
            self._local_refs += 1
            resolved = _local(root, fragment)
            if resolved is None:
                raise RefError(f"$ref {ref!r} points at nothing", source.locate(pointer))
            self._check_cycle(root, fragment, ref, source, pointer)
            return "#" + prefix + resolved
        self._lookup(target, fragment, source, pointer, ref)
        key = self._shared(target, ref, source, pointer)
        needs.add(key)
        document, _ = self._document(target)
        resolved = _local(document, fragment)
        if resolved is None:  # pragma: no cover - `_lookup` has already failed
            raise RefError(f"$ref {ref!r} points at nothing", source.locate(pointer))
        return "#/$defs/" + escape(key) + resolved

    def _dynamic(self, key: str, value: JSON, root: JSON, source: SourceMap,
                 pointer: str) -> JSON:
        """`$dynamicRef` and `$recursiveRef` may only name an anchor of this document: they
        are resolved at validation time, where anything else would be fetched."""
        if not isinstance(value, str):
            raise RefError(f"{key} must be a string", source.locate(pointer))
        if not value.startswith("#"):
            raise RefError(f"{key} {value!r} leaves the document: contracts may only refer "
                           "to their own anchors (`#name`) and to files in the registry "
                           "through $ref", source.locate(pointer))
        name = unquote(value[1:])
        if name and not name.startswith("/") and \
                _find_anchor(root, name, "", ("$anchor", "$dynamicAnchor")) is None:
            raise RefError(f"{key} {value!r} points at nothing: no $dynamicAnchor or $anchor "
                           f"{name!r} in this schema", source.locate(pointer))
        if name.startswith("/") and _local(root, name) is None:
            raise RefError(f"{key} {value!r} points at nothing", source.locate(pointer))
        return value

    def _check_cycle(
        self, root: JSON, fragment: str, ref: str, source: SourceMap, pointer: str
    ) -> None:
        """Refuse refs that only ever lead to other refs: they define no schema at all."""
        seen = {fragment}
        node = resolve(root, _local(root, fragment) or "")
        while isinstance(node, dict) and "$ref" in node and set(node) <= _NOT_SCHEMA:
            nxt = node["$ref"]
            if not isinstance(nxt, str) or not nxt.startswith("#"):
                return
            frag = unquote(nxt[1:])
            if frag in seen:
                raise RefError(
                    f"$ref {ref!r} is part of a cycle of references that never reaches a schema",
                    source.locate(pointer),
                )
            seen.add(frag)
            node = resolve(root, _local(root, frag) or "")


_SAME_INSTANCE_LISTS = ("allOf", "anyOf", "oneOf")
_SAME_INSTANCE_ONES = ("not", "if", "then", "else")


def same_instance_cycle(root: JSON) -> list[str] | None:
    """Pointers of a cycle of `$ref`s and in-place applicators (allOf, not, if, …) in a
    bundled schema: a path that comes back to a schema without stepping into the instance,
    so validation would recurse for ever. None when there is none."""
    edges: dict[str, list[str]] = {}
    stack: list[tuple[str, JSON]] = [("", root)]
    while stack:
        pointer, node = stack.pop()
        if isinstance(node, list):
            stack.extend((f"{pointer}/{i}", v) for i, v in enumerate(node))
            continue
        if not isinstance(node, dict):
            continue
        out = edges.setdefault(pointer, [])
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#"):
            fragment = unquote(ref[1:])
            target = _local(root, fragment) if fragment else ""
            if target is not None:
                out.append(target)
        for key in _SAME_INSTANCE_LISTS:
            if isinstance(node.get(key), list):
                out.extend(f"{pointer}/{key}/{i}" for i in range(len(node[key])))
        out.extend(f"{pointer}/{key}" for key in _SAME_INSTANCE_ONES
                   if isinstance(node.get(key), dict))
        stack.extend((f"{pointer}/{escape(k)}", v) for k, v in node.items()
                     if isinstance(v, dict | list))
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in edges:
        if start in state:
            continue
        path: list[str] = []
        work: list[tuple[str, int]] = [(start, 0)]
        while work:
            node, index = work.pop()
            if index == 0:
                state[node] = 1
                path.append(node)
            targets = edges.get(node, [])
            if index < len(targets):
                work.append((node, index + 1))
                nxt = targets[index]
                if state.get(nxt) == 1:
                    return path[path.index(nxt):]
                if nxt not in state:
                    work.append((nxt, 0))
            else:
                state[node] = 2
                path.pop()
    return None


def _local(document: JSON, fragment: str) -> str | None:
    """The JSON pointer that ``fragment`` (a pointer or an `$anchor`) names, or None."""
    if fragment == "" or fragment.startswith("/"):
        return fragment if resolve(document, fragment) is not MISSING else None
    return _find_anchor(document, fragment, "")


def _find_anchor(node: JSON, anchor: str, pointer: str,
                 keys: tuple[str, ...] = ("$anchor",)) -> str | None:
    if isinstance(node, dict):
        if any(node.get(k) == anchor for k in keys):
            return pointer
        items: Any = node.items()
    elif isinstance(node, list):
        items = enumerate(node)
    else:
        return None
    for key, value in items:
        found = _find_anchor(value, anchor, f"{pointer}/{escape(str(key))}", keys)
        if found is not None:
            return found
    return None
