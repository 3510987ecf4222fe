"""Helpers for the codegen tests: generating packages, importing them, judging payloads."""

from __future__ import annotations

import copy
import importlib
import sys
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import regress

from accord.codegen import generate_python, write_package
from accord.codegen.keywords import FORMATS
from accord.registry import Registry
from accord.registry.model import Contract, ContractVersion

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "contracts"
HOSTILE = Path(__file__).resolve().parent / "registries" / "hostile"
PACKAGES = {
    "example_dc": ("example", "dataclasses"),
    "example_pd": ("example", "pydantic"),
    "hostile_dc": ("hostile", "dataclasses"),
    "hostile_pd": ("hostile", "pydantic"),
    "corpus_dc": ("corpus", "dataclasses"),
    "corpus_pd": ("corpus", "pydantic"),
}
"""The packages the session generates: name -> (registry, style)."""


def generate(registry: Registry, out: Path, package: str, style: str = "dataclasses") -> Path:
    write_package(generate_python(registry, package=package, style=style, source="test"), out)
    return out / package


def load_package(out: Path, package: str) -> ModuleType:
    """Import a generated package (each test package has a name of its own)."""
    if str(out) not in sys.path:
        sys.path.insert(0, str(out))
    importlib.invalidate_caches()
    return importlib.import_module(package)


def in_memory(schemas: list[Any], event: str = "gen.Thing") -> Registry:
    """A registry of one contract whose versions are ``schemas`` (no cross-file refs)."""
    versions = tuple(ContractVersion(number=i + 1, schema=s, resolved=s)
                     for i, s in enumerate(schemas))
    contract = Contract(event=event, path="gen/thing.yaml", summary="A thing.", owner="t",
                        channel="things", versions=versions)
    return Registry(root="mem", contracts=(contract,))


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    """`pattern` with ECMA-262 semantics, as the contracts mean it."""
    if isinstance(instance, str) and regress.Regex(pattern).find(instance) is None:
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


def _decimal_multiple_of(validator: Any, factor: Any, instance: Any,
                         schema: Any) -> Iterator[Any]:
    """`multipleOf` on the numbers as the JSON text writes them: 0.3 is a multiple of 0.1
    (jsonschema divides floats, 0.3 / 0.1 = 2.9999999999999996, and says it is not)."""
    if validator.is_type(instance, "number") and (
            Fraction(repr(instance)) / Fraction(repr(factor))).denominator != 1:
        yield jsonschema.ValidationError(f"{instance!r} is not a multiple of {factor!r}")


def validator_for(schema: Any) -> Any:
    """jsonschema's validator for ``schema``, with ECMA patterns, decimal `multipleOf` and
    the asserted formats."""
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    ecma = jsonschema.validators.extend(cls, {"pattern": _ecma_pattern,
                                              "multipleOf": _decimal_multiple_of})
    return ecma(schema, format_checker=FORMATS)


_REPLACEMENTS: tuple[Any, ...] = (None, "5", True, 5, 5.5, -1, [], {}, "", "x" * 300,
                                  "2026-13-01T00:00:00Z", "not-a-uuid")


def mutations(payload: Any) -> Iterator[Any]:
    """Payloads one change away from ``payload``, at every position in it.

    Every category the issue names: a wrong type, null, a string or a bool for an integer, a
    missing property, an extra property, a broken pattern, a duplicate item.
    """
    for path, node in _walk(payload, ()):
        for value in _REPLACEMENTS:
            if value is not node:
                yield _replace(payload, path, value)
        if isinstance(node, dict):
            for key in node:
                yield _replace(payload, path, {k: v for k, v in node.items() if k != key})
            yield _replace(payload, path, {**node, "zz_extra": 1})
        elif isinstance(node, list) and node:
            yield _replace(payload, path, [*node, copy.deepcopy(node[0])])
        elif isinstance(node, str):
            yield _replace(payload, path, node + "!")
            yield _replace(payload, path, " " + node)
            yield _replace(payload, path, node + "\n")
        elif isinstance(node, int) and not isinstance(node, bool):
            yield _replace(payload, path, float(node))
            yield _replace(payload, path, node + 1)


def _walk(node: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, (*path, index))


def _replace(payload: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    out = copy.deepcopy(payload)
    node = out
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return out


def verdicts(cls: Any, validator: Any, payload: Any, errors: type[Exception]) -> tuple[bool, bool]:
    """(jsonschema accepts, from_dict accepts); a refusal must be the generated error."""
    expected = validator.is_valid(payload)
    try:
        loaded = cls.from_dict(payload)
    except errors as exc:
        assert str(exc).startswith("$"), exc
        return expected, False
    assert same(loaded.to_dict(), payload)
    return expected, True


def same(a: Any, b: Any) -> bool:
    """JSON equality: like ==, but true is not 1 (1 and 1.0 are the same number)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and a == b
