"""A counterexample for a breaking change: a payload one schema accepts and the other rejects.

Built from the change: valid instances of the accepting schema (the smallest first, from
the samples layer), changed at the instance location the change's schema pointer names
(a value drawn from the accepting schema there, each of its enum values, the property
removed). Every candidate is judged by the validation layer on both schemas before it is
shown, so a witness is never wrong; when none is found within the budget, the answer says
so and the verdict stands.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from accord.governance.compat.changes import Change
from accord.samples.nodes import Const, Enum
from accord.samples.stream import Compiler, SampleStream
from accord.validation import validator

BUDGET = 400
"""Candidates judged per change before giving up."""
_BASES = 12
_VALUES = 24
_MISSING = object()


@dataclass(frozen=True, slots=True)
class Witness:
    """``payload`` is accepted by ``accepted_by`` and rejected by the other schema, or
    None (``why`` says why)."""

    payload: Any
    found: bool
    direction: str
    """backward (the old schema accepts it, the new one rejects it) or forward"""
    why: str

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"direction": self.direction, "found": self.found,
                               "why": self.why}
        if self.found:
            out["payload"] = self.payload
        return out

    def text(self) -> str:
        """One JSON line, or why there is none."""
        if not self.found:
            return self.why
        return json.dumps(self.payload, separators=(", ", ": "), ensure_ascii=False)


def find(old: Any, new: Any, change: Change, *, backward: bool, seed: int = 0,
         budget: int = BUDGET) -> Witness:
    """A payload showing ``change`` break BACKWARD (``backward``) or FORWARD."""
    accepting, rejecting = (old, new) if backward else (new, old)
    direction = "backward" if backward else "forward"
    accepts = validator(accepting)
    rejects = validator(rejecting)
    pointer = (change.old_path if backward else change.new_path) or change.path
    for seen, candidate in enumerate(_candidates(accepting, pointer or "", seed)):
        if seen >= budget:
            break
        if accepts.is_valid(candidate) and not rejects.is_valid(candidate):
            problem = next(iter(rejects.errors(candidate, limit=1)), "")
            return Witness(candidate, True, direction, problem)
    return Witness(None, False, direction,
                   f"no counterexample found within {budget} candidates")


def for_level(old: Any, new: Any, change: Change, level: str) -> Witness:
    """The counterexample of a change that breaks ``level``: the direction the level checks
    (FULL: BACKWARD when the change breaks it, else FORWARD)."""
    base = level.removesuffix("_TRANSITIVE")
    backward = True if base == "BACKWARD" else False if base == "FORWARD" else \
        change.breaks_backward
    return find(old, new, change, backward=backward)


def _candidates(schema: Any, pointer: str, seed: int) -> Iterator[Any]:
    rng = random.Random(f"accord-witness:{seed}:{pointer}")
    try:
        stream = SampleStream(schema, seed=f"witness:{seed}", label="witness")
        bases = [stream.next_event() for _ in range(_BASES)]
    except Exception:  # a schema the samples layer cannot draw from: nothing to build on
        return
    bases.sort(key=lambda b: len(json.dumps(b)))
    where = _instance_path(schema, pointer)
    values = _values(schema, pointer, rng) if where is not None else []
    for base in bases:
        if where is not None:
            for value in values:
                yield _set(base, where, value)
            if where:
                yield _set(base, where, _MISSING)
        yield base
    for _ in range(BUDGET):
        yield stream.next_event()


def _values(schema: Any, pointer: str, rng: random.Random) -> list[Any]:
    """Values the accepting schema allows at ``pointer``: every enum value, then draws."""
    node = _at(schema, pointer)
    if node is None:
        return []
    compiled = Compiler(schema).compile(node)
    if isinstance(compiled, Enum):
        return list(compiled.values)
    if isinstance(compiled, Const):
        return [compiled.value]
    out = []
    for _ in range(_VALUES):
        try:
            out.append(compiled.gen(rng, 0))
        except Exception:
            break
    return sorted(out, key=lambda v: len(json.dumps(v)))  # the smallest first


def _at(schema: Any, pointer: str) -> Any:
    node = schema
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


_IN_PLACE = frozenset({"allOf", "anyOf", "oneOf", "not", "if", "then", "else",
                       "dependentSchemas"})


def _instance_path(schema: Any, pointer: str) -> list[str | int] | None:
    """Where in an instance the schema at ``pointer`` applies, or None when it cannot be
    told from the pointer alone (a definition reached through references)."""
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
    path: list[str | int] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in ("properties", "patternProperties") and i + 1 < len(tokens):
            path.append(tokens[i + 1] if token == "properties" else "x")
            i += 2
        elif token in ("items", "additionalItems", "contains", "unevaluatedItems"):
            path.append(0)
            i += 1
        elif token == "prefixItems" and i + 1 < len(tokens):
            path.append(int(tokens[i + 1]) if tokens[i + 1].isdigit() else 0)
            i += 2
        elif token in ("additionalProperties", "unevaluatedProperties"):
            path.append("x-accord-extra")
            i += 1
        elif token in _IN_PLACE:
            i += 2 if token in ("allOf", "anyOf", "oneOf", "dependentSchemas") else 1
        elif token in ("required", "type", "enum", "const", "minimum", "maximum",
                       "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength",
                       "maxLength", "pattern", "format", "minItems", "maxItems",
                       "uniqueItems", "minProperties", "maxProperties", "propertyNames",
                       "dependentRequired", "minContains", "maxContains"):
            return path  # a keyword of the schema that applies here
        else:
            return None  # $defs, $ref targets...: the place is not in the pointer
    return path


def _set(base: Any, path: list[str | int], value: Any) -> Any:
    """A copy of ``base`` with ``value`` at ``path`` (parents made as needed); ``_MISSING``
    removes it."""
    if not path:
        return base if value is _MISSING else copy.deepcopy(value)
    out = copy.deepcopy(base)
    node = out
    for step in path[:-1]:
        if isinstance(step, int):
            if not isinstance(node, list):
                return out
            while len(node) <= step:
                node.append({})
            node = node[step]
        else:
            if not isinstance(node, dict):
                return out
            node = node.setdefault(step, {})
    last = path[-1]
    if isinstance(last, int):
        if isinstance(node, list):
            if value is _MISSING:
                if last < len(node):
                    del node[last]
            else:
                while len(node) <= last:
                    node.append(copy.deepcopy(value))
                node[last] = copy.deepcopy(value)
    elif isinstance(node, dict):
        if value is _MISSING:
            node.pop(last, None)
        else:
            node[last] = copy.deepcopy(value)
    return out
