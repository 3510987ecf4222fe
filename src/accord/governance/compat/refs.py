"""One schema document: its draft, local ``$ref`` resolution and per-document caches."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urljoin

from accord.registry.pointer import MISSING, escape, join, resolve
from accord.validation import closed_validator

_LEGACY_DRAFTS = (
    ("draft-03", 3),
    ("draft-04", 4),
    ("draft-06", 6),
    ("draft-07", 7),
    ("2019-09", 2019),
)


def draft_of(root: Any) -> int:
    """3, 4, 6, 7, 2019 or 2020 (the default) from ``$schema``."""
    uri = root.get("$schema") if isinstance(root, dict) else None
    if isinstance(uri, str):
        for marker, draft in _LEGACY_DRAFTS:
            if marker in uri:
                return draft
    return 2020


def _non_json(value: Any) -> str:
    # YAML can hand us dates and other non-JSON values (in defaults, examples, enums): give
    # them a text no JSON string is likely to equal, rather than failing.
    return f"\x00{type(value).__name__}:{value!r}"


_ENCODE = json.JSONEncoder(check_circular=False, separators=(",", ":"), default=_non_json).encode
_OPAQUE = frozenset({"enum", "const", "examples", "default"})  # data, not subschemas


@dataclass(frozen=True, eq=False)
class Doc:
    """A schema document being compared; identity-hashed, caches live as long as the check."""

    root: Any
    label: str  # "old" or "new", for messages
    draft: int = 2020
    _ids: dict[str, str] = field(default_factory=dict)  # $id URI -> pointer of that resource
    _dumps: dict[int, str] = field(default_factory=dict)
    _cache: dict[Any, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, root: Any, label: str) -> Doc:
        return cls(root, label, draft_of(root))

    @property
    def ids(self) -> dict[str, str]:
        """$id URI -> pointer of each resource (the root is ``""``), indexed on first use."""
        if not self._ids:
            self._ids[""] = ""
            # Embedded $id is rare: one C-speed scan spares the Python walk in the usual case.
            if '"$id"' in self.dump(self.root):
                self._index([], self.root, None)
        return self._ids

    def _index(self, path: list[str], node: Any, base: str | None) -> None:
        # Embedded resources ($id below the root) change the base of the refs inside them.
        if isinstance(node, dict):
            ident = node.get("$id")
            if isinstance(ident, str) and (self.draft > 6 or not ident.startswith("#")):
                uri = urljoin(base, ident) if base else ident
                ptr = join(path)
                if ptr == "":
                    del self._ids[""]
                self._ids[uri.rstrip("#")] = ptr
                base = uri
            for key, value in node.items():
                if key not in _OPAQUE and isinstance(value, dict | list):
                    path.append(key)
                    self._index(path, value, base)
                    path.pop()
        elif isinstance(node, list):
            for i, value in enumerate(node):
                if isinstance(value, dict | list):
                    path.append(str(i))
                    self._index(path, value, base)
                    path.pop()

    @property
    def legacy_items(self) -> bool:
        """Array-form ``items`` with ``additionalItems`` (drafts up to 2019-09)."""
        return self.draft <= 2019

    @property
    def ref_overrides(self) -> bool:
        """``$ref`` makes its siblings ignored (drafts up to 7)."""
        return self.draft <= 7

    def _resource_of(self, ptr: str) -> tuple[str, str]:
        """(base URI, pointer) of the innermost resource enclosing ``ptr``."""
        best_uri, best_ptr = "", ""
        for uri, rptr in self.ids.items():
            inside = ptr == rptr or ptr.startswith(rptr + "/")
            if inside and len(rptr) > len(best_ptr):
                best_uri, best_ptr = uri, rptr
            elif inside and rptr == best_ptr and uri and not best_uri:
                best_uri = uri
        return best_uri, best_ptr

    def resolve(self, ref: str, at: str) -> tuple[str, Any] | None:
        """(pointer, schema) that ``ref`` written at pointer ``at`` names, or None if not local."""
        key = ("ref", ref, at)
        if key in self._cache:
            found: tuple[str, Any] | None = self._cache[key]
            return found
        found = self._resolve(ref, at)
        self._cache[key] = found
        return found

    def _resolve(self, ref: str, at: str) -> tuple[str, Any] | None:
        base_uri, base_ptr = self._resource_of(at)
        target, _, fragment = ref.partition("#")
        if target:
            uri = urljoin(base_uri, target) if base_uri else target
            if uri not in self.ids:
                return None
            base_ptr = self.ids[uri]
        fragment = unquote(fragment)
        if fragment == "" or fragment.startswith("/"):
            ptr = base_ptr + fragment
            node = self.at(ptr)
            return None if node is MISSING else (ptr, node)
        return self._anchor(fragment, base_ptr)

    def _anchor(self, name: str, within: str) -> tuple[str, Any] | None:
        hits: list[tuple[str, Any]] = []

        def visit(ptr: str, node: Any) -> None:
            if isinstance(node, dict):
                if node.get("$anchor") == name or (
                    self.draft <= 7 and node.get("$id") == "#" + name
                ):
                    hits.append((ptr, node))
                for key, value in node.items():
                    if key not in ("enum", "const", "examples", "default"):
                        visit(f"{ptr}/{escape(key)}", value)
            elif isinstance(node, list):
                for i, value in enumerate(node):
                    visit(f"{ptr}/{i}", value)

        base = self.at(within)
        visit(within, base)
        # An ambiguous anchor is not something we can resolve soundly.
        return hits[0] if len(hits) == 1 else None

    def at(self, ptr: str) -> Any:
        """The value at a JSON pointer, or ``MISSING``."""
        return resolve(self.root, ptr)

    def same_as(self, value: Any, other: Doc, other_value: Any) -> bool:
        """Equal JSON with ``true`` told apart from ``1`` (Python's == would not)."""
        if value is not other_value and value != other_value:
            return False
        return self.dump(value) == other.dump(other_value)

    def dump(self, value: Any) -> str:
        """Canonical JSON of a subtree: equality that tells ``1`` from ``true`` and ``1.0``."""
        key = id(value)
        text = self._dumps.get(key)
        if text is None:
            # Key order is kept: callers compare values Python already found equal, so a
            # different order only costs a missed shortcut, never a wrong one.
            text = _ENCODE(value)
            self._dumps[key] = text
        return text

    def is_valid(self, instance: Any, schema: Any, on_error: bool) -> bool:
        """Exact validation of one value against a subschema of this document (refs resolved).

        ``on_error`` is the answer when validation itself fails (an unresolvable ref): the
        caller picks the side that keeps the check sound.
        """
        text = self.dump(schema)
        if '"$dynamicRef"' in text or '"$recursiveRef"' in text:
            return on_error  # evaluated out of its dynamic scope, the answer could be wrong
        if '"$ref"' in text and len(self.ids) > 1:
            return on_error  # a relative ref inside an embedded resource: base unknown here
        validator = self._cache.get("validator")
        if validator is None:
            root = self.root if isinstance(self.root, dict | bool) else {}
            validator = closed_validator(root)
            self._cache["validator"] = validator
        try:
            return bool(validator.evolve(schema=schema).is_valid(instance))
        except Exception:
            return on_error
