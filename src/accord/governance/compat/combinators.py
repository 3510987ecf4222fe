"""B-side combinators (anyOf, oneOf, not), keywords the engine does not model, and the easy
disjointness proofs that oneOf and not need."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from accord.governance.compat.conj import ALL_TYPES, Conj, Node, child, conj_at, types
from accord.governance.compat.numbers import lower, upper
from accord.governance.compat.objects import Undecided, prop, required
from accord.governance.compat.values import explicit_values, implicit_values, valid

if TYPE_CHECKING:
    from accord.governance.compat.inclusion import Finding, Walk

_OBJECT = frozenset({"object"})
_ARRAY = frozenset({"array"})
# Keywords that constrain validation but are not modelled: on B they hold only when A carries
# the same group of keywords identically. "whole" groups depend on siblings (what counts as
# evaluated), so they need the whole node to be identical.
_UNMODELLED: tuple[tuple[tuple[str, ...], frozenset[str], bool], ...] = (
    (("if", "then", "else"), ALL_TYPES, False),
    (("contains", "minContains", "maxContains"), _ARRAY, False),
    (("propertyNames",), _OBJECT, False),
    (("dependentSchemas",), _OBJECT, False),
    (("unevaluatedProperties",), _OBJECT, True),
    (("unevaluatedItems",), _ARRAY, True),
    (("$dynamicRef",), ALL_TYPES, True),
    (("$recursiveRef",), ALL_TYPES, True),
)
_MAX_DEPTH = 4


def deep_types(c: Conj, depth: int = 0) -> frozenset[str]:
    """Types, narrowed by any anyOf/oneOf branches (for naming type changes)."""
    result = types(c)
    if depth >= _MAX_DEPTH:
        return result
    for n in c.nodes:
        for kw in ("anyOf", "oneOf"):
            subs = n.schema.get(kw)
            if isinstance(subs, list):
                union: frozenset[str] = frozenset()
                for i in range(len(subs)):
                    union = union | deep_types(child(c.doc, n, kw, i), depth + 1)
                result = result & union
    return result


def check_b(w: Walk, a: Conj, b: Conj, ta: frozenset[str]) -> list[Finding]:
    """anyOf/oneOf/not and unmodelled keywords on the side that must be the superset."""
    out: list[Finding] = []
    for node in b.nodes:
        s = node.schema
        for kw in ("anyOf", "oneOf"):
            if isinstance(s.get(kw), list) and not w.mirrors(a, kw, node):
                out += _union(w, a, b, node.ptr, kw, len(s[kw]), ta)
        if "not" in s and not w.mirrors(a, "not", node):
            negated = child(b.doc, node, "not")
            if not disjoint(a, negated) and not _contraposition(w, a, node):
                out.append(
                    w.finding(
                        "not-changed",
                        a.where("not"),
                        node.ptr + "/not",
                        f"could not prove no instance of {w.a_name} matches "
                        f"{w.b_name}'s `not` schema",
                    )
                )
        deps = s.get("dependencies") if b.doc.draft <= 7 else None
        if isinstance(deps, dict) and "object" in ta:
            schemas = {k: v for k, v in deps.items() if not isinstance(v, list)}
            if schemas and not _mirrored(w, a, "dependencies", deps) and not all(
                    _dependent_included(w, a, node, "dependencies", name) for name in schemas):
                out.append(w.unprovable(a, node.ptr, f"{w.b_name}'s schema `dependencies`"))
        for keys, applies, whole in _UNMODELLED:
            present = [k for k in keys if k in s]
            if not present or not (applies & ta):
                continue
            if keys[0] == "contains" and _contains_included(w, a, node):
                continue
            if keys[0] == "if" and _conditional_included(w, a, node):
                continue
            if keys[0] == "dependentSchemas" and isinstance(s["dependentSchemas"], dict) and all(
                    _dependent_included(w, a, node, "dependentSchemas", name)
                    for name in s["dependentSchemas"]):
                continue
            if whole:
                ok = any(w.same(m.schema, s) for m in a.nodes)
            else:
                ok = any(
                    all(k in m.schema and w.same(m.schema[k], s[k]) for k in present)
                    and not any(k in m.schema for k in keys if k not in present)
                    for m in a.nodes
                )
            if not ok:
                out.append(w.unprovable(a, node.ptr, f"{w.b_name}'s `{'/'.join(present)}`"))
    return out


def _count(schema: Any, key: str, default: int | None) -> int | None:
    value = schema.get(key, default)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _contains_included(w: Walk, a: Conj, b_node: Node) -> bool:
    """B's `contains` holds for every A instance: B asks for at least ``mb`` items matching
    CB (at most ``Mb``); an A node asks for at least ``ma >= mb`` items matching CA ⊆ CB.
    With a maximum on B, CA must be CB exactly (more CB items could exist) and ``Ma <= Mb``."""
    s = b_node.schema
    draft7 = w.b_doc.draft <= 7
    low_b = 1 if draft7 else _count(s, "minContains", 1)
    high_b = None if draft7 else _count(s, "maxContains", None)
    if low_b is None or "contains" not in s:
        return False
    if low_b == 0 and high_b is None:
        return True  # minContains 0: B's contains accepts every array
    cb = conj_at(w.b_doc, f"{b_node.ptr}/contains", s["contains"])
    for m in a.nodes:
        if "contains" not in m.schema:
            continue
        a7 = w.a_doc.draft <= 7
        low_a = 1 if a7 else _count(m.schema, "minContains", 1)
        high_a = None if a7 else _count(m.schema, "maxContains", None)
        if low_a is None or low_a < low_b:
            continue
        ca = conj_at(w.a_doc, f"{m.ptr}/contains", m.schema["contains"])
        if high_b is None:
            if not w.include(ca, cb):
                return True
        elif high_a is not None and high_a <= high_b and w.equivalent(
                f"{m.ptr}/contains", m.schema["contains"], f"{b_node.ptr}/contains",
                s["contains"]):
            return True
    return False


def _conditional_included(w: Walk, a: Conj, b_node: Node) -> bool:
    """B's `if`/`then`/`else` holds for every A instance: A always meets the condition (a
    discriminator A fixes) and is included in `then`; or A never meets it and is included
    in `else`; or an A node has an equivalent condition with branches included in B's."""
    s = b_node.schema
    if "if" not in s:
        return True  # then/else without if constrain nothing

    def part(doc_node: Node, doc: Any, key: str) -> Conj:
        return conj_at(doc, f"{doc_node.ptr}/{key}", doc_node.schema[key])

    cond = part(b_node, w.b_doc, "if")
    if not w.include(a, cond):
        return "then" not in s or not w.include(a, part(b_node, w.b_doc, "then"))
    if disjoint(a, cond):
        return "else" not in s or not w.include(a, part(b_node, w.b_doc, "else"))
    for m in a.nodes:
        if "if" not in m.schema or not w.equivalent(f"{m.ptr}/if", m.schema["if"],
                                                    f"{b_node.ptr}/if", s["if"]):
            continue
        branches_hold = all(
            key not in s or (key in m.schema and not w.include(part(m, w.a_doc, key),
                                                              part(b_node, w.b_doc, key)))
            for key in ("then", "else"))
        if branches_hold:
            return True
    return False


