"""Changing an instance at a path, and its smallest valid form (the samples layer's edits).

Paths are lists of object keys and array indexes. An edit copies only the containers on
its path and shares the rest: an instance is never changed in place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# The registry's "nothing there": as a value, remove what is at the path; as a result of
# `get`, nothing is there.
from accord.registry.pointer import MISSING

__all__ = ["MISSING", "get", "paths", "prune", "put"]


def get(base: Any, where: list[str | int]) -> Any:
    node = base
    for step in where:
        found = (isinstance(step, int) and isinstance(node, list) and step < len(node)) or (
            isinstance(step, str) and isinstance(node, dict) and step in node)
        if not found:
            return MISSING
        node = node[step]
    return node


def put(base: Any, path: list[str | int], value: Any) -> Any:
    """``base`` with ``value`` at ``path`` (parents made as needed; ``MISSING`` removes it).
    Only the containers along the path are copied: the rest is shared, and no candidate is
    ever changed after it is made."""
    if not path:
        return base if value is MISSING else value
    step, rest = path[0], path[1:]
    if isinstance(step, int):
        if not isinstance(base, list):
            return base
        out_list = list(base)
        if value is MISSING and not rest:
            if step < len(out_list):
                del out_list[step]
            return out_list
        while len(out_list) <= step:
            out_list.append({} if rest else value)
        out_list[step] = put(out_list[step], rest, value)
        return out_list
    if not isinstance(base, dict):
        return base
    out = dict(base)
    if value is MISSING and not rest:
        out.pop(step, None)
        return out
    out[step] = put(out.get(step, {}), rest, value)
    return out


def prune(instance: Any, ok: Callable[[Any], bool]) -> Any:
    """``instance`` with every optional part removed that ``ok`` lets go: object properties
    and trailing array items, outermost first. The smallest valid instance to change."""
    for path in paths(instance, []):
        if get(instance, path) is MISSING:
            continue  # inside something already removed
        trial = put(instance, path, MISSING)
        if ok(trial):
            instance = trial
    return instance


def paths(node: Any, here: list[str | int]) -> list[list[str | int]]:
    out: list[list[str | int]] = []
    if isinstance(node, dict):
        out += [[*here, key] for key in node]
        for key, value in node.items():
            out += paths(value, [*here, key])
    elif isinstance(node, list):
        out += [[*here, index] for index in reversed(range(1, len(node)))]
        for index, value in enumerate(node[:1]):
            out += paths(value, [*here, index])
    return out
