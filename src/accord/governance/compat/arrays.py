"""Array keywords: item schemas by position (prefixItems/items, or draft-07 array-form items
with additionalItems), item counts and ``uniqueItems``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from accord.governance.compat.conj import Conj, Node, conj_at, meet
from accord.governance.compat.strings import counts, tightest_max
from accord.registry.pointer import escape

if TYPE_CHECKING:
    from accord.governance.compat.inclusion import Finding, Walk


def layout(c: Conj, node: Node) -> tuple[list[tuple[str, Any]], tuple[str, Any] | None]:
    """(prefix schemas, schema for the remaining items) of one node, each with its pointer."""
    s = node.schema
    if c.doc.legacy_items:
        items = s.get("items")
        if isinstance(items, list):
            prefix = [(f"{node.ptr}/items/{i}", sub) for i, sub in enumerate(items)]
            rest = s.get("additionalItems")
            return prefix, None if rest is None else (f"{node.ptr}/additionalItems", rest)
        return [], None if items is None else (f"{node.ptr}/items", items)
    raw = s.get("prefixItems")
    prefix = (
        [(f"{node.ptr}/prefixItems/{i}", sub) for i, sub in enumerate(raw)]
        if isinstance(raw, list)
        else []
    )
    items = s.get("items")
    return prefix, None if items is None else (f"{node.ptr}/items", items)


def _slot(c: Conj, layouts: list[Any], index: int | None) -> Conj:
    """The conjunction every item at ``index`` (None: beyond every prefix) must satisfy."""
    parts: list[Conj] = []
    for prefix, rest in layouts:
        if index is not None and index < len(prefix):
            parts.append(conj_at(c.doc, *prefix[index]))
        elif rest is not None:
            parts.append(conj_at(c.doc, *rest))
    where = f"{c.ptr}/{'items' if index is None else 'prefixItems/' + escape(str(index))}"
    return meet(c.doc, where, parts) if parts else Conj(c.doc, where)


def _closed_length(layouts: list[Any]) -> int | None:
    """The longest array a closed tuple allows (rest is false), or None if none is closed."""
    lengths = [len(prefix) for prefix, rest in layouts if rest is not None and rest[1] is False]
    return min(lengths, default=None)


def check(w: Walk, a: Conj, b: Conj) -> list[Finding]:
    a_layouts = [layout(a, n) for n in a.nodes]
    b_layouts = [layout(b, n) for n in b.nodes]
    out = counts(w, a, b, "items", "minItems", "maxItems", _closed_length(a_layouts))
    a_max = tightest_max(a, "maxItems")
    closed = _closed_length(a_layouts)
    if closed is not None and (a_max is None or closed < a_max):
        a_max = closed
    a_unique = any(v is True for _, v in a.values("uniqueItems")) or (
        a_max is not None and a_max <= 1
    )
    if any(v is True for _, v in b.values("uniqueItems")) and not a_unique:
        kind = "unique-items-added" if w.a_is_old else "unique-items-removed"
        out.append(
            w.finding(kind, a.ptr, b.where("uniqueItems"), f"{w.b_name} requires unique items")
        )
    longest = max((len(p) for p, _ in a_layouts + b_layouts), default=0)
    for index in [*range(longest), None]:
        # Positions A's maxItems rules out never hold an item, whatever B says about them.
        if a_max is not None and (a_max <= index if index is not None else a_max <= longest):
            break
        a_item, b_item = _slot(a, a_layouts, index), _slot(b, b_layouts, index)
        if b_item.false and not a_item.false:
            where = "beyond the tuple" if index is None else f"at position {index}"
            out.append(
                w.finding(
                    "items-changed", a_item.ptr, b_item.ptr, f"{w.b_name} allows no item {where}"
                )
            )
            continue
        out += w.descend(a_item, b_item)
    return out
