"""JSON Schema (2020-12 and draft-07) compiled to Python closures: exact, in memory.

`compile_schema(schema, regex=..., formats=...)` returns a `Compiled` whose `is_valid`
and `errors` answer for every instance. Every keyword of both drafts is implemented,
including the annotation-driven ones (`unevaluatedProperties`, `unevaluatedItems`),
`$dynamicRef` with its dynamic scope, embedded resources (`$id`) and `$anchor`. What
cannot be answered exactly (a reference to a resource outside the schema, an embedded
schema of another draft) raises `Unsupported` when compiling, never a guess at run time.

The two policies that differ between tools are hooks, decided by the caller once:
``regex`` compiles an ECMA-262 pattern to a search function (or raises `Unsupported`),
and ``formats`` maps the asserted format names to checks; other formats annotate only.

This file imports only the standard library: `accord gen python` copies it into each
generated package as ``_schema.py``, so generated classes and Accord's validators run
the same code on the same instance.
"""

from __future__ import annotations

import datetime as _dt
import re
import threading
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any, TypeVar
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

Check = Callable[[Any, tuple[str, ...], "list[tuple[str, str]] | None", "_Ann | None"], bool]
Regex = Callable[[str], Callable[[str], bool]]

EAGER_REFS = 16
"""References compiled in place, one inside the other, before they are deferred."""

ROOT = "urn:accord:schema"
"""The base URI of a schema without a root `$id`."""

_DRAFT7_MARKS = ("draft-07", "draft-06", "draft-04")
_DRAFT_2020 = "https://json-schema.org/draft/2020-12/schema"


class Unsupported(Exception):
    """A schema (at ``pointer``) this compiler cannot answer exactly."""

    def __init__(self, pointer: str, message: str) -> None:
        super().__init__(f"at {pointer or '/'}: {message}")
        self.pointer = pointer
        self.message = message


# -- the format policy: the formats Accord asserts, everywhere ---------------------------

_DT = TypeVar("_DT", bound=_dt.datetime)
_D = TypeVar("_D", bound=_dt.date)

# RFC 3339 date-time; the ranges are then checked by fromisoformat.
_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?"
    r"(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])\Z", re.ASCII).match
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z", re.ASCII).match
_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\Z", re.ASCII).match
_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?\Z", re.ASCII).match


def parse_datetime(text: str, cls: type[_DT]) -> _DT | None:
    """An RFC 3339 date-time as ``cls``, or None."""
    if _DATE_TIME(text) is None:
        return None
    iso = text.upper()
    # fromisoformat keeps at most microseconds: more digits are cut, not refused.
    head, dot, rest = iso.partition(".")
    if dot:
        digits = len(rest) - len(rest.lstrip("0123456789"))
        if digits > 6:
            iso = head + "." + rest[:6] + rest[digits:]
    leap = iso[17:19] == "60"
    if leap:  # RFC 3339 allows a leap second, at 23:59:60 UTC only
        iso = iso[:17] + "59" + iso[19:]
    try:
        value = cls.fromisoformat(iso)
    except ValueError:
        return None
    utc = value.astimezone(_dt.UTC)
    return value if not leap or (utc.hour, utc.minute) == (23, 59) else None


def parse_date(text: str, cls: type[_D]) -> _D | None:
    """An RFC 3339 full-date as ``cls``, or None."""
    if _DATE(text) is None:
        return None
    try:
        return cls.fromisoformat(text)
    except ValueError:
        return None


def is_uuid(text: str) -> bool:
    return _UUID(text) is not None


def is_decimal(text: str) -> bool:
    return _DECIMAL(text) is not None


FORMATS: Mapping[str, Callable[[str], bool]] = {
    "date-time": lambda text: parse_datetime(text, _dt.datetime) is not None,
    "date": lambda text: parse_date(text, _dt.date) is not None,
    "uuid": is_uuid,
    "decimal": is_decimal,
}
"""The asserted formats: those that give a field another type in generated classes. Every
other format is an annotation, as JSON Schema's default says."""


def json_key(value: object) -> object:
    """A hashable key under which two JSON values are equal exactly when JSON says so."""
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, int | float):
        return ("n", value)  # 1 and 1.0 are the same number
    if isinstance(value, str):
        return ("s", value)
    if value is None:
        return ("z",)
    if isinstance(value, list):
        return ("l", tuple(json_key(item) for item in value))
    if isinstance(value, dict):
        return ("d", frozenset((k, json_key(v)) for k, v in value.items()))
    return ("o", id(value))


def is_multiple(value: float, factor: float) -> bool:
    """``value`` is an integer multiple of ``factor``, in decimal as the JSON text reads
    (0.3 is a multiple of 0.1, which float division denies); exact at any magnitude."""
    if isinstance(value, int) and isinstance(factor, int):
        return value % factor == 0
    return (Fraction(repr(value)) / Fraction(repr(factor))).denominator == 1


