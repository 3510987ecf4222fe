"""The field table of one version: every property, nested objects and `$ref`s expanded.

Paths use the same notation as the consumer expectation files (`customer.email`,
`items[].sku`), so a row can be matched with the consumers that rely on it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

JSON = Any
MAX_DEPTH = 16
"""Deeper nesting than this is shown as one row; real payloads stay far shallower."""

_CONSTRAINTS = (
    ("minimum", "≥ {}"), ("exclusiveMinimum", "> {}"), ("maximum", "≤ {}"),
    ("exclusiveMaximum", "< {}"), ("multipleOf", "multiple of {}"),
    ("minLength", "length ≥ {}"), ("maxLength", "length ≤ {}"),
    ("minItems", "items ≥ {}"), ("maxItems", "items ≤ {}"),
    ("minProperties", "properties ≥ {}"), ("maxProperties", "properties ≤ {}"),
)


@dataclass(frozen=True, slots=True)
class Field:
    """One row of the field table. Values are raw: the page escapes them."""

    path: str
    type: str
    required: bool
    constraints: tuple[tuple[str, JSON], ...]
    """(label, value) pairs: a label with a `{}` takes the value, shown as JSON."""
    description: str | None
    ref: str | None = None
    """The shared document or definition the field's schema comes from, if any."""
    deprecated: bool = False


def _pointer(root: JSON, ref: str) -> JSON | None:
    if not ref.startswith("#"):
        return None
    node = root
    for raw in ref[1:].split("/")[1:]:
        key = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return None
    return node


def _ref_name(ref: str) -> str:
    """`#/$defs/_shared.money` -> `_shared.money`; nested pointers keep their tail."""
    tail = ref.removeprefix("#/$defs/").removeprefix("#/definitions/")
    return tail.replace("/$defs/", "#").replace("~1", "/").replace("~0", "~")


def _deref(root: JSON, schema: JSON, seen: tuple[str, ...]) -> tuple[JSON, str | None, bool]:
    """The schema with its `$ref` chain followed; siblings win (2020-12 keeps both)."""
    ref_name = None
    merged = schema
    for _ in range(MAX_DEPTH):
        if not isinstance(merged, dict) or not isinstance(merged.get("$ref"), str):
            break
        ref = merged["$ref"]
        target = _pointer(root, ref)
        if ref in seen:
            # A cycle: describe the schema one level deep, and stop there.
            siblings = {k: v for k, v in merged.items() if k != "$ref"}
            shown = {**target, **siblings} if isinstance(target, dict) else merged
            return shown, _ref_name(ref), True
        if not isinstance(target, dict):
            break
        seen = (*seen, ref)
        ref_name = ref_name or _ref_name(ref)
        merged = {**target, **{k: v for k, v in merged.items() if k != "$ref"}}
    return merged, ref_name, False


def type_of(schema: JSON) -> str:
    """A short type label: `string (date-time)`, `integer | null`, `object`, `any`."""
    if schema is True or schema == {}:
        return "any"
    if schema is False:
        return "nothing"
    if not isinstance(schema, dict):
        return "any"
    if "const" in schema:
        return "const"
    raw = schema.get("type")
    types = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, list) else []
    if not types:
        branches = schema.get("anyOf") or schema.get("oneOf")
        if isinstance(branches, list):
            return " | ".join(dict.fromkeys(type_of(b) for b in branches))
        if "properties" in schema:
            types = ["object"]
        elif "enum" in schema:
            return "enum"
        else:
            return "any"
    label = " | ".join(str(t) for t in types)
    fmt = schema.get("format")
    if isinstance(fmt, str):
        label = label.replace("string", f"string ({fmt})", 1)
    if "array" in types and isinstance(schema.get("items"), dict):
        label = label.replace("array", f"array of {type_of(schema['items'])}", 1)
    return label


