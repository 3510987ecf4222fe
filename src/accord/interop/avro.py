"""Avro schemas as the equivalent JSON Schema, for AsyncAPI messages that carry Avro.

The JSON Schema describes an Avro value as plain JSON:
- a record is an object with all its fields (an Avro writer writes every one; a default
  is kept as ``default``) and no others;
- a union's value is one of its branches (not Avro's ``{"type": value}`` JSON encoding);
- ``bytes`` and ``fixed`` are strings of code points 0-255, as Avro's JSON encoding writes
  them; ``int`` and ``long`` are integers within their 32 and 64 bits;
- named types become ``definitions`` referenced by their full name, so recursive records
  work.
"""

from __future__ import annotations

from typing import Any

from accord.errors import AccordError

JSON = Any
INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)
_PRIMITIVES: dict[str, dict[str, Any]] = {
    "null": {"type": "null"},
    "boolean": {"type": "boolean"},
    "int": {"type": "integer", "minimum": INT32[0], "maximum": INT32[1]},
    "long": {"type": "integer", "minimum": INT64[0], "maximum": INT64[1]},
    "float": {"type": "number"},
    "double": {"type": "number"},
    "bytes": {"type": "string", "pattern": "^[\\u0000-\\u00ff]*$"},
    "string": {"type": "string"},
}
NOTE = ("converted from Avro: the schema describes the record's values as plain JSON (a "
        "union's value unwrapped, bytes as a string of code points 0-255)")


class AvroError(AccordError):
    """An Avro schema that is malformed or names a type it never defines."""


class _Converter:
    def __init__(self) -> None:
        self.definitions: dict[str, JSON] = {}
        self.root: str | None = None

    def convert(self, node: JSON, namespace: str | None) -> JSON:
        if isinstance(node, list):
            return {"anyOf": [self.convert(branch, namespace) for branch in node]}
        if isinstance(node, str):
            return self._named_or_primitive(node, namespace)
        if not isinstance(node, dict) or "type" not in node:
            raise AvroError(f"not an Avro schema: {node!r}"[:200])
        kind = node["type"]
        if kind in ("record", "error", "enum", "fixed"):
            return self._named(node, namespace)
        if kind == "array":
            return {"type": "array", "items": self.convert(node.get("items"), namespace)}
        if kind == "map":
            return {"type": "object",
                    "additionalProperties": self.convert(node.get("values"), namespace)}
        if isinstance(kind, str) and kind in _PRIMITIVES:
            # Logical types keep their underlying type: Avro libraries take any string as
            # a `uuid` (fastavro writes uuid4().hex, no dashes), any long as a timestamp.
            return dict(_PRIMITIVES[kind])
        return self.convert(kind, namespace)  # {"type": "string"} or {"type": {...}}

    def _named_or_primitive(self, name: str, namespace: str | None) -> JSON:
        if name in _PRIMITIVES:
            return dict(_PRIMITIVES[name])
        full = name if "." in name or not namespace else f"{namespace}.{name}"
        for candidate in (full, name):
            if candidate == self.root:
                return {"$ref": "#"}
            if candidate in self.definitions:
                return {"$ref": f"#/definitions/{candidate}"}
        raise AvroError(f"Avro type {name!r} is used before it is defined, or never is")

    def _named(self, node: dict[str, Any], namespace: str | None) -> JSON:
        name = node.get("name")
        if not isinstance(name, str) or not name:
            raise AvroError(f"an Avro {node['type']} needs a name")
        space = node.get("namespace", namespace)
        full = name if "." in name or not space else f"{space}.{name}"
        inner_space = full.rpartition(".")[0] or None
        root = self.root is None
        if root:
            self.root = full
        else:
            self.definitions[full] = {}  # a placeholder: a field may refer back to it
        body = self._body(node, inner_space)
        if root:
            return body
        self.definitions[full] = body
        return {"$ref": f"#/definitions/{full}"}

    def _body(self, node: dict[str, Any], namespace: str | None) -> JSON:
        kind = node["type"]
        out: dict[str, Any] = {}
        if isinstance(node.get("doc"), str):
            out["description"] = node["doc"]
        if kind == "enum":
            symbols = node.get("symbols")
            if not isinstance(symbols, list) or not symbols:
                raise AvroError(f"enum {node['name']!r} has no symbols")
            return {**out, "type": "string", "enum": list(symbols)}
        if kind == "fixed":
            size = node.get("size")
            if not isinstance(size, int):
                raise AvroError(f"fixed {node['name']!r} has no size")
            return {**out, **_PRIMITIVES["bytes"], "minLength": size, "maxLength": size}
        fields = node.get("fields")
        if not isinstance(fields, list):
            raise AvroError(f"record {node['name']!r} has no fields")
        properties: dict[str, Any] = {}
        required = []
        for f in fields:
            if not isinstance(f, dict) or not isinstance(f.get("name"), str):
                raise AvroError(f"record {node['name']!r} has a field without a name")
            schema = self.convert(f.get("type"), namespace)
            if isinstance(f.get("doc"), str) and "$ref" not in schema:
                schema = {"description": f["doc"], **schema}
            if "default" in f and "$ref" not in schema:
                schema = {**schema, "default": f["default"]}
            properties[f["name"]] = schema
            required.append(f["name"])
        out.update(type="object", properties=properties)
        if required:
            out["required"] = required
        out["additionalProperties"] = False
        return out


def to_json_schema(avro: JSON) -> dict[str, Any]:
    """The JSON Schema (draft-07 keywords) equivalent of an Avro schema."""
    converter = _Converter()
    schema = converter.convert(avro, None)
    if converter.definitions:
        schema = {**schema, "definitions": converter.definitions}
    if not isinstance(schema, dict):
        raise AvroError("an Avro schema converts to a schema object")
    return schema
