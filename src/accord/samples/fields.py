"""Field paths (`customer.email`, `items[].sku`) and what a bundled schema says about them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

JSON = Any
ITEMS = "[]"
TYPES = frozenset({"null", "boolean", "object", "array", "number", "integer", "string"})
_SEGMENT = re.compile(r"[^.\[\]]+(\[\])*")


def parse_path(path: str) -> list[str]:
    """`items[].sku` -> ['items', '[]', 'sku']; ValueError when the path is malformed."""
    if not isinstance(path, str) or not path:
        raise ValueError(f"field path {path!r} must be a non-empty string")
    segments: list[str] = []
    for part in path.split("."):
        if not _SEGMENT.fullmatch(part):
            raise ValueError(
                f"malformed field path {path!r}: use dots between names and [] after an "
                "array, e.g. customer.email or items[].sku"
            )
        name = part.partition("[")[0]
        segments.append(name)
        segments.extend([ITEMS] * part.count(ITEMS))
    return segments


def join_path(segments: list[str]) -> str:
    out = ""
    for segment in segments:
        if segment == ITEMS:
            out += ITEMS
        else:
            out = f"{out}.{segment}" if out else segment
    return out


def resolve_pointer(root: JSON, ref: str) -> JSON:
    """The value a local `#/...` reference points at; KeyError when there is none."""
    target = root
    for token in ref[1:].split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(target, list):
            target = target[int(token)]
        elif isinstance(target, dict):
            target = target[token]
        else:
            raise KeyError(ref)
    return target


def deref(root: JSON, node: JSON) -> JSON:
    """Follow local `$ref`s (`#/...`, the only kind a bundled schema holds) to the target."""
    seen = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if not (ref == "#" or ref.startswith("#/")) or seen > 50:
            return node
        target = root
        for token in ref[1:].split("/")[1:]:
            token = token.replace("~1", "/").replace("~0", "~")
            target = target[int(token)] if isinstance(target, list) else target.get(token)
            if target is None:
                return node
        siblings = {k: v for k, v in node.items() if k != "$ref" and k in _CONSTRAINTS}
        node = {**target, **siblings} if siblings and isinstance(target, dict) else target
        seen += 1
    return node


# Keywords that constrain values; the rest (description, title, x-*) are annotations.
_CONSTRAINTS = frozenset({
    "type", "enum", "const", "properties", "required", "additionalProperties",
    "patternProperties", "items", "prefixItems", "minItems", "maxItems", "uniqueItems",
    "minLength", "maxLength", "pattern", "format", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "multipleOf", "allOf", "anyOf", "oneOf", "not", "minProperties",
    "maxProperties", "propertyNames", "dependentRequired", "if", "then", "else",
})


def branches(root: JSON, node: JSON) -> Iterator[JSON]:
    """The alternatives a value of ``node`` may follow: oneOf/anyOf split, allOf merged."""
    node = deref(root, node)
    if not isinstance(node, dict):
        yield node
        return
    alternatives = node.get("oneOf") or node.get("anyOf")
    base = {k: v for k, v in node.items() if k not in ("oneOf", "anyOf", "allOf")}
    for part in node.get("allOf") or ():
        part = deref(root, part)
        if isinstance(part, dict):
            base = merge(base, part)
    if not alternatives:
        yield base
        return
    for alternative in alternatives:
        for branch in branches(root, alternative):
            yield merge(base, branch) if isinstance(branch, dict) else branch


def merge(a: dict[str, JSON], b: dict[str, JSON]) -> dict[str, JSON]:
    """A schema that (approximately) means both: properties and required are united."""
    out = {**a, **b}
    if "properties" in a and "properties" in b:
        out["properties"] = {**a["properties"], **b["properties"]}
    if "required" in a and "required" in b:
        out["required"] = sorted(set(a["required"]) | set(b["required"]))
    if "type" in a and "type" in b:
        common = types_of_keyword(a["type"]) & types_of_keyword(b["type"])
        out["type"] = sorted(common)
    return out


def types_of_keyword(value: JSON) -> frozenset[str]:
    if isinstance(value, str):
        return frozenset({value})
    if isinstance(value, list):
        return frozenset(t for t in value if isinstance(t, str))
    return TYPES


def json_type(value: JSON) -> str:
    """The JSON type of a Python value (bool before int: True is an int in Python)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def types_of(root: JSON, node: JSON) -> frozenset[str]:
    """Every JSON type a value of ``node`` may have ("integer" only where just integers fit)."""
    found: set[str] = set()
    for branch in branches(root, node):
        if branch is False:
            continue
        if not isinstance(branch, dict):
            return TYPES
        if "const" in branch:
            found.add(json_type(branch["const"]))
        elif isinstance(branch.get("enum"), list):
            found.update(json_type(v) for v in branch["enum"])
        elif "type" in branch:
            found.update(types_of_keyword(branch["type"]))
        else:
            return TYPES
    return frozenset(found)


def covers(expected: frozenset[str], actual: frozenset[str]) -> bool:
    """Does every type in ``actual`` fit ``expected`` (an integer is a number)?"""
    return all(t in expected or (t == "integer" and "number" in expected) for t in actual)


@dataclass(frozen=True, slots=True)
class FieldInfo:
    """What a schema says about one field path."""

    schemas: tuple[JSON, ...]
    """The subschemas a value at the path follows (one per union branch that has it)."""
    required: bool
    """Present in every valid event: required at each level, with no nullable parent."""
    types: frozenset[str]


def lookup(root: JSON, path: str | list[str]) -> FieldInfo | None:
    """The field at ``path`` in ``root``, or None when no branch of the schema declares it."""
    segments = parse_path(path) if isinstance(path, str) else path
    current = [root]
    required = True
    for segment in segments:
        found: list[JSON] = []
        every = True
        for node in current:
            for branch in branches(root, node):
                if not isinstance(branch, dict):
                    every = False
                    continue
                kinds = types_of(root, branch)
                if segment == ITEMS:
                    sub = branch.get("items")
                    if isinstance(sub, dict | bool) and sub is not False:
                        found.append(sub)
                    found.extend(p for p in branch.get("prefixItems") or () if p is not False)
                    if "array" not in kinds or kinds - {"array"}:
                        every = False
                    continue
                properties = branch.get("properties") or {}
                if segment in properties:
                    found.append(properties[segment])
                    if segment not in (branch.get("required") or ()) or kinds - {"object"}:
                        every = False
                else:
                    every = False
        if not found:
            return None
        required = required and every
        current = found
    types: set[str] = set()
    for node in current:
        types |= types_of(root, node)
    return FieldInfo(tuple(current), required, frozenset(types))


def all_paths(root: JSON, limit: int = 6) -> list[str]:
    """Every field path the schema declares, to suggest near misses; recursion cut at ``limit``."""
    out: list[str] = []

    def walk(node: JSON, prefix: list[str], depth: int) -> None:
        if depth > limit:
            return
        for branch in branches(root, node):
            if not isinstance(branch, dict):
                continue
            for name, sub in (branch.get("properties") or {}).items():
                path = [*prefix, name]
                out.append(join_path(path))
                walk(sub, path, depth + 1)
            if "items" in branch and isinstance(branch["items"], dict):
                walk(branch["items"], [*prefix, ITEMS], depth + 1)

    walk(root, [], 0)
    return sorted(set(out))