def constraints_of(schema: JSON) -> tuple[tuple[str, JSON], ...]:
    if not isinstance(schema, dict):
        return ()
    out: list[tuple[str, JSON]] = []
    out += [(label, schema[key]) for key, label in _CONSTRAINTS if key in schema]
    if isinstance(schema.get("pattern"), str):
        out.append(("pattern {}", schema["pattern"]))
    if isinstance(schema.get("enum"), list):
        out.append(("one of {}", schema["enum"]))
    if "const" in schema:
        out.append(("always {}", schema["const"]))
    if schema.get("uniqueItems") is True:
        out.append(("unique items", None))
    if schema.get("additionalProperties") is False:
        out.append(("closed", None))
    if "default" in schema:
        out.append(("default {}", schema["default"]))
    return tuple(out)


def _object_parts(schema: Mapping[str, JSON]) -> Iterator[tuple[str, JSON, bool]]:
    """(name, schema, required) of the properties, allOf parts included."""
    required = set(schema.get("required") or ())
    properties = schema.get("properties")
    if isinstance(properties, dict):
        for name, sub in properties.items():
            yield name, sub, name in required


def _children(root: JSON, schema: JSON, path: str, depth: int,
              seen: tuple[str, ...]) -> Iterator[Field]:
    """Rows for what lives inside ``schema``: properties, array items, variants."""
    if not isinstance(schema, dict) or depth > MAX_DEPTH:
        return
    parts = [schema]
    for keyword in ("allOf", "anyOf", "oneOf"):
        branches = schema.get(keyword)
        if isinstance(branches, list):
            parts += [_deref(root, b, seen)[0] for b in branches if isinstance(b, dict)]
    emitted: set[str] = set()
    for part in parts:
        for name, sub, required in _object_parts(part):
            child = f"{path}.{name}" if path else name
            if child in emitted:
                continue
            emitted.add(child)
            yield from _field(root, sub, child, required, depth + 1, seen)
    for part in parts:
        items = part.get("items")
        if isinstance(items, dict):
            resolved, ref, recursive = _deref(root, items, seen)
            if recursive:
                yield Field(f"{path}[]", type_of(resolved) + " (recursive)", False, (), None, ref)
                continue
            inner = (*seen, items["$ref"]) if isinstance(items.get("$ref"), str) else seen
            yield from _children(root, resolved, f"{path}[]", depth + 1, inner)
        extra = part.get("additionalProperties")
        if isinstance(extra, dict) and extra:
            yield from _field(root, extra, f"{path}.*" if path else "*", False, depth + 1, seen)


def _typed(root: JSON, schema: JSON, seen: tuple[str, ...]) -> JSON:
    """``schema`` with its variants and items dereferenced, for the type label only.

    Variants and items are often `$ref`s (`anyOf: [{type: null}, {$ref: …}]`).
    """
    if not isinstance(schema, dict):
        return schema
    typed = dict(schema)
    for keyword in ("anyOf", "oneOf"):
        if isinstance(typed.get(keyword), list):
            typed[keyword] = [_deref(root, b, seen)[0] for b in typed[keyword]]
    if isinstance(typed.get("items"), dict):
        typed["items"] = _deref(root, typed["items"], seen)[0]
    return typed


def _field(root: JSON, schema: JSON, path: str, required: bool, depth: int,
           seen: tuple[str, ...]) -> Iterator[Field]:
    resolved, ref, recursive = _deref(root, schema, seen)
    description = resolved.get("description") if isinstance(resolved, dict) else None
    deprecated = isinstance(resolved, dict) and resolved.get("deprecated") is True
    yield Field(
        path=path,
        type=type_of(_typed(root, resolved, seen)) + (" (recursive)" if recursive else ""),
        required=required,
        constraints=constraints_of(resolved) if not recursive else (),
        description=description if isinstance(description, str) else None,
        ref=ref,
        deprecated=deprecated,
    )
    if not recursive:
        if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
            seen = (*seen, schema["$ref"])
        yield from _children(root, resolved, path, depth, seen)


def fields(schema: JSON) -> list[Field]:
    """Every field of a version's resolved schema, in declaration order."""
    root, _, _ = _deref(schema, schema, ())
    return list(_children(schema, root, "", 0, ()))