def _kind(value: object) -> str:
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
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _is_type(value: object, name: str) -> bool:
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "string":
        return isinstance(value, str)
    if name == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if name == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer())
    if name == "boolean":
        return isinstance(value, bool)
    return name == "null" and value is None


def _join(base: str, ref: str) -> str:
    """``ref`` resolved against ``base`` (RFC 3986; `urljoin` alone ignores fragments of
    schemes such as `urn:`)."""
    if ref.startswith("#") or not ref:
        return urldefrag(base)[0] + ref
    if urlsplit(ref).scheme:
        return ref
    return urljoin(base, ref)


def _ptr(path: tuple[str, ...]) -> str:
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in path) or "/"


class _Ann:
    """What one successful evaluation evaluated: property names and array positions."""

    __slots__ = ("all_props", "indexes", "items", "props")

    def __init__(self) -> None:
        self.props: set[str] = set()
        self.all_props = False
        self.items = 0  # a prefix of this length was evaluated
        self.indexes: set[int] = set()

    def merge(self, other: _Ann) -> None:
        self.props |= other.props
        self.all_props = self.all_props or other.all_props
        self.items = max(self.items, other.items)
        self.indexes |= other.indexes


class Compiled:
    """One compiled schema: ``is_valid`` for the hot path, ``errors`` for messages."""

    def __init__(self, check: Check) -> None:
        self._check = check

    def is_valid(self, instance: Any) -> bool:
        return self._check(instance, (), None, None)

    def problems(self, instance: Any, limit: int = 10) -> list[tuple[str, str]]:
        """(JSON pointer, message) pairs, sorted by pointer; [] when valid."""
        if self._check(instance, (), None, None):
            return []
        found: list[tuple[str, str]] = []
        self._check(instance, (), found, None)
        if not found:
            found.append(("/", f"{instance!r} is not valid"))
        return sorted(set(found))[:limit]

    def errors(self, instance: Any, limit: int = 10) -> list[str]:
        """`at /pointer: message` lines, sorted by pointer; [] when valid."""
        return [f"at {where}: {message}" for where, message in self.problems(instance, limit)]


_SUB = ("additionalProperties", "propertyNames", "contains", "not", "if", "then", "else",
        "unevaluatedItems", "unevaluatedProperties", "additionalItems", "items")
_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas",
         "dependencies")
_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems", "items")