def _dependent_included(w: Walk, a: Conj, b_node: Node, kw: str, name: str) -> bool:
    """B's ``kw[name]`` (applied when property ``name`` is present) holds for every A
    instance: A itself is included in it, or an A node applies a schema included in it
    under the same name."""
    sub = b_node.schema[kw][name]
    sb = conj_at(w.b_doc, f"{b_node.ptr}/{kw}/{name.replace('~', '~0').replace('/', '~1')}",
                 sub)
    if not w.include(a, sb):
        return True
    for m in a.nodes:
        found = m.schema.get(kw)
        if isinstance(found, dict) and name in found and not isinstance(found[name], list):
            escaped = name.replace("~", "~0").replace("/", "~1")
            sa = conj_at(w.a_doc, f"{m.ptr}/{kw}/{escaped}", found[name])
            if not w.include(sa, sb):
                return True
    return False


def _contraposition(w: Walk, a: Conj, b_node: Node) -> bool:
    """An A node has `not: NA` and B's `not: NB` is included in NA: then A ⊆ ¬NA ⊆ ¬NB.
    Proven with strict semantics, the documents swapped (NB is B's, NA is A's)."""
    nb = conj_at(w.b_doc, f"{b_node.ptr}/not", b_node.schema["not"])
    for m in a.nodes:
        if "not" in m.schema:
            na = conj_at(w.a_doc, f"{m.ptr}/not", m.schema["not"])
            if not w.strict_walk(True).include(nb, na):
                return True
    return False


