"""The core question: is every instance of A an instance of B? Answered structurally.

A ``Walk`` compares one direction (old ⊆ new for BACKWARD, new ⊆ old for FORWARD). It returns
the reasons inclusion could not be proven; an empty list is a proof. Kinds are named from
old to new, whichever side is A, so both directions' findings merge on (kind, path).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from accord.governance.compat import arrays, combinators, numbers, objects, strings
from accord.governance.compat.conj import Conj, Node, conj_at, json_type, type_names, types
from accord.governance.compat.refs import Doc
from accord.governance.compat.values import (
    dump_value,
    explicit_values,
    implicit_values,
    valid,
)

_REF = re.compile(r'"\$ref":"([^"]*)"')
_UNIONS = ("anyOf", "oneOf")
_MAX_SPLITS = 3  # distribute at most this many A-side unions; dropping the rest is sound


@dataclass(frozen=True, slots=True)
class Finding:
    """A reason inclusion was not proven, with pointers already oriented to old/new."""

    kind: str
    old_ptr: str | None
    new_ptr: str | None
    message: str


class Walk:
    """One direction of the comparison, with its memo and co-inductive assumptions."""

    def __init__(
        self,
        a: Doc,
        b: Doc,
        *,
        a_is_old: bool,
        assume_absent: bool,
        _equivalences: set[tuple[str, str, str]] | None = None,
    ) -> None:
        self.a_doc, self.b_doc = a, b
        self.a_is_old = a_is_old
        self.a_name, self.b_name = ("old", "new") if a_is_old else ("new", "old")
        # Producers never send undeclared properties: only the producing side (A) closes.
        self.assume_absent = assume_absent
        self._memo: dict[tuple[object, object], list[Finding]] = {}
        # Pairs being proven, with the instance depth at which each was entered.
        self._active: dict[tuple[object, object], int] = {}
        self._assumed = 0
        self._depth = 0
        self._refs_comparable: bool | None = None
        # Strict walks in both directions, for proving two subschemas equivalent.
        self._strict: dict[bool, Walk] = {}
        self._equivalent: dict[tuple[str, str], bool] = {}
        self._equivalences = set() if _equivalences is None else _equivalences

    def run(self) -> list[Finding]:
        return self.include(
            conj_at(self.a_doc, "", self.a_doc.root), conj_at(self.b_doc, "", self.b_doc.root)
        )

    # -- reporting ---------------------------------------------------------------------------

    def finding(self, kind: str, a_ptr: str | None, b_ptr: str | None, msg: str) -> Finding:
        if self.a_is_old:
            return Finding(kind, a_ptr, b_ptr, msg)
        return Finding(kind, b_ptr, a_ptr, msg)

    def oriented(self, a_value: Any, b_value: Any) -> tuple[Any, Any]:
        """(old, new) from (A's, B's)."""
        return (a_value, b_value) if self.a_is_old else (b_value, a_value)

    def bound(
        self, base: str, keyword: str, a: Conj, b: Conj, a_val: Any, b_val: Any, key: Any
    ) -> Finding:
        """A finding for a numeric bound; ``key`` orders values so that higher means larger."""
        old, new = self.oriented(a_val, b_val)
        direction = "increased" if key(new) > key(old) else "decreased"
        if base in ("minimum", "maximum"):
            said = [
                f"no {base}" if v is None else f"numbers {_show(v, upper=base == 'maximum')}"
                for v in (old, new)
            ]
            text = f"old accepts {said[0]}, new accepts {said[1]}".replace("accepts no", "has no")
        else:
            shown = ["none" if v is None else _show(v) for v in (old, new)]
            text = f"{keyword} {shown[0]} in old, {shown[1]} in new"
        return self.finding(f"{base}-{direction}", a.where(keyword), b.where(keyword), text)

    def unprovable(self, a: Conj, b_ptr: str, what: str) -> Finding:
        return self.finding(
            "unprovable", a.ptr, b_ptr, f"could not prove {self.a_name} satisfies {what}"
        )

    # -- identity ----------------------------------------------------------------------------

    def same(self, a_value: Any, b_value: Any) -> bool:
        """Byte-identical subtrees whose refs (if any) mean the same thing in both documents."""
        if self.a_doc.draft != self.b_doc.draft:
            return False  # the same text can mean different things in different drafts
        if not self.a_doc.same_as(a_value, self.b_doc, b_value):
            return False
        text = self.a_doc.dump(a_value)
        if '"$' not in text:
            return True
        if '"$dynamicRef"' in text or '"$recursiveRef"' in text:
            return False  # their target depends on the dynamic scope, not the text
        refs = _REF.findall(text)
        if len(refs) != text.count('"$ref"'):
            return False  # a "$ref" the pattern did not read: do not guess
        return not refs or (
            self.refs_comparable()
            and all(r.startswith(("#/$defs/", "#/definitions/")) for r in refs)
        )

    def refs_comparable(self) -> bool:
        """Whether ``#/$defs/...`` means the same schema in both documents."""
        if self._refs_comparable is None:
            a, b = self.a_doc, self.b_doc
            self._refs_comparable = (
                a.draft == b.draft
                and all(a.same_as(_get(a.root, k), b, _get(b.root, k)) for k in _DEFS)
                and a.ids.keys() <= {"", *_root_id(a.root)}
                and b.ids.keys() <= {"", *_root_id(b.root)}
            )
        return self._refs_comparable

    def equivalent(self, a_ptr: str, a_value: Any, b_ptr: str, b_value: Any) -> bool:
        """Both subschemas provably accept the same instances (strict semantics)."""
        key = (a_ptr, b_ptr)
        known = self._equivalent.get(key)
        if known is not None:
            return known
        tag = (str(id(self.a_doc)), a_ptr, b_ptr)
        if tag in self._equivalences:
            return False  # already being proven further up: do not recurse forever
        self._equivalences.add(tag)
        try:
            a_conj, b_conj = (
                conj_at(self.a_doc, a_ptr, a_value),
                conj_at(self.b_doc, b_ptr, b_value),
            )
            ok = not self.strict_walk(False).include(a_conj, b_conj) and not self.strict_walk(
                True
            ).include(b_conj, a_conj)
        finally:
            self._equivalences.discard(tag)
        self._equivalent[key] = ok
        return ok

    def strict_walk(self, reverse: bool) -> Walk:
        """A walk with strict semantics; ``reverse`` swaps the documents (B ⊆ A)."""
        walk = self._strict.get(reverse)
        if walk is None:
            docs = (self.b_doc, self.a_doc) if reverse else (self.a_doc, self.b_doc)
            walk = Walk(
                *docs,
                a_is_old=self.a_is_old != reverse,
                assume_absent=False,
                _equivalences=self._equivalences,
            )
            self._strict[reverse] = walk
        return walk

    def mirrors(self, a: Conj, kw: str, b_node: Node) -> bool:
        """Some A node carries B's ``anyOf``/``oneOf``/``not`` identically or equivalently."""
        b_value = b_node.schema[kw]
        for m in a.nodes:
            a_value = m.schema.get(kw)
            if a_value is None:
                continue
            if self.same(a_value, b_value):
                return True
            if kw == "not":
                if self.equivalent(f"{m.ptr}/not", a_value, f"{b_node.ptr}/not", b_value):
                    return True
            elif (
                isinstance(a_value, list)
                and isinstance(b_value, list)
                and len(a_value) == len(b_value)
                and all(
                    self.equivalent(f"{m.ptr}/{kw}/{i}", x, f"{b_node.ptr}/{kw}/{i}", y)
                    for i, (x, y) in enumerate(zip(a_value, b_value, strict=True))
                )
            ):
                return True
        return False

    def covered(self, a: Conj, b: Conj) -> bool:
        """Every node of B also appears, identically, among A's nodes."""
        if not b.nodes or b.bad_refs or b.false:
            return False
        a_nodes = a.nodes
        return all(any(self.same(n.schema, m.schema) for m in a_nodes) for n in b.nodes)

    # -- the walk ----------------------------------------------------------------------------

    def include(self, a: Conj, b: Conj) -> list[Finding]:
        """Reasons A ⊆ B is not proven (empty: proven)."""
        if a.false or b.true:
            return []
        key = (a.key, b.key)
        memo = self._memo.get(key)
        if memo is not None:
            return memo
        entered = self._active.get(key)
        if entered is not None:
            if entered < self._depth:
                # Revisiting a pair one level down the instance: assume it (co-induction is
                # sound here because every instance is finite).
                self._assumed += 1
                return []
            # A cycle that never descends into the instance (e.g. anyOf: [{$ref: "#"}]):
            # validators do not terminate on it, so nothing can be proven.
            return [self.unprovable(a, b.ptr, f"{self.b_name}'s unguarded recursive $ref")]
        self._active[key] = self._depth
        assumed = self._assumed
        try:
            out = self._include(a, b)
        finally:
            del self._active[key]
        # A success that leaned on an assumption is only valid inside this proof.
        if out or self._assumed == assumed:
            self._memo[key] = out
        return out

    def descend(self, a: Conj, b: Conj) -> list[Finding]:
        """``include`` for the value of a property or an item: one level into the instance."""
        self._depth += 1
        try:
            return self.include(a, b)
        finally:
            self._depth -= 1

    def _include(self, a: Conj, b: Conj) -> list[Finding]:
        out = [
            self.finding("ref-unresolvable", p, None, f"$ref {r!r} in {self.a_name} not found")
            for p, r in a.bad_refs
        ]
        out += [
            self.finding("ref-unresolvable", None, p, f"$ref {r!r} in {self.b_name} not found")
            for p, r in b.bad_refs
        ]
        if self.covered(a, b):
            return out
        branches = self._split(a, b)
        if branches is not None:
            for branch in branches:
                out += self.include(branch, b)
            return out
        if b.false:
            if types(a):
                kind = "type-narrowed" if self.a_is_old else "type-widened"
                out.append(self.finding(kind, a.ptr, b.ptr, f"{self.b_name} rejects everything"))
            return out
        values = explicit_values(a)
        if values is not None:
            return out + self._values(a, b, values)
        ta, tb = types(a), types(b)
        if b.has("enum") or (b.has("const") and self.b_doc.draft >= 6):
            implicit = implicit_values(a)
            if implicit is not None:
                return out + self._values(a, b, implicit)
            kind = "enum-added" if self.a_is_old else "enum-removed"
            where = b.where("enum") if b.has("enum") else b.where("const")
            out.append(
                self.finding(kind, a.ptr, where, f"{self.b_name} accepts only listed values")
            )
        if ta - tb:
            out.append(self.type_finding(a, b, ta, tb))
        common = ta & tb
        if "string" in common:
            out += strings.check(self, a, b)
        if common & {"integer", "fraction"}:
            out += numbers.check(self, a, b, common)
        if "array" in common:
            out += arrays.check(self, a, b)
        if "object" in common:
            out += objects.check(self, a, b)
        out += combinators.check_b(self, a, b, ta)
        return out

    def _split(self, a: Conj, b: Conj) -> list[Conj] | None:
        """Distribute the first A-side union not already mirrored identically by B."""
        if len(a.split) >= _MAX_SPLITS:
            return None
        for node in a.nodes:
            for kw in _UNIONS:
                subs = node.schema.get(kw)
                tag = f"{node.ptr}/{kw}"
                if not isinstance(subs, list) or tag in a.split:
                    continue
                if any(self._mirrored_by(node, kw, m) for m in b.nodes if kw in m.schema):
                    continue  # B carries the same union: it holds for A as it stands
                marked = Conj(a.doc, a.ptr, a.nodes, a.false, a.bad_refs, a.split | {tag}, a)
                return [
                    _meet_branch(marked, conj_at(a.doc, f"{tag}/{i}", sub), a.origin or a)
                    for i, sub in enumerate(subs)
                ]
        return None

    def _mirrored_by(self, a_node: Node, kw: str, b_node: Node) -> bool:
        single = Conj(self.a_doc, a_node.ptr, (a_node,))
        return self.mirrors(single, kw, b_node)

    def _values(self, a: Conj, b: Conj, values: list[Any]) -> list[Finding]:
        """Exact check of a finite A: every value must validate against B."""
        rejected = [v for v in values if not valid(v, b, on_error=False)]
        if not rejected:
            return []
        tb = types(b)
        wrong_type = [v for v in rejected if json_type(v) not in tb]
        out: list[Finding] = []
        if wrong_type:
            ta = frozenset(json_type(v) for v in values)
            out.append(self.type_finding(a, b, ta, tb))
        rest = [v for v in rejected if json_type(v) in tb]
        if rest:
            both_const = a.has("const") and b.has("const")
            kind = (
                "const-changed"
                if both_const
                else "enum-value-removed"
                if self.a_is_old
                else "enum-value-added"
            )
            keyword = "const" if a.has("const") else "enum"
            shown = ", ".join(dump_value(v) for v in rest[:5])
            more = f" (+{len(rest) - 5} more)" if len(rest) > 5 else ""
            out.append(
                self.finding(
                    kind,
                    a.where(keyword),
                    b.where("const" if b.has("const") else "enum"),
                    f"{self.a_name} accepts {shown}{more}; {self.b_name} rejects "
                    + ("it" if len(rest) == 1 else "them"),
                )
            )
        return out

    def type_finding(self, a: Conj, b: Conj, ta: frozenset[str], tb: frozenset[str]) -> Finding:
        # Name the change over whole unions, so a dropped anyOf branch reads as narrowing.
        wa = combinators.deep_types(a.origin or a) or ta
        wb = combinators.deep_types(b) or tb
        old, new = self.oriented(wa, wb)
        if new < old:
            kind = "type-narrowed"
        elif new > old:
            kind = "type-widened"
        else:
            kind = "type-changed"
        o, n = self.oriented(ta, tb)
        return self.finding(
            kind,
            a.where("type"),
            b.where("type"),
            f"old accepts {type_names(o)}, new accepts {type_names(n)}",
        )


def _meet_branch(rest: Conj, branch: Conj, origin: Conj) -> Conj:
    nodes: list[Node] = list(rest.nodes)
    seen = {n.ptr for n in nodes}
    nodes += [n for n in branch.nodes if n.ptr not in seen]
    return Conj(
        rest.doc,
        branch.ptr,
        tuple(nodes),
        rest.false or branch.false,
        rest.bad_refs + branch.bad_refs,
        rest.split | branch.split,
        origin,
    )


_DEFS = ("$defs", "definitions")


def _get(root: Any, key: str) -> Any:
    return root.get(key) if isinstance(root, dict) else None


def _root_id(root: Any) -> list[str]:
    if isinstance(root, dict) and isinstance(root.get("$id"), str):
        return [root["$id"].rstrip("#")]
    return []


def _show(value: Any, *, upper: bool = False) -> str:
    if isinstance(value, tuple):  # a numeric bound: (value, exclusive)
        sign = ("<" if upper else ">") + ("" if value[1] else "=")
        return f"{sign} {_show(value[0])}"
    if hasattr(value, "denominator") and value.denominator == 1:
        return str(value.numerator)
    if hasattr(value, "denominator"):
        return str(float(value))
    return str(value)