class _Compiler:
    def __init__(self, root: Any, regex: Regex, formats: Mapping[str, Callable[[str], bool]]):
        self.root = root
        self.regex = regex
        self.formats = formats
        declared = root.get("$schema", "") if isinstance(root, dict) else ""
        self.draft7 = isinstance(declared, str) and any(m in declared for m in _DRAFT7_MARKS)
        if isinstance(declared, str) and declared and not (
                self.draft7 or declared.rstrip("#") == _DRAFT_2020):
            raise Unsupported("/$schema", f"the dialect {declared!r} is not supported; "
                                          "use draft 2020-12 or draft-07")
        self.resources: dict[str, Any] = {}
        self.anchors: dict[str, Any] = {}
        self.pending: list[tuple[Any, str, str, list[Check]]] = []
        self.following = 0  # references being compiled in place, one inside the other
        self.dynamic: dict[str, Any] = {}
        self.where: dict[int, tuple[str, str]] = {}  # id(node) -> (base, pointer)
        self.memo: dict[tuple[int, str], Check] = {}
        self.uses_dynamic = False
        self.words = tuple(w for w in _KEYWORDS if not (
            (self.draft7 and w in _2020_ONLY) or (not self.draft7 and w in _DRAFT7_ONLY)))
        self._local = threading.local()
        self._index(root, ROOT, "", True)

    @property
    def scope(self) -> list[str]:
        """The dynamic scope: bases of the resources being evaluated, outermost first
        (per thread; kept only when the schema has a `$dynamicRef`)."""
        found: list[str] | None = getattr(self._local, "scope", None)
        if found is None:
            found = self._local.scope = []
        return found

    def entering(self, base: str, check: Check) -> Check:
        """``check``, recording ``base`` in the dynamic scope while it runs."""
        if not self.uses_dynamic:
            return check

        def scoped(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
                   ann: _Ann | None) -> bool:
            scope = self.scope
            if scope and scope[-1] == base:
                return check(inst, path, out, ann)
            scope.append(base)
            try:
                return check(inst, path, out, ann)
            finally:
                scope.pop()

        return scoped

    def drain(self) -> None:
        """Compile every reference target now: a refusal comes when compiling, not later."""
        for node in list(self.dynamic.values()):
            self.compile(node, self.where.get(id(node), (ROOT, ""))[0], "")
        while self.pending:
            node, base, pointer, box = self.pending.pop()
            if not box:
                box.append(self.entering(base, self.compile(node, base, pointer)))

    # -- indexing: every resource, anchor and schema position ---------------------------
    def _index(self, node: Any, base: str, pointer: str, top: bool = False) -> None:
        if isinstance(node, bool) or not isinstance(node, dict):
            return
        if not top and "$schema" in node and node["$schema"] != self.root.get("$schema"):
            raise Unsupported(pointer, "an embedded schema declares another draft")
        ident = node.get("$id")
        if self.draft7 and "$ref" in node:
            ident = None  # draft-07: a $ref's siblings, $id included, are ignored
        if isinstance(ident, str):
            if self.draft7 and ident.startswith("#"):
                self.anchors[_join(base, ident)] = node
            else:
                base = urldefrag(_join(base, ident))[0]
                self.resources[base] = node
                if self.draft7 and "#" in ident and not ident.endswith("#"):
                    self.anchors[_join(base, "#" + ident.split("#", 1)[1])] = node
                pointer = ""  # pointers inside a resource start again from it
        if top:
            self.resources.setdefault(base, node)
        self.where.setdefault(id(node), (base, pointer))
        if not self.draft7:
            for key, table in (("$anchor", self.anchors), ("$dynamicAnchor", self.dynamic)):
                name = node.get(key)
                if isinstance(name, str):
                    table[f"{base}#{name}"] = node
                    self.anchors.setdefault(f"{base}#{name}", node)
            if "$dynamicRef" in node:
                self.uses_dynamic = True
        for key in _SUB:
            if key in node and key != "items":
                self._index(node[key], base, f"{pointer}/{key}")
        for key in _MAPS:
            value = node.get(key)
            if isinstance(value, dict):
                for name, sub in value.items():
                    self._index(sub, base, f"{pointer}/{key}/{_esc(name)}")
        for key in _LISTS:
            value = node.get(key)
            if isinstance(value, list):
                for i, sub in enumerate(value):
                    self._index(sub, base, f"{pointer}/{key}/{i}")
        if isinstance(node.get("items"), dict | bool):
            self._index(node["items"], base, f"{pointer}/items")

    # -- references ---------------------------------------------------------------------
    def resolve(self, ref: str, base: str, pointer: str) -> tuple[Any, str]:
        target = _join(base, ref)
        uri, fragment = urldefrag(target)
        if not fragment or fragment.startswith("/"):
            doc = self.resources.get(uri)
            if doc is None:
                raise Unsupported(pointer, f"$ref {ref!r} names a resource outside the schema")
            node = doc
            for token in unquote(fragment).split("/")[1:]:
                token = token.replace("~1", "/").replace("~0", "~")
                if isinstance(node, dict) and token in node:
                    node = node[token]
                elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                    node = node[int(token)]
                else:
                    raise Unsupported(pointer, f"$ref {ref!r} points at nothing")
            found_base = self.where.get(id(node), (uri, ""))[0]
            return node, found_base
        node = self.anchors.get(f"{uri}#{fragment}")
        if node is None:
            raise Unsupported(pointer, f"$ref {ref!r} names an anchor that does not exist")
        return node, self.where.get(id(node), (uri, ""))[0]

    def _lazy(self, ref: str, base: str, pointer: str) -> Check:
        """The check of ``ref``'s target. Compiled now when few references are being
        followed already: a call less per instance than one that looks it up (a target
        being compiled, a cycle, is `compile`'s forward check). Deeper, it is looked up
        once `drain` has compiled it, so a long chain of references costs no stack here."""
        node, target_base = self.resolve(ref, base, pointer)
        where = f"{pointer}<-{ref}"
        if self.following < EAGER_REFS:
            self.following += 1
            try:
                return self.entering(target_base, self.compile(node, target_base, where))
            finally:
                self.following -= 1
        box: list[Check] = []
        self.pending.append((node, target_base, where, box))

        def follow(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
                   ann: _Ann | None) -> bool:
            return box[0](inst, path, out, ann)

        return follow

    # -- compiling ----------------------------------------------------------------------
    def compile(self, node: Any, base: str, pointer: str) -> Check:
        if node is True or (isinstance(node, dict) and not node):
            return _accept
        if node is False:
            return _reject
        if not isinstance(node, dict):
            raise Unsupported(pointer, f"a schema must be an object or a boolean, not {node!r}")
        key = (id(node), base)
        found = self.memo.get(key)
        if found is not None:
            return found
        box: list[Check] = []

        def forward(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
                    ann: _Ann | None) -> bool:
            return box[0](inst, path, out, ann)

        self.memo[key] = forward
        built = self._object(node, base, pointer)
        box.append(built)
        self.memo[key] = built
        return built

    def _object(self, node: dict[str, Any], base: str, pointer: str) -> Check:
        ident = node.get("$id")
        indexed = self.where.get(id(node))
        if indexed is not None:
            base = indexed[0]  # the index applied any `$id` already
        elif isinstance(ident, str) and not (self.draft7 and ("$ref" in node
                                                               or ident.startswith("#"))):
            base = urldefrag(_join(base, ident))[0]
        if self.draft7 and "$ref" in node:
            ref = node["$ref"]
            if not isinstance(ref, str):
                raise Unsupported(pointer, "$ref must be a string")
            return self._lazy(ref, base, f"{pointer}/$ref")
        if "$recursiveRef" in node or "$recursiveAnchor" in node:
            raise Unsupported(pointer, "$recursiveRef is draft 2019-09; use $dynamicRef")
        checks: list[Check] = []
        late: list[Check] = []
        needs_ann = "unevaluatedProperties" in node or "unevaluatedItems" in node
        for word in self.words:
            if word in node:
                builder = _KEYWORDS[word]
                made = builder(self, node, node[word], base, f"{pointer}/{_esc(word)}")
                if made is not None:
                    (late if word.startswith("unevaluated") else checks).append(made)
        built = _combine(checks, late, needs_ann)
        return self.entering(base, built) if isinstance(ident, str) or node is self.root \
            else built


