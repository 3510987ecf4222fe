"""One validator per schema, for every part of Accord that validates.

The plugin (`ContractView.validate`), lint's `examples-valid`, the simulator, `tap` and
the registry's example checks all ask `validator(schema)`. It is `compiler.compile_schema`
with Accord's two policies: patterns are ECMA-262 evaluated by RE2 in linear time
(`validation.regex`), and the asserted formats are `compiler.FORMATS` (the ones generated
classes parse into other types). Generated classes run the same compiler file on what
their types cannot say, so every front end gives the same answer on the same instance.

A schema the compiler refuses (a reference to a resource outside it, a pattern RE2 cannot
run) falls back, for that schema only, to a closed jsonschema validator with the same
policies; its ``engine`` says which one answered.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import referencing.exceptions
from jsonschema import FormatChecker

from accord.registry.pointer import join
from accord.validation import regex
from accord.validation.closed import closed_validator
from accord.validation.compiler import FORMATS, Compiled, Unsupported, compile_schema
from accord.validation.memo import remembered

_CACHE_LIMIT = 4096


def _pattern(pattern: str) -> Callable[[str], bool]:
    try:
        program = regex.compile_pattern(pattern)
    except regex.PatternUnsupported as exc:
        raise Unsupported("", exc.message) from None
    search: Callable[[str], bool] = program.search
    return search


_FORMATS = {name: remembered(test) for name, test in FORMATS.items()}
"""The format policy, with answers kept per text."""


def _format_checker() -> FormatChecker:
    checker = FormatChecker(())
    for name, test in FORMATS.items():
        checker.checks(name)(_on_strings(test))
    return checker


def _on_strings(test: Callable[[str], bool]) -> Callable[[object], bool]:
    return lambda value: not isinstance(value, str) or test(value)


FORMAT_CHECKER = _format_checker()
"""The format policy, for the jsonschema fallback."""


class Validator:
    """``is_valid`` and ``errors`` (`at /pointer: message` lines) for one schema."""

    __slots__ = ("_compiled", "_fallback", "engine", "refused", "schema")

    def __init__(self, schema: Any) -> None:
        self.schema = schema
        self._compiled: Compiled | None = None
        self._fallback: Any = None
        self.refused: str | None = None
        try:
            self._compiled = compile_schema(schema, regex=_pattern, formats=_FORMATS)
            self.engine = "compiled"
        except (Unsupported, RecursionError) as exc:
            self.refused = str(exc)
            self._fallback = closed_validator(schema, format_checker=FORMAT_CHECKER)
            self.engine = "jsonschema"

    def is_valid(self, instance: Any) -> bool:
        if self._compiled is not None:
            return self._compiled.is_valid(instance)
        try:
            return bool(self._fallback.is_valid(instance))
        except referencing.exceptions.Unresolvable:
            return False  # a reference that resolves to nothing accepts nothing

    def problems(self, instance: Any, *, limit: int = 10) -> list[tuple[str, str]]:
        """(JSON pointer, message) pairs, sorted by pointer; [] when valid."""
        if self._compiled is not None:
            return self._compiled.problems(instance, limit)
        try:
            if self._fallback.is_valid(instance):
                return []
            found = sorted((join(e.absolute_path) or "/", e.message)
                           for e in self._fallback.iter_errors(instance))
        except referencing.exceptions.Unresolvable as exc:
            return [("/", f"not evaluated: {self.refused or exc}")]
        return found[:limit]

    def errors(self, instance: Any, *, limit: int = 10) -> list[str]:
        """`at /pointer: message` lines, sorted by pointer; [] when valid."""
        return [f"at {where}: {message}" for where, message in self.problems(instance,
                                                                             limit=limit)]


_VALIDATORS: dict[str, Validator] = {}


def validator(schema: Any) -> Validator:
    """The validator of ``schema``, compiled once per distinct schema."""
    key = json.dumps(schema, sort_keys=True, default=str)
    found = _VALIDATORS.get(key)
    if found is None:
        if len(_VALIDATORS) >= _CACHE_LIMIT:
            _VALIDATORS.clear()
        found = _VALIDATORS[key] = Validator(schema)
    return found


def errors(schema: Any, instance: Any, *, limit: int = 10) -> list[str]:
    """`at /pointer: message` lines, [] when ``instance`` is valid."""
    return validator(schema).errors(instance, limit=limit)
