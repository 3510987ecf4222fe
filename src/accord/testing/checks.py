"""Checking declared fields: against a schema (when declared) and against events."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from accord.samples.fields import ITEMS, all_paths, covers, json_type, lookup, parse_path
from accord.testing.contract import subschema_validator
from accord.testing.errors import ContractTestError
from accord.testing.matchers import EachLike, Like, Matcher

JSON = Any
MISSING: Any = object()


def values_at(event: JSON, segments: list[str], where: str = "") -> Iterator[tuple[str, JSON]]:
    """(concrete path, value) at each place ``segments`` reaches; MISSING where absent.

    `items[].sku` over two items yields `items[0].sku` and `items[1].sku`; an empty array
    yields nothing. A missing or null parent is reported at the parent's own path.
    """
    if not segments:
        yield where, event
        return
    head, rest = segments[0], segments[1:]
    if head == ITEMS:
        if not isinstance(event, list):
            yield where, event if event is not None else MISSING
            return
        for i, item in enumerate(event):
            yield from values_at(item, rest, f"{where}[{i}]")
        return
    here = f"{where}.{head}" if where else head
    if not isinstance(event, dict) or head not in event:
        yield (here if isinstance(event, dict) else where or here), MISSING
        return
    value = event[head]
    if rest and value is None:
        yield here, None
        return
    yield from values_at(value, rest, here)


def problems(event: JSON, path: str, matcher: Matcher) -> list[str]:
    """What is wrong with ``event`` for one declared field: one reason per place."""
    out = []
    for where, value in values_at(event, parse_path(path)):
        if value is MISSING:
            out.append(f"{where} is missing")
            continue
        reason = matcher.check(value)
        if reason:
            out.append(f"{where} {reason}" if not reason.startswith((where, "[")) else
                       f"{where}{reason}" if reason.startswith("[") else reason)
    return out


def declare(schema: JSON, event: str, fields: dict[str, Matcher]) -> None:
    """Check that every declared field exists in ``schema`` and that its matcher can match."""
    for path, matcher in fields.items():
        try:
            info = lookup(schema, path)
        except ValueError as exc:
            raise ContractTestError(str(exc)) from None
        if info is None:
            near = difflib.get_close_matches(path, all_paths(schema), n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            raise ContractTestError(f"{event} has no field {path!r}{hint}")
        if isinstance(matcher, Like | EachLike):
            example = [matcher.example] if isinstance(matcher, EachLike) else matcher.example
            _like(schema, event, path, example, matcher)
            continue
        # one_of may list values a consumer handles defensively; one allowed value suffices.
        values = matcher.samples()
        if values and not any(_fits(schema, sub, v) for v in values for sub in info.schemas):
            raise ContractTestError(
                f"{matcher.describe()} for {path!r} can never match {event}: the schema "
                f"allows none of {values!r} there (allowed types: "
                f"{', '.join(sorted(info.types))})"
            )


def _like(schema: JSON, event: str, path: str, example: JSON, matcher: Matcher) -> None:
    """Type matching, as like() does it: the example's type, and its keys, must exist."""
    info = lookup(schema, path)
    if info is None:
        raise ContractTestError(f"{matcher.describe()}: {event} has no field {path!r}")
    kind = json_type(example)
    if not covers(info.types, frozenset({kind})) and not (
            kind == "integer" and "number" in info.types):
        raise ContractTestError(
            f"{matcher.describe()} for {path!r} can never match {event}: the example is "
            f"{kind}, the schema allows {', '.join(sorted(info.types))}"
        )
    if isinstance(example, dict):
        for key, sub in example.items():
            _like(schema, event, f"{path}.{key}", sub, matcher)
    elif isinstance(example, list) and example:
        _like(schema, event, f"{path}[]", example[0], matcher)


def _fits(root: JSON, sub: JSON, value: JSON) -> bool:
    if isinstance(sub, bool):
        return sub
    return bool(subschema_validator(root, sub).is_valid(value))
