"""The walker's view of a schema: a conjunction of keyword-bearing nodes, refs and allOf expanded.

Every instance must satisfy every node of a ``Conj``. ``$ref`` (with its 2020-12 siblings) and
``allOf`` are flattened into that list, so the keyword checks read "the tightest value of a
keyword across the nodes" without caring how the schema was composed.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from accord.governance.compat.refs import Doc
from accord.registry.pointer import escape

# Keywords that never change which instances validate (annotations and structure).
IGNORED = frozenset(
    {
        "$schema", "$id", "$anchor", "$dynamicAnchor", "$defs", "definitions", "$comment",
        "$vocabulary", "$ref", "allOf", "title", "description", "default", "examples",
        "format", "deprecated", "readOnly", "writeOnly", "contentMediaType",
        "contentEncoding", "contentSchema",
    }
)  # fmt: skip

ALL_TYPES = frozenset({"null", "boolean", "object", "array", "string", "integer", "fraction"})
_TYPE_SETS = {
    "null": frozenset({"null"}),
    "boolean": frozenset({"boolean"}),
    "object": frozenset({"object"}),
    "array": frozenset({"array"}),
    "string": frozenset({"string"}),
    "integer": frozenset({"integer"}),
    "number": frozenset({"integer", "fraction"}),
}


@dataclass(frozen=True, slots=True)
class Node:
    """One schema object that carries validation keywords, at its pointer in its document."""

    ptr: str
    schema: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Conj:
    """A conjunction of nodes of one document; no nodes means ``true``."""

    doc: Doc
    ptr: str
    nodes: tuple[Node, ...] = ()
    false: bool = False
    bad_refs: tuple[tuple[str, str], ...] = ()
    # Unions of the A side already distributed into branches ("ptr/anyOf"), and the
    # conjunction they were split from (for naming type changes over the whole union).
    split: frozenset[str] = frozenset()
    origin: Conj | None = None

    @property
    def key(self) -> tuple[object, ...]:
        if self.false:
            return ("false",)
        return (tuple(n.ptr for n in self.nodes), self.bad_refs, self.split)

    @property
    def true(self) -> bool:
        return not self.nodes and not self.false and not self.bad_refs

    def values(self, keyword: str) -> list[tuple[Node, Any]]:
        """Every (node, value) for a keyword, in node order."""
        return [(n, n.schema[keyword]) for n in self.nodes if keyword in n.schema]

    def has(self, keyword: str) -> bool:
        return any(keyword in n.schema for n in self.nodes)

    def where(self, keyword: str) -> str:
        """Pointer of the first node holding ``keyword``, else this conjunction's pointer."""
        for n in self.nodes:
            if keyword in n.schema:
                return n.ptr
        return self.ptr


def meet(doc: Doc, ptr: str, parts: list[Conj]) -> Conj:
    """The conjunction of several conjunctions of the same document."""
    if len(parts) == 1:
        return parts[0]
    nodes: list[Node] = []
    seen: set[str] = set()
    bad: list[tuple[str, str]] = []
    false = False
    split: frozenset[str] = frozenset()
    for part in parts:
        false = false or part.false
        split = split | part.split
        bad.extend(part.bad_refs)
        for n in part.nodes:
            if n.ptr not in seen:
                seen.add(n.ptr)
                nodes.append(n)
    first = nodes[0].ptr if nodes else ptr
    return Conj(doc, first, tuple(nodes), false, tuple(dict.fromkeys(bad)), split)


def conj_at(doc: Doc, ptr: str, schema: Any) -> Conj:
    """The flattened conjunction of the schema found at ``ptr`` (cached per document)."""
    key = ("conj", ptr)
    cached: Conj | None = doc._cache.get(key)
    if cached is not None:
        return cached
    nodes: list[Node] = []
    bad: list[tuple[str, str]] = []
    seen: set[str] = set()
    false = False

    def visit(at: str, s: Any) -> None:
        nonlocal false
        if s is True:
            return
        if s is False:
            false = True
            return
        if not isinstance(s, dict):
            bad.append((at, "<not a schema>"))
            return
        if at in seen:  # a cycle of bare refs/allOf adds no constraint
            return
        seen.add(at)
        ref = s.get("$ref")
        if isinstance(ref, str):
            target = doc.resolve(ref, at)
            if target is None:
                bad.append((at, ref))
            else:
                visit(target[0], target[1])
            if doc.ref_overrides:
                return
        if s.get("not") is True or s.get("not") == {}:
            false = True  # {"not": {}} is the false schema in disguise
        subs = s.get("allOf")
        if isinstance(subs, list):
            for i, sub in enumerate(subs):
                visit(f"{at}/allOf/{i}", sub)
        if any(k not in IGNORED and not k.startswith("x-") for k in s):
            nodes.append(Node(at, s))

    visit(ptr, schema)
    first = nodes[0].ptr if nodes else ptr
    result = Conj(doc, first, tuple(nodes), false, tuple(bad))
    doc._cache[key] = result
    return result


def child(doc: Doc, node: Node, *path: str | int) -> Conj:
    """The conjunction of a subschema below ``node`` (e.g. ``"properties", "name"``)."""
    value: Any = node.schema
    ptr = node.ptr
    for token in path:
        value = value[token]
        ptr = f"{ptr}/{escape(str(token))}"
    return conj_at(doc, ptr, value)


def types(c: Conj) -> frozenset[str]:
    """JSON types the conjunction may accept; ``number`` is split into integer and fraction."""
    if c.false:
        return frozenset()
    result = ALL_TYPES
    for _, value in c.values("type"):
        names = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        allowed: frozenset[str] = frozenset()
        for name in names:
            allowed = allowed | _TYPE_SETS.get(name, frozenset())
        result = result & allowed
    return result


def type_names(ts: frozenset[str]) -> str:
    """Readable type list: integer plus fraction reads as number."""
    names = set(ts)
    if {"integer", "fraction"} <= names:
        names -= {"integer", "fraction"}
        names.add("number")
    names.discard("fraction")
    return "/".join(sorted(names)) or "nothing"


def json_type(value: Any) -> str:
    """The (split) JSON type of a value; 1.0 counts as an integer, as in 2020-12."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "fraction"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def number(value: Any) -> Fraction | None:
    """A JSON number as an exact decimal fraction (``0.1`` is 1/10), or None if not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return Fraction(repr(value))
    return Fraction(value)


def integer_or_none(value: Any) -> int | None:
    """A non-negative integer keyword value (minLength, maxItems, ...), else None."""
    n = number(value)
    if n is None or n.denominator != 1 or n < 0:
        return None
    return int(n)