def _mirrored(w: Walk, a: Conj, kw: str, value: Any) -> bool:
    return any(kw in m.schema and w.same(m.schema[kw], value) for m in a.nodes)


def _union(
    w: Walk, a: Conj, b: Conj, ptr: str, kw: str, count: int, ta: frozenset[str]
) -> list[Finding]:
    node = next(n for n in b.nodes if n.ptr == ptr)
    branches = [child(b.doc, node, kw, i) for i in range(count)]
    trials = [w.include(a, br) for br in branches]
    chosen = next((i for i, fails in enumerate(trials) if not fails), None)
    if chosen is None and kw == "anyOf" and _by_type(w, a, branches, ta):
        return []
    if chosen is None:
        if not any(types(br) & ta for br in branches):
            return [w.type_finding(a, b, ta, deep_types(b))]
        # Report the closest branch: same types first, then fewest reasons.
        best = min(
            range(count), key=lambda i: (0 if types(branches[i]) & ta else 1, len(trials[i]), i)
        )
        return trials[best]
    if kw == "anyOf":
        return []
    others = [i for i in range(count) if i != chosen and not disjoint(a, branches[i])]
    if not others:
        return []
    return [
        w.finding(
            "combinator-changed",
            a.ptr,
            f"{ptr}/oneOf/{others[0]}",
            f"could not prove {w.a_name}'s instances match only branch {chosen} of "
            f"{w.b_name}'s oneOf (they may also match branch {others[0]})",
        )
    ]


# Stable objects: Doc.dump caches by id(), so synthetic schemas must live for the process.
_ONLY = {name: {"type": name} for name in ("null", "boolean", "object", "array", "string")}
_ONLY_NUMBER = {"type": "number"}
_ONLY_INTEGER = {"type": "integer"}


def _by_type(w: Walk, a: Conj, branches: list[Conj], ta: frozenset[str]) -> bool:
    """A ⊆ anyOf when each of A's JSON types is covered by some branch (e.g. a type list)."""
    groups: list[dict[str, str]] = [_ONLY[t] for t in sorted(ta & _ONLY.keys())]
    if "fraction" in ta:
        groups.append(_ONLY_NUMBER)
    elif "integer" in ta:
        groups.append(_ONLY_INTEGER)
    if len(groups) < 2:
        return False
    for group in groups:
        only = Conj(
            a.doc,
            a.ptr,
            (*a.nodes, Node(f"{a.ptr}#{group['type']}", group)),
            a.false,
            a.bad_refs,
            a.split,
            a.origin,
        )
        if not any(not w.include(only, br) for br in branches):
            return False
    return True


def disjoint(a: Conj, s: Conj, depth: int = 0) -> bool:
    """Proves no instance satisfies both (easy cases only; False means "not proven")."""
    if a.false or s.false:
        return True
    if depth >= _MAX_DEPTH or a.bad_refs or s.bad_refs:
        return False
    for x, y in ((a, s), (s, a)):
        values = explicit_values(x)
        if values is None:
            values = implicit_values(x)
        if values is not None:
            return not any(valid(v, y, on_error=True) for v in values)
    common = types(a) & types(s)
    if not common:
        return True
    numeric = common & {"integer", "fraction"}
    if numeric and not _ranges_disjoint(a, s, integral="fraction" not in numeric):
        return False
    if "object" in common and not _objects_disjoint(a, s, depth):
        return False
    return not (common - {"integer", "fraction", "object"})


def _ranges_disjoint(a: Conj, s: Conj, *, integral: bool) -> bool:
    for x, y in ((a, s), (s, a)):
        hi, lo = upper(x, integral=integral), lower(y, integral=integral)
        if (hi is not None and lo is not None) and (
            hi[0] < lo[0] or (hi[0] == lo[0] and (hi[1] or lo[1]))
        ):
            return True
    return False


def _objects_disjoint(a: Conj, s: Conj, depth: int) -> bool:
    try:
        for x, y in ((a, s), (s, a)):
            for name in sorted(required(x)):
                x_value, _ = prop(x, name, closed_if_undeclared=False)
                y_value, _ = prop(y, name, closed_if_undeclared=False)
                if disjoint(x_value, y_value, depth + 1):
                    return True
    except Undecided:
        return False
    return False
