"""Object keywords: properties, required, additionalProperties, patternProperties,
min/maxProperties and dependentRequired, including the open/closed content model."""

from __future__ import annotations

from itertools import combinations
from typing import TYPE_CHECKING, Any

from accord.governance.compat.conj import Conj, child, meet
from accord.governance.compat.strings import counts
from accord.registry.pointer import escape
from accord.validation import regex
from accord.validation.regex import PatternUnsupported

if TYPE_CHECKING:
    from accord.governance.compat.inclusion import Finding, Walk

_ABSENT = object()
_MAX_PATTERNS = 4  # regions are all subsets of the patterns: 2**4 checks at most


class Undecided(Exception):
    """A pattern could not be compiled, so whether it matches a name is unknown."""


def _props(schema: dict[str, Any], keyword: str) -> dict[str, Any]:
    value = schema.get(keyword)
    return value if isinstance(value, dict) else {}


def _matches(pattern: str, name: str) -> bool:
    try:
        return regex.search(pattern, name)
    except (PatternUnsupported, TypeError) as exc:
        raise Undecided(pattern) from exc


def prop(c: Conj, name: str, *, closed_if_undeclared: bool) -> tuple[Conj, bool]:
    """(the conjunction a value of property ``name`` must satisfy, whether any node declares it).

    ``closed_if_undeclared`` is the assume-absent policy on the producing side: a property no
    node declares, with no explicit additionalProperties, is never sent.
    """
    parts: list[Conj] = []
    declared = explicit = False
    for n in c.nodes:
        matched = False
        if name in _props(n.schema, "properties"):
            parts.append(child(c.doc, n, "properties", name))
            matched = declared = True
        for pattern in _props(n.schema, "patternProperties"):
            if _matches(pattern, name):
                parts.append(child(c.doc, n, "patternProperties", pattern))
                matched = declared = True
        if not matched and "additionalProperties" in n.schema:
            parts.append(child(c.doc, n, "additionalProperties"))
            explicit = True
    where = f"{c.ptr}/properties/{escape(name)}"
    if closed_if_undeclared and not declared and not explicit:
        return Conj(c.doc, where, false=True), False
    return (meet(c.doc, where, parts) if parts else Conj(c.doc, where)), declared


def required(c: Conj) -> set[str]:
    return {p for _, req in c.values("required") if isinstance(req, list) for p in req}


def dependent_required(c: Conj) -> list[tuple[str, str, list[str]]]:
    """(node pointer, property, names required with it), by draft."""
    keyword = "dependencies" if c.doc.draft <= 7 else "dependentRequired"
    out = []
    for n, deps in c.values(keyword):
        if isinstance(deps, dict):
            out += [(n.ptr, p, names) for p, names in deps.items() if isinstance(names, list)]
    return out


def check(w: Walk, a: Conj, b: Conj) -> list[Finding]:
    out = counts(w, a, b, "properties", "minProperties", "maxProperties")
    a_required = required(a)
    for node, req in b.values("required"):
        for name in req if isinstance(req, list) else []:
            if name not in a_required:
                kind = "required-added" if w.a_is_old else "required-removed"
                a_ptr = a.where("required") + ("/required" if a.has("required") else "")
                out.append(
                    w.finding(
                        kind,
                        a_ptr,
                        node.ptr + "/required",
                        f"{w.b_name} requires {name!r}; {w.a_name} does not",
                    )
                )
                a_required.add(name)  # one finding per name
    a_deps = {(p, q) for _, p, names in dependent_required(a) for q in names}
    for ptr, p, names in dependent_required(b):
        for q in names:
            if q in a_required or (p, q) in a_deps:
                continue
            kind = "dependent-required-added" if w.a_is_old else "dependent-required-removed"
            msg = f"{w.b_name} requires {q!r} whenever {p!r} is present; {w.a_name} does not"
            out.append(w.finding(kind, a.ptr, ptr, msg))
    try:
        out += _properties(w, a, b)
        out += _remainder(w, a, b)
    except Undecided as exc:
        out.append(w.unprovable(a, b.ptr, f"patternProperties {exc.args[0]!r} (bad regex)"))
    return out