def _esc(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _accept(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
            ann: _Ann | None) -> bool:
    return True


def _reject(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
            ann: _Ann | None) -> bool:
    if out is not None:
        out.append((_ptr(path), f"False schema does not allow {inst!r}"))
    return False


def _combine(checks: list[Check], late: list[Check], needs_ann: bool) -> Check:
    if not late and not needs_ann:
        if not checks:
            return _accept
        if len(checks) == 1:
            return checks[0]
        if len(checks) <= 4:
            return _all_of_few(checks)

        def all_of(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
                   ann: _Ann | None) -> bool:
            ok = True
            for check in checks:
                if not check(inst, path, out, ann):
                    if out is None:
                        return False
                    ok = False
            return ok

        return all_of

    def annotated(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
                  ann: _Ann | None) -> bool:
        local = _Ann()
        ok = True
        for check in (*checks, *late):
            if not check(inst, path, out, local):
                if out is None:
                    return False
                ok = False
        if ok and ann is not None:
            ann.merge(local)
        return ok

    return annotated


def _all_of_few(checks: list[Check]) -> Check:
    """`_combine` of two to four checks, unrolled: the hot path of most object schemas
    (a type, properties, required, additionalProperties) without a loop per instance."""
    a, b, c, d = (*checks, _accept, _accept)[:4]

    def all_of(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
               ann: _Ann | None) -> bool:
        if out is None:
            return a(inst, path, None, ann) and b(inst, path, None, ann) and \
                c(inst, path, None, ann) and d(inst, path, None, ann)
        ok = a(inst, path, out, ann)
        ok = b(inst, path, out, ann) and ok
        ok = c(inst, path, out, ann) and ok
        return d(inst, path, out, ann) and ok

    return all_of


def _unexpected(kind: str, extras: list[str]) -> str:
    listed = ", ".join(repr(n) for n in extras)
    return (f"{kind} properties are not allowed ({listed} "
            f"{'was' if len(extras) == 1 else 'were'} unexpected)")


def _fail(out: list[tuple[str, str]] | None, path: tuple[str, ...], message: str) -> bool:
    if out is not None:
        out.append((_ptr(path), message))
    return False


# -- keywords: each builder returns a check, or None when it constrains nothing ---------

Builder = Callable[[_Compiler, dict[str, Any], Any, str, str], "Check | None"]


def _number(value: Any, pointer: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Unsupported(pointer, "must be a number")
    return value


def _count(value: Any, pointer: str) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise Unsupported(pointer, "must be a non-negative integer")
    return value


def _type(c: _Compiler, node: dict[str, Any], value: Any, base: str, pointer: str) -> Check:
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise Unsupported(pointer, "type must be a name or a list of names")
    shown = ", ".join(repr(n) for n in names)
    plain = tuple(_PLAIN_TYPES[n] for n in names if n in _PLAIN_TYPES)
    if len(plain) == len(names) and "boolean" not in names:
        # Python types that say it alone (bool is an int, so integer and number cannot).
        def plain_check(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
                        ann: _Ann | None) -> bool:
            if isinstance(inst, plain):
                return True
            return _fail(out, path, f"{inst!r} is not of type {shown}")

        return plain_check

    def check(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
              ann: _Ann | None) -> bool:
        for name in names:
            if _is_type(inst, name):
                return True
        return _fail(out, path, f"{inst!r} is not of type {shown}")

    return check


_PLAIN_TYPES: dict[str, type] = {"string": str, "object": dict, "array": list,
                                 "null": type(None)}


def _enum(c: _Compiler, node: dict[str, Any], value: Any, base: str, pointer: str) -> Check:
    if not isinstance(value, list):
        raise Unsupported(pointer, "enum must be a list")
    allowed = {json_key(v) for v in value}

    def check(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
              ann: _Ann | None) -> bool:
        return json_key(inst) in allowed or _fail(out, path, f"{inst!r} is not one of {value!r}")

    return check


def _const(c: _Compiler, node: dict[str, Any], value: Any, base: str, pointer: str) -> Check:
    wanted = json_key(value)

    def check(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
              ann: _Ann | None) -> bool:
        return json_key(inst) == wanted or _fail(out, path, f"{value!r} was expected")

    return check


def _bound(test: Callable[[float, float], bool], says: str) -> Builder:
    def build(c: _Compiler, node: dict[str, Any], value: Any, base: str,
              pointer: str) -> Check:
        limit = _number(value, pointer)

        def check(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
                  ann: _Ann | None) -> bool:
            if isinstance(inst, bool) or not isinstance(inst, int | float) or test(inst, limit):
                return True
            return _fail(out, path, f"{inst!r} is {says} {limit!r}")

        return check

    return build


def _multiple_of(c: _Compiler, node: dict[str, Any], value: Any, base: str,
                 pointer: str) -> Check:
    factor = _number(value, pointer)
    if factor <= 0:
        raise Unsupported(pointer, "multipleOf must be greater than 0")

    def check(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
              ann: _Ann | None) -> bool:
        if isinstance(inst, bool) or not isinstance(inst, int | float) or is_multiple(
                inst, factor):
            return True
        return _fail(out, path, f"{inst!r} is not a multiple of {factor!r}")

    return check


def _length(most: bool) -> Builder:
    def build(c: _Compiler, node: dict[str, Any], value: Any, base: str,
              pointer: str) -> Check:
        limit = _count(value, pointer)

        def check(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
                  ann: _Ann | None) -> bool:
            if not isinstance(inst, str) or (len(inst) <= limit if most else len(inst) >= limit):
                return True
            return _fail(out, path, f"{inst!r} is too {'long' if most else 'short'}")

        return check

    return build


def _size(kind: type[list[Any]] | type[dict[str, Any]], most: bool, noun: str) -> Builder:
    def build(c: _Compiler, node: dict[str, Any], value: Any, base: str,
              pointer: str) -> Check:
        limit = _count(value, pointer)
        says = f"has more than {limit} {noun}" if most else f"has fewer than {limit} {noun}"

        def check(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
                  ann: _Ann | None) -> bool:
            if not isinstance(inst, kind) or (len(inst) <= limit if most else len(inst) >= limit):
                return True
            return _fail(out, path, f"{_kind(inst)} {says}")

        return check

    return build


def _pattern(c: _Compiler, node: dict[str, Any], value: Any, base: str, pointer: str) -> Check:
    if not isinstance(value, str):
        raise Unsupported(pointer, "pattern must be a string")
    search = _regex(c, value, pointer)

    def check(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
              ann: _Ann | None) -> bool:
        if not isinstance(inst, str) or search(inst):
            return True
        return _fail(out, path, f"{inst!r} does not match {value!r}")

    return check


def _regex(c: _Compiler, pattern: str, pointer: str) -> Callable[[str], bool]:
    try:
        return c.regex(pattern)
    except Unsupported as exc:
        raise Unsupported(pointer, exc.message) from None


def _format(c: _Compiler, node: dict[str, Any], value: Any, base: str,
            pointer: str) -> Check | None:
    test = c.formats.get(value) if isinstance(value, str) else None
    if test is None:
        return None

    def check(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
              ann: _Ann | None) -> bool:
        if not isinstance(inst, str) or test(inst):
            return True
        return _fail(out, path, f"{inst!r} is not a {value!r}")

    return check


def _unique(c: _Compiler, node: dict[str, Any], value: Any, base: str,
            pointer: str) -> Check | None:
    if value is not True:
        return None

    def check(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
              ann: _Ann | None) -> bool:
        if not isinstance(inst, list):
            return True
        seen: set[object] = set()
        for item in inst:
            key = json_key(item)
            if key in seen:
                return _fail(out, path, f"{inst!r} has non-unique elements")
            seen.add(key)
        return True

    return check


def _required(c: _Compiler, node: dict[str, Any], value: Any, base: str,
              pointer: str) -> Check:
    if not isinstance(value, list) or not all(isinstance(n, str) for n in value):
        raise Unsupported(pointer, "required must be a list of names")
    names = tuple(value)

    def check(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
              ann: _Ann | None) -> bool:
        if not isinstance(inst, dict):
            return True
        ok = True
        for name in names:
            if name not in inst:
                ok = _fail(out, path, f"{name!r} is a required property")
                if out is None:
                    return False
        return ok

    return check


def _dependent_required(c: _Compiler, node: dict[str, Any], value: Any, base: str,
                        pointer: str) -> Check:
    if not isinstance(value, dict) or not all(
            isinstance(v, list) and all(isinstance(n, str) for n in v) for v in value.values()):
        raise Unsupported(pointer, "dependentRequired must map names to lists of names")

    def check(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
              ann: _Ann | None) -> bool:
        if not isinstance(inst, dict):
            return True
        ok = True
        for name, needed in value.items():
            if name in inst:
                for other in needed:
                    if other not in inst:
                        ok = _fail(out, path, f"{other!r} is a dependency of {name!r}")
                        if out is None:
                            return False
        return ok

    return check


def _schemas_map(c: _Compiler, value: Any, base: str, pointer: str) -> dict[str, Check]:
    if not isinstance(value, dict):
        raise Unsupported(pointer, "must be an object of schemas")
    return {name: c.compile(sub, base, f"{pointer}/{_esc(name)}") for name, sub in value.items()}


def _dependent_schemas(c: _Compiler, node: dict[str, Any], value: Any, base: str,
                       pointer: str) -> Check:
    subs = _schemas_map(c, value, base, pointer)

    def check(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
              ann: _Ann | None) -> bool:
        if not isinstance(inst, dict):
            return True
        ok = True
        for name, sub in subs.items():
            if name in inst and not sub(inst, path, out, ann):
                if out is None:
                    return False
                ok = False
        return ok

    return check


def _dependencies(c: _Compiler, node: dict[str, Any], value: Any, base: str,
                  pointer: str) -> Check:
    """draft-07: a list of names is dependentRequired, a schema is dependentSchemas."""
    if not isinstance(value, dict):
        raise Unsupported(pointer, "dependencies must be an object")
    names = {k: v for k, v in value.items() if isinstance(v, list)}
    schemas = {k: v for k, v in value.items() if not isinstance(v, list)}
    parts = [_dependent_required(c, node, names, base, pointer),
             _dependent_schemas(c, node, schemas, base, pointer)]
    return _combine(parts, [], False)


def _properties(c: _Compiler, node: dict[str, Any], value: Any, base: str,
                pointer: str) -> Check:
    subs = _schemas_map(c, value, base, pointer)

    def check(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
              ann: _Ann | None) -> bool:
        if not isinstance(inst, dict):
            return True
        ok = True
        for name, sub in subs.items():
            if name in inst:
                if not sub(inst[name], path if out is None else (*path, name), out, None):
                    if out is None:
                        return False
                    ok = False
                elif ann is not None:
                    ann.props.add(name)
        return ok

    return check


def _pattern_properties(c: _Compiler, node: dict[str, Any], value: Any, base: str,
                        pointer: str) -> Check:
    subs = [(_regex(c, p, f"{pointer}/{_esc(p)}"), sub)
            for p, sub in _schemas_map(c, value, base, pointer).items()]

    def check(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
              ann: _Ann | None) -> bool:
        if not isinstance(inst, dict):
            return True
        ok = True
        for search, sub in subs:
            for name, item in inst.items():
                if search(name):
                    if not sub(item, path if out is None else (*path, name), out, None):
                        if out is None:
                            return False
                        ok = False
                    elif ann is not None:
                        ann.props.add(name)
        return ok

    return check


def _additional_properties(c: _Compiler, node: dict[str, Any], value: Any, base: str,
                           pointer: str) -> Check:
    sub = c.compile(value, base, pointer)
    declared = node.get("properties", {})
    declared = frozenset(declared) if isinstance(declared, dict) else frozenset()
    raw = node.get("patternProperties", {})
    parent = pointer.rsplit("/", 1)[0]
    searches = [_regex(c, p, f"{parent}/patternProperties/{_esc(p)}") for p in raw] \
        if isinstance(raw, dict) else []

    def check(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
              ann: _Ann | None) -> bool:
        if not isinstance(inst, dict):
            return True
        ok = True
        extras = []
        for name, item in inst.items():
            if name in declared or any(s(name) for s in searches):
                continue
            if value is False:
                extras.append(name)
                continue
            if not sub(item, path if out is None else (*path, name), out, None):
                if out is None:
                    return False
                ok = False
            elif ann is not None:
                ann.props.add(name)
        if extras:
            return _fail(out, path, _unexpected("Additional", extras))
        return ok

    return check


def _property_names(c: _Compiler, node: dict[str, Any], value: Any, base: str,
                    pointer: str) -> Check:
    sub = c.compile(value, base, pointer)

    def check(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
              ann: _Ann | None) -> bool:
        if not isinstance(inst, dict):
            return True
        ok = True
        for name in inst:
            if not sub(name, path, None, None):
                if out is None:
                    return False
                ok = _fail(out, path, f"property name {name!r} is not valid")
        return ok

    return check


def _unevaluated_properties(c: _Compiler, node: dict[str, Any], value: Any, base: str,
                            pointer: str) -> Check:
    sub = c.compile(value, base, pointer)

    def check(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
              ann: _Ann | None) -> bool:
        if not isinstance(inst, dict) or ann is None or ann.all_props:
            return True
        ok = True
        extras = []
        for name, item in inst.items():
            if name in ann.props:
                continue
            if value is False:
                extras.append(name)
            elif not sub(item, path if out is None else (*path, name), out, None):
                if out is None:
                    return False
                ok = False
        if extras:
            return _fail(out, path, _unexpected("Unevaluated", extras))
        if ok:
            ann.all_props = True
        return ok

    return check


def _prefix_items(c: _Compiler, node: dict[str, Any], value: Any, base: str,
                  pointer: str) -> Check:
    if not isinstance(value, list):
        raise Unsupported(pointer, "must be a list of schemas")
    subs = [c.compile(s, base, f"{pointer}/{i}") for i, s in enumerate(value)]

    def check(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
              ann: _Ann | None) -> bool:
        if not isinstance(inst, list):
            return True
        ok = True
        for i, (sub, item) in enumerate(zip(subs, inst, strict=False)):
            if not sub(item, path if out is None else (*path, str(i)), out, None):
                if out is None:
                    return False
                ok = False
        if ok and ann is not None:
            ann.items = max(ann.items, min(len(subs), len(inst)))
        return ok

    return check


def _rest(sub: Check, start: int) -> Check:
    def check(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
              ann: _Ann | None) -> bool:
        if not isinstance(inst, list):
            return True
        ok = True
        for i in range(start, len(inst)):
            if not sub(inst[i], path if out is None else (*path, str(i)), out, None):
                if out is None:
                    return False
                ok = False
        if ok and ann is not None and len(inst) > start:
            ann.items = 1 << 62
        return ok

    return check


def _items(c: _Compiler, node: dict[str, Any], value: Any, base: str, pointer: str) -> Check:
    if c.draft7 and isinstance(value, list):
        prefix = _prefix_items(c, node, value, base, pointer)
        extra = node.get("additionalItems", True)
        if extra is True:
            return prefix
        return _combine([prefix, _rest(c.compile(extra, base, pointer.rsplit("/", 1)[0]
                                               + "/additionalItems"), len(value))], [],
                        False)
    prefix_len = 0
    if not c.draft7:
        prefixes = node.get("prefixItems", [])
        prefix_len = len(prefixes) if isinstance(prefixes, list) else 0
    return _rest(c.compile(value, base, pointer), prefix_len)


def _contains(c: _Compiler, node: dict[str, Any], value: Any, base: str,
              pointer: str) -> Check:
    sub = c.compile(value, base, pointer)
    at_least, at_most = 1, None
    if not c.draft7:
        parent = pointer.rsplit("/", 1)[0]
        if "minContains" in node:
            at_least = _count(node["minContains"], f"{parent}/minContains")
        if "maxContains" in node:
            at_most = _count(node["maxContains"], f"{parent}/maxContains")

    def check(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
              ann: _Ann | None) -> bool:
        if not isinstance(inst, list):
            return True
        hits = [i for i, item in enumerate(inst) if sub(item, path, None, None)]
        if len(hits) < at_least:
            return _fail(out, path, f"{inst!r} does not contain enough items matching "
                                    "the given schema")
        if at_most is not None and len(hits) > at_most:
            return _fail(out, path, f"{inst!r} contains too many items matching the "
                                    "given schema")
        if ann is not None:
            ann.indexes.update(hits)
        return True

    return check


def _unevaluated_items(c: _Compiler, node: dict[str, Any], value: Any, base: str,
                       pointer: str) -> Check:
    sub = c.compile(value, base, pointer)

    def check(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
              ann: _Ann | None) -> bool:
        if not isinstance(inst, list) or ann is None:
            return True
        ok = True
        for i in range(ann.items, len(inst)):
            if i in ann.indexes:
                continue
            if not sub(inst[i], path if out is None else (*path, str(i)), out, None):
                if out is None:
                    return False
                ok = _fail(out, path, f"unevaluated item {i} is not allowed")
        if ok:
            ann.items = 1 << 62
        return ok

    return check


def _subschemas(c: _Compiler, value: Any, base: str, pointer: str) -> list[Check]:
    if not isinstance(value, list) or not value:
        raise Unsupported(pointer, "must be a non-empty list of schemas")
    return [c.compile(s, base, f"{pointer}/{i}") for i, s in enumerate(value)]


def _all_of(c: _Compiler, node: dict[str, Any], value: Any, base: str, pointer: str) -> Check:
    return _combine(_subschemas(c, value, base, pointer), [], False)


def _any_of(c: _Compiler, node: dict[str, Any], value: Any, base: str, pointer: str) -> Check:
    subs = _subschemas(c, value, base, pointer)

    def check(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
              ann: _Ann | None) -> bool:
        ok = False
        for sub in subs:
            if ann is None:
                if sub(inst, path, None, None):
                    return True
                continue
            local = _Ann()
            if sub(inst, path, None, local):
                ann.merge(local)  # every valid option's annotations count
                ok = True
        return ok or _fail(out, path, f"{inst!r} is not valid under any of the given schemas")

    return check


def _one_of(c: _Compiler, node: dict[str, Any], value: Any, base: str, pointer: str) -> Check:
    subs = _subschemas(c, value, base, pointer)

    def check(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
              ann: _Ann | None) -> bool:
        found: _Ann | None = None
        hits = 0
        for sub in subs:
            local = _Ann() if ann is not None else None
            if sub(inst, path, None, local):
                hits += 1
                if hits > 1:
                    return _fail(out, path, f"{inst!r} is valid under more than one of the "
                                            "given schemas")
                found = local
        if hits == 0:
            return _fail(out, path, f"{inst!r} is not valid under any of the given schemas")
        if ann is not None and found is not None:
            ann.merge(found)
        return True

    return check


def _not(c: _Compiler, node: dict[str, Any], value: Any, base: str, pointer: str) -> Check:
    sub = c.compile(value, base, pointer)

    def check(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
              ann: _Ann | None) -> bool:
        if sub(inst, path, None, None):
            return _fail(out, path, f"{inst!r} should not be valid under {value!r}")
        return True

    return check


def _if(c: _Compiler, node: dict[str, Any], value: Any, base: str, pointer: str) -> Check | None:
    parent = pointer.rsplit("/", 1)[0]
    test = c.compile(value, base, pointer)
    then = c.compile(node["then"], base, f"{parent}/then") if "then" in node else None
    other = c.compile(node["else"], base, f"{parent}/else") if "else" in node else None

    def check(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
              ann: _Ann | None) -> bool:
        if then is None and other is None and ann is None:
            return True
        local = _Ann() if ann is not None else None
        if test(inst, path, None, local):
            if ann is not None and local is not None:
                ann.merge(local)
            return then is None or then(inst, path, out, ann)
        return other is None or other(inst, path, out, ann)

    return check


def _ref(c: _Compiler, node: dict[str, Any], value: Any, base: str, pointer: str) -> Check:
    if not isinstance(value, str):
        raise Unsupported(pointer, "$ref must be a string")
    return c._lazy(value, base, pointer)


def _dynamic_ref(c: _Compiler, node: dict[str, Any], value: Any, base: str,
                 pointer: str) -> Check:
    if not isinstance(value, str):
        raise Unsupported(pointer, "$dynamicRef must be a string")
    static, static_base = c.resolve(value, base, pointer)
    fragment = urldefrag(_join(base, value))[1]
    anchored = (isinstance(static, dict) and fragment and not fragment.startswith("/")
                and static.get("$dynamicAnchor") == fragment)
    if not anchored:
        return c._lazy(value, base, pointer)
    c._lazy(value, base, pointer)  # compiled with the others, so a refusal comes now

    def check(inst: Any, path: tuple[str, ...], out: list[tuple[str, str]] | None,
              ann: _Ann | None) -> bool:
        target, target_base = static, static_base
        for outer in c.scope:
            found = c.dynamic.get(f"{outer}#{fragment}")
            if found is not None:
                target, target_base = found, c.where.get(id(found), (outer, ""))[0]
                break
        follow = c.entering(target_base, c.compile(target, target_base, pointer))
        return follow(inst, path, out, ann)

    return check


_KEYWORDS: dict[str, Builder] = {
    "$ref": _ref, "$dynamicRef": _dynamic_ref,
    "type": _type, "enum": _enum, "const": _const,
    "minimum": _bound(lambda v, m: v >= m, "less than the minimum of"),
    "maximum": _bound(lambda v, m: v <= m, "greater than the maximum of"),
    "exclusiveMinimum": _bound(lambda v, m: v > m, "less than or equal to the minimum of"),
    "exclusiveMaximum": _bound(lambda v, m: v < m,
                               "greater than or equal to the maximum of"),
    "multipleOf": _multiple_of,
    "minLength": _length(False), "maxLength": _length(True),
    "pattern": _pattern, "format": _format,
    "minItems": _size(list, False, "items"), "maxItems": _size(list, True, "items"),
    "uniqueItems": _unique,
    "minProperties": _size(dict, False, "properties"),
    "maxProperties": _size(dict, True, "properties"),
    "required": _required, "dependentRequired": _dependent_required,
    "dependentSchemas": _dependent_schemas, "dependencies": _dependencies,
    "properties": _properties, "patternProperties": _pattern_properties,
    "additionalProperties": _additional_properties, "propertyNames": _property_names,
    "prefixItems": _prefix_items, "items": _items, "contains": _contains,
    "allOf": _all_of, "anyOf": _any_of, "oneOf": _one_of, "not": _not, "if": _if,
    "unevaluatedProperties": _unevaluated_properties, "unevaluatedItems": _unevaluated_items,
}
_DRAFT7_ONLY = frozenset({"dependencies"})
_2020_ONLY = frozenset({"$dynamicRef", "dependentRequired", "dependentSchemas", "prefixItems",
                        "unevaluatedProperties", "unevaluatedItems"})


KEYWORDS = frozenset(_KEYWORDS) | {"additionalItems", "minContains", "maxContains", "then",
                                   "else", "$recursiveRef", "$recursiveAnchor"}
"""Every keyword that constrains an instance, in either draft."""


def compile_schema(schema: Any, *, regex: Regex,
                   formats: Mapping[str, Callable[[str], bool]] | None = None,
                   pointer: str = "") -> Compiled:
    """``schema`` compiled (or its subschema at JSON ``pointer``, with references resolved
    as in the whole); `Unsupported` names what cannot be answered exactly."""
    compiler = _Compiler(schema, regex, formats or {})
    if pointer:
        node, base = compiler.resolve("#" + pointer, ROOT, pointer)
        check = compiler.entering(base, compiler.compile(node, base, pointer))
    else:
        check = compiler.compile(schema, ROOT, "")
    compiler.drain()
    return Compiled(check)
