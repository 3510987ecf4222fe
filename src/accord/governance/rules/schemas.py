"""Rules on schemas as written, in contract versions and in shared files alike."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

from accord.governance.rules.base import Context, Issue, Rule, SchemaDoc, walk
from accord.registry.model import JSON
from accord.registry.pointer import MISSING, escape, resolve

_CASES = {
    "snake_case": re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$"),
    "camelCase": re.compile(r"^[a-z][a-zA-Z0-9]*$"),
    "PascalCase": re.compile(r"^[A-Z][a-zA-Z0-9]*$"),
    "kebab-case": re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$"),
}
# Escapes whose meaning differs between Python's `re` (Unicode-aware) and ECMA-262, which
# JSON Schema specifies and which JavaScript, Go and Rust validators implement.
UNICODE_CLASSES = re.compile(r"(?<!\\)(?:\\\\)*\\([dDwWsSbB])")
"""`\\d`, `\\w`, `\\s`, `\\b` (and negations): classes Python and ECMA-262 read differently."""
_UNICODE_CLASSES = UNICODE_CLASSES
_ASCII = {"d": "[0-9]", "D": "[^0-9]", "w": "[A-Za-z0-9_]", "W": "[^A-Za-z0-9_]",
          "s": "[ \\t\\n\\r\\f\\v]", "S": "[^ \\t\\n\\r\\f\\v]", "b": "an explicit boundary",
          "B": "an explicit boundary"}  # fmt: skip


def _is_object(node: dict[str, object]) -> bool:
    return node.get("type") == "object" or (
        "properties" in node and node.get("type") in (None, ["object", "null"])
    )


class FieldCase(Rule):
    id = "field-case"
    summary = "Field names follow the policy's case convention."
    description = (
        "`naming.field_case` in the policy (snake_case by default; also camelCase, "
        "PascalCase, kebab-case). One convention per registry keeps generated classes and "
        "queries predictable."
    )

    def check_schema(self, doc: SchemaDoc, ctx: Context) -> Iterable[Issue]:
        case = ctx.policy.field_case
        pattern = _CASES[case]
        for pointer, node in doc.nodes:
            properties = node.get("properties")
            if not isinstance(properties, dict):
                continue
            for name in properties:
                if not pattern.match(name):
                    yield Issue(
                        f"field {name!r} is not {case}", f"{pointer}/properties/{escape(name)}"
                    )


class PropertyDescription(Rule):
    id = "property-description"
    severity = "warning"
    summary = "Every property says what it means."
    description = (
        "Descriptions become docstrings in generated classes and the field table on the site. "
        "A property whose schema is only a `$ref` may carry its description next to the ref."
    )

    def check_schema(self, doc: SchemaDoc, ctx: Context) -> Iterable[Issue]:
        for pointer, node in doc.nodes:
            properties = node.get("properties")
            if not isinstance(properties, dict):
                continue
            for name, sub in properties.items():
                if isinstance(sub, dict) and not sub.get("description"):
                    yield Issue(
                        f"property {name!r} has no description",
                        f"{pointer}/properties/{escape(name)}",
                    )


class OpenContentReason(Rule):
    id = "open-content-reason"
    summary = "An open object (additionalProperties absent or true) says why it is open."
    description = (
        "An open content model lets producers send fields no contract names, and makes adding "
        "a typed optional property a breaking change (see compatibility). Close objects with "
        "`additionalProperties: false` (or give it a schema), or explain with "
        "`x-accord-reason`."
    )

    def check_schema(self, doc: SchemaDoc, ctx: Context) -> Iterable[Issue]:
        for pointer, node in doc.nodes:
            if not _is_object(node) or "x-accord-reason" in node:
                continue
            extra = node.get("additionalProperties", True)
            if extra is True and node.get("unevaluatedProperties", True) is True:
                yield Issue(
                    "object is open to undeclared properties",
                    pointer,
                    fix="add `additionalProperties: false`, or `x-accord-reason: <why>`",
                )


class RequiredDeclared(Rule):
    id = "required-declared"
    summary = "Every required field is declared in `properties`."
    description = (
        "A required name with no property is almost always a typo. Names declared by "
        "`allOf` composition count: the node's own `allOf` branches, and, for a branch of "
        "an `allOf`, its parent and sibling branches (local `$ref`s followed). A branch "
        "that refers to another file may declare anything, so the rule then stays quiet."
    )

    def check_schema(self, doc: SchemaDoc, ctx: Context) -> Iterable[Issue]:
        for pointer, name in undeclared_required(doc.schema, doc.nodes):
            yield Issue(f"required field {name!r} is not declared", pointer)


def undeclared_required(schema: JSON, nodes: Iterable[tuple[str, dict[str, JSON]]] | None = None
                        ) -> Iterator[tuple[str, str]]:
    """``(pointer, name)`` of each required name no property declares, `allOf` composition
    and local ``$ref``s considered (``nodes``: the schema's walk, when already made)."""
    walked = tuple(walk(schema, "") if nodes is None else nodes)
    by_pointer = dict(walked)
    for pointer, node in walked:
        required = node.get("required")
        properties = node.get("properties", {})
        if not isinstance(required, list) or not isinstance(properties, dict) or \
                _open_names(node):
            continue
        missing = [(i, n) for i, n in enumerate(required) if n not in properties]
        if not missing:
            continue
        declared = _declared(node, schema, set())
        parent, _, index = pointer.rpartition("/")
        holder, _, keyword = parent.rpartition("/")
        if declared is not None and keyword == "allOf" and index.isdigit() and \
                holder in by_pointer:
            more = _declared(by_pointer[holder], schema, set())
            declared = None if more is None else declared | more
        if declared is None:
            continue  # composed with a schema this file does not hold: unknowable here
        for i, name in missing:
            if name not in declared:
                yield f"{pointer}/required/{i}", name


def _open_names(node: dict[str, JSON]) -> bool:
    """Any name may be declared: by pattern, or by a schema for the rest."""
    return bool(node.get("patternProperties")) or isinstance(
        node.get("additionalProperties"), dict)


def _declared(node: JSON, root: JSON, seen: set[str]) -> set[str] | None:
    """Names ``node`` declares, through its ``allOf`` and local ``$ref``s; None when a
    branch leaves the file (or declares any name), so anything may be declared."""
    if not isinstance(node, dict):
        return set()
    ref = node.get("$ref")
    names: set[str] = set()
    if isinstance(ref, str):
        if not ref.startswith("#") or ref in seen:
            return None if not ref.startswith("#") else names
        seen.add(ref)
        target = resolve(root, ref[1:])
        if target is MISSING:
            return None
        found = _declared(target, root, seen)
        if found is None:
            return None
        names |= found
    if _open_names(node):
        return None
    properties = node.get("properties")
    if isinstance(properties, dict):
        names |= set(properties)
    for branch in node.get("allOf") or ():
        found = _declared(branch, root, seen)
        if found is None:
            return None
        names |= found
    return names


class EnumUnique(Rule):
    id = "enum-unique"
    severity = "warning"
    summary = "Enum values are listed once."
    description = "A repeated value is harmless to validation but confuses code generators."

    def check_schema(self, doc: SchemaDoc, ctx: Context) -> Iterable[Issue]:
        for pointer, node in doc.nodes:
            values = node.get("enum")
            if not isinstance(values, list):
                continue
            # One canonical key per value: linear in the enum (a pull request can hold one
            # of 200,000 values; comparing pairs took minutes).
            seen: set[tuple[str, object]] = set()
            for i, value in enumerate(values):
                key = (type(value).__name__, value if isinstance(value, str | int | float)
                       else json.dumps(value, sort_keys=True))
                if key in seen:
                    yield Issue(f"enum value {value!r} is repeated", f"{pointer}/enum/{i}")
                seen.add(key)


class PortablePattern(Rule):
    id = "portable-pattern"
    summary = "Patterns mean the same in ECMA-262 and in Python: no \\d, \\w, \\s or \\b."
    description = (
        "JSON Schema patterns are ECMA-262 regular expressions, where `\\d` is ASCII `[0-9]`. "
        "Python's `re` makes `\\d` match any Unicode digit, so Python and JavaScript or Rust "
        "validators disagree about the same payload (measured: jsonschema-rs rejected 3,122 "
        "of 20,800 payloads Python's jsonschema accepted). Spell the class out: `[0-9]`."
    )

    def check_schema(self, doc: SchemaDoc, ctx: Context) -> Iterable[Issue]:
        for pointer, node in doc.nodes:
            candidates: list[tuple[str, str]] = []
            if isinstance(node.get("pattern"), str):
                candidates.append((f"{pointer}/pattern", node["pattern"]))
            if isinstance(node.get("patternProperties"), dict):
                candidates.extend(
                    (f"{pointer}/patternProperties/{escape(p)}", p)
                    for p in node["patternProperties"]
                )
            for where, pattern in candidates:
                match = _UNICODE_CLASSES.search(pattern)
                if match:
                    letter = match.group(1)
                    yield Issue(
                        f"pattern {pattern!r} uses \\{letter}, which matches non-ASCII "
                        "characters in Python but not in ECMA-262",
                        where,
                        fix=f"use {_ASCII[letter]} instead of \\{letter}",
                    )


class NoRemoteRef(Rule):
    id = "no-remote-ref"
    summary = "Schemas refer only to files in the registry, never to the network."
    description = (
        "A remote reference makes validation depend on a server being up and unchanged. The "
        "loader refuses remote `$ref`; this rule also covers `$dynamicRef` and `$recursiveRef`."
    )

    def check_schema(self, doc: SchemaDoc, ctx: Context) -> Iterable[Issue]:
        for pointer, node in doc.nodes:
            for keyword in ("$ref", "$dynamicRef", "$recursiveRef"):
                value = node.get(keyword)
                if isinstance(value, str) and (urlsplit(value).scheme or value.startswith("//")):
                    yield Issue(
                        f"{keyword} {value!r} points outside the registry",
                        f"{pointer}/{escape(keyword)}",
                    )
