"""A counterexample for a breaking change: a payload one schema accepts and the other rejects.

Built from the change: valid instances of the accepting schema (the smallest first, from
the samples layer), changed at the instance location the change's schema pointer names
(a value drawn from the accepting schema there, each of its enum values, the property
removed). Every candidate is judged by the validation layer on both schemas before it is
shown, so a witness is never wrong; when none is found within the budget, the answer says
so and the verdict stands.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from accord.governance.compat.changes import Change
from accord.registry.pointer import MISSING as POINTER_MISSING
from accord.registry.pointer import resolve
from accord.samples.edit import MISSING, get, prune, put
from accord.samples.errors import SampleError
from accord.samples.nodes import Const, Enum
from accord.samples.stream import Compiler, SampleStream
from accord.validation import Validator, validator

BUDGET = 400
"""Candidates judged per change before giving up."""
_BASES = 8
_VALUES = 16
_DRAWS = 40


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

    def sides(self, old: str, new: str) -> tuple[str, str]:
        """(the version that accepts the payload, the one that rejects it), named."""
        return (old, new) if self.direction == "backward" else (new, old)

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
    accepts = _judge(accepting)
    rejects = _judge(rejecting)
    pointer = (change.old_path if backward else change.new_path) or change.path
    other = (change.new_path if backward else change.old_path) or change.path
    probes = _at(rejecting, other or "")
    for seen, candidate in enumerate(_candidates(accepting, pointer or "", seed, probes)):
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


_BASE_CACHE: dict[int, tuple[Any, SampleStream, list[Any]]] = {}
_JUDGES: dict[int, tuple[Any, Validator]] = {}


def _judge(schema: Any) -> Validator:
    """The validation layer's validator of ``schema``, kept by identity for the next change
    of the same pair (looking it up by content means writing the schema out as JSON)."""
    cached = _JUDGES.get(id(schema))
    if cached is not None and cached[0] is schema:
        return cached[1]
    if len(_JUDGES) >= 64:
        _JUDGES.clear()
    found = validator(schema)
    _JUDGES[id(schema)] = (schema, found)
    return found


def _bases(schema: Any, seed: int) -> tuple[SampleStream, list[Any]] | None:
    """A sample stream of ``schema`` and its first instances, smallest first; kept for the
    next change of the same pair (a check asks for several)."""
    cached = _BASE_CACHE.get(id(schema))
    if cached is not None and cached[0] is schema:
        return cached[1], cached[2]
    try:
        ok = _judge(schema).is_valid
        stream = SampleStream(schema, seed=f"witness:{seed}", label="witness", validate=ok)
        drawn = sorted((stream.next_event() for _ in range(_BASES)),
                       key=lambda b: len(json.dumps(b)))
        bases = [prune(drawn[0], ok), *drawn]
    except Exception:  # a schema the samples layer cannot draw from: nothing to build on
        return None
    if len(_BASE_CACHE) >= 64:
        _BASE_CACHE.clear()
    _BASE_CACHE[id(schema)] = (schema, stream, bases)
    return stream, bases


def _candidates(schema: Any, pointer: str, seed: int, rejecting: Any) -> Iterator[Any]:
    rng = random.Random(f"accord-witness:{seed}:{pointer}")
    found = _bases(schema, seed)
    if found is None:
        return
    stream, bases = found
    yield bases[0]  # the smallest valid instance may show it as it is
    values: list[Any] | None = None
    for where in _instance_paths(schema, pointer):
        for base in bases[:4]:
            for value in _probes(get(base, where), rejecting):
                yield put(base, where, value)
            if where:
                yield put(base, where, MISSING)
            if values is None:  # drawn only when no probe did it
                values = _values(schema, pointer, rng)
            for value in values:
                yield put(base, where, value)
    yield from bases[1:]
    for _ in range(_DRAWS):
        try:
            drawn = stream.next_event()
        except SampleError:  # the stream cannot draw a valid event: nothing more to try
            return
        yield drawn


_GENERIC: tuple[Any, ...] = (None, 0, -1, 1.5, "", "a", True, [], {}, "x" * 257)


def _probes(current: Any, rejecting: Any) -> list[Any]:
    """Values just outside what the rejecting schema allows there (bounds crossed, another
    type, an undeclared property added), then a few values of every JSON type."""
    out: list[Any] = []
    node = rejecting if isinstance(rejecting, dict) else {}
    high, low = node.get("maxLength"), node.get("minLength")
    text = current if isinstance(current, str) else "a"
    if isinstance(high, int) and not isinstance(high, bool) and high < 10_000:
        out.append(text + "a" * max(0, high + 1 - len(text)))
    if isinstance(low, int) and not isinstance(low, bool) and low > 0:
        out.append(text[: low - 1])
    for key, step in (("maximum", 1), ("exclusiveMaximum", 0), ("minimum", -1),
                      ("exclusiveMinimum", 0)):
        bound = node.get(key)
        if isinstance(bound, int | float) and not isinstance(bound, bool):
            out.append(bound + step)
    if isinstance(current, dict):
        out.append({**current, "x-accord-extra": 1})
    if isinstance(current, list) and current:
        out.append([*current, current[0]])
    return out + list(_GENERIC)


def _values(schema: Any, pointer: str, rng: random.Random) -> list[Any]:
    """Values the accepting schema allows at ``pointer``: every enum value, then draws."""
    node = _at(schema, pointer)
    if node is None:
        return []
    try:
        compiled = Compiler(schema).compile(node)
    except SampleError:  # a bound past the samples' budget: no values to offer
        return []
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
    found = resolve(schema, pointer)
    return None if found is POINTER_MISSING else found


_IN_PLACE = frozenset({"allOf", "anyOf", "oneOf", "not", "if", "then", "else",
                       "dependentSchemas"})


def _instance_paths(schema: Any, pointer: str) -> list[list[str | int]]:
    """Where in an instance the schema at ``pointer`` applies: from the pointer itself, or,
    for a definition, from the places that refer to it (a few, the first found)."""
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
    if len(tokens) >= 2 and tokens[0] in ("$defs", "definitions"):
        target = "#/" + "/".join(pointer.split("/")[1:3])
        rest = "/" + "/".join(pointer.split("/")[3:]) if len(tokens) > 2 else ""
        out = []
        for site in _ref_sites(schema, target, [], 0)[:3]:
            tail = _instance_path(rest)
            if tail is not None:
                out.append(site + tail)
        return out
    found = _instance_path(pointer)
    return [] if found is None else [found]


def _ref_sites(node: Any, target: str, path: list[str | int], depth: int
               ) -> list[list[str | int]]:
    """Instance paths of the subschemas that are ``{"$ref": target}`` (not through $defs)."""
    if depth > 12 or not isinstance(node, dict):
        return []
    if node.get("$ref") == target:
        return [path]
    out: list[list[str | int]] = []
    for key, value in node.items():
        if key in ("properties", "patternProperties") and isinstance(value, dict):
            for name, sub in value.items():
                out += _ref_sites(sub, target, [*path, name if key == "properties" else "x"],
                                  depth + 1)
        elif key in ("items", "additionalItems", "contains") and isinstance(value, dict):
            out += _ref_sites(value, target, [*path, 0], depth + 1)
        elif key == "prefixItems" and isinstance(value, list):
            for i, sub in enumerate(value):
                out += _ref_sites(sub, target, [*path, i], depth + 1)
        elif key in ("allOf", "anyOf", "oneOf") and isinstance(value, list):
            for sub in value:
                out += _ref_sites(sub, target, path, depth + 1)
        elif key in ("then", "else", "additionalProperties") and isinstance(value, dict):
            out += _ref_sites(value, target, path if key != "additionalProperties"
                              else [*path, "x-accord-extra"], depth + 1)
    return out


def _instance_path(pointer: str) -> list[str | int] | None:
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