def _properties(w: Walk, a: Conj, b: Conj) -> list[Finding]:
    names: dict[str, None] = {}
    for c in (a, b):
        for n in c.nodes:
            names.update(dict.fromkeys(_props(n.schema, "properties")))
    out: list[Finding] = []
    simple = len(a.nodes) == 1 and len(b.nodes) == 1
    if simple:
        a_node, b_node = a.nodes[0].schema, b.nodes[0].schema
        simple = "patternProperties" not in a_node and "patternProperties" not in b_node
    for name in sorted(names):
        if simple:
            # Fast path: the same subschema under the same name on both sides.
            a_sub = _props(a_node, "properties").get(name, _ABSENT)
            b_sub = _props(b_node, "properties").get(name, _ABSENT)
            if a_sub is not _ABSENT and b_sub is not _ABSENT and w.same(a_sub, b_sub):
                continue
        a_value, a_declared = prop(a, name, closed_if_undeclared=w.assume_absent)
        b_value, b_declared = prop(b, name, closed_if_undeclared=False)
        fails = w.descend(a_value, b_value)
        if not fails:
            continue
        if a_declared == b_declared:
            out += fails
            continue
        only_new = b_declared if w.a_is_old else a_declared
        kind = "property-added" if only_new else "property-removed"
        a_name, b_name, reason = w.a_name, w.b_name, fails[0].message
        if b_declared and a_value.true:
            msg = (
                f"{a_name}'s open content model lets {a_name} instances carry {name!r} with "
                f"any value; {b_name} constrains it ({reason})"
            )
        elif b_declared:
            msg = f"{a_name} covers {name!r} only by additional/pattern properties ({reason})"
        elif b_value.false:
            msg = f"{b_name} does not allow {name!r} (closed content model); {a_name} does"
        else:
            msg = f"{b_name} covers {name!r} only by additional/pattern properties ({reason})"
        out.append(w.finding(kind, _declared_at(a, name), _declared_at(b, name), msg))
    return out


def _declared_at(c: Conj, name: str) -> str | None:
    """Pointer of the property's own declaration (not of the schema a $ref leads to)."""
    for n in c.nodes:
        if name in _props(n.schema, "properties"):
            return f"{n.ptr}/properties/{escape(name)}"
    for n in c.nodes:
        for pattern in _props(n.schema, "patternProperties"):
            if _matches(pattern, name):
                return f"{n.ptr}/patternProperties/{escape(pattern)}"
    return None


def _patterns(c: Conj) -> set[str]:
    return {p for n in c.nodes for p in _props(n.schema, "patternProperties")}


def _rest(c: Conj, region: frozenset[str], *, closed_if_undeclared: bool) -> Conj:
    """What an undeclared property's value must satisfy when it matches exactly ``region``."""
    parts: list[Conj] = []
    matched_any = explicit = False
    for n in c.nodes:
        hits = [p for p in _props(n.schema, "patternProperties") if p in region]
        if hits:
            parts += [child(c.doc, n, "patternProperties", p) for p in hits]
            matched_any = True
        elif "additionalProperties" in n.schema:
            parts.append(child(c.doc, n, "additionalProperties"))
            explicit = True
    where = c.where("additionalProperties")
    if closed_if_undeclared and not matched_any and not explicit:
        return Conj(c.doc, where, false=True)
    return meet(c.doc, where, parts) if parts else Conj(c.doc, where)


def _remainder(w: Walk, a: Conj, b: Conj) -> list[Finding]:
    """Properties neither side declares by name: check every pattern region exactly."""
    if not (b.has("additionalProperties") or b.has("patternProperties")):
        return []  # B accepts any undeclared property
    patterns = sorted(_patterns(a) | _patterns(b))
    if len(patterns) > _MAX_PATTERNS:
        return [w.unprovable(a, b.ptr, f"{len(patterns)} patternProperties (too many regions)")]
    out: list[Finding] = []
    for size in range(len(patterns) + 1):
        for combo in combinations(patterns, size):
            region = frozenset(combo)
            a_rest = _rest(a, region, closed_if_undeclared=w.assume_absent)
            b_rest = _rest(b, region, closed_if_undeclared=False)
            fails = w.descend(a_rest, b_rest)
            if not fails:
                continue
            if region:
                out.append(
                    w.finding(
                        "pattern-properties-changed",
                        a.where("patternProperties"),
                        b.where("patternProperties"),
                        f"names matching {sorted(region)}: {fails[0].message}",
                    )
                )
            else:
                out += _content_model(w, a_rest, b_rest, fails)
    return out


def _state(c: Conj) -> str:
    return "open" if c.true else "closed" if c.false else "schema"


def _content_model(w: Walk, a_rest: Conj, b_rest: Conj, fails: list[Finding]) -> list[Finding]:
    old, new = (_state(x) for x in w.oriented(a_rest, b_rest))
    if (old, new) == ("open", "closed"):
        kind = "content-model-closed"
    elif (old, new) == ("closed", "open"):
        kind = "content-model-opened"
    elif new == "closed" or (old, new) == ("open", "schema"):
        kind = "additional-properties-narrowed"
    elif old == "closed" or (old, new) == ("schema", "open"):
        kind = "additional-properties-widened"
    else:
        return fails
    return [
        w.finding(
            kind,
            a_rest.ptr,
            b_rest.ptr,
            f"undeclared properties: {w.a_name} is {_state(a_rest)}, {w.b_name} is "
            f"{_state(b_rest)}",
        )
    ]
