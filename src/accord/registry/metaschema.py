"""Check a schema against its draft's meta-schema, fast.

jsonschema's own ``check_schema`` costs milliseconds per realistic schema under 2020-12
(its meta-schema is built from ``$dynamicRef``, which jsonschema resolves slowly), too slow
for a registry of thousands of schema versions.  This module hand-codes the 2020-12 and
draft-07 meta-schemas as a keyword table and walks a schema iteratively.  The walk decides
*whether* a schema is valid; only when it finds a problem is jsonschema asked, so that the
issues a user reads are jsonschema's and a walk that was too strict costs a slow check,
never a false report.  ``tests/registry/test_metaschema.py`` holds the property tests that
the walk is exactly the meta-schema.

Where jsonschema cannot answer, the walk's verdict stands: a schema nested too deep for
jsonschema's recursion is still checked, and a ``pattern`` that ``re.compile`` rejects with
OverflowError (which jsonschema lets escape) is an issue rather than a crash.
"""

from __future__ import annotations

import numbers
import re
import reprlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, Final, TypeAlias

from jsonschema import Draft7Validator, Draft202012Validator
from jsonschema.exceptions import best_match

from accord.registry import pointer

__all__ = ["DRAFT_07", "DRAFT_2020_12", "MetaSchemaIssue", "check_schema", "draft_of"]

DRAFT_2020_12: Final = "https://json-schema.org/draft/2020-12/schema"
DRAFT_07: Final = "http://json-schema.org/draft-07/schema#"

# `$schema` spellings differ in scheme and trailing '#' only; key on what is left.
_DIALECTS: Final = {
    "json-schema.org/draft/2020-12/schema": DRAFT_2020_12,
    "json-schema.org/draft-07/schema": DRAFT_07,
}


@dataclass(frozen=True, slots=True)
class MetaSchemaIssue:
    """One way a schema breaks its meta-schema."""

    pointer: str  # RFC 6901 pointer into the checked schema, "" for the schema itself
    message: str  # one line


def draft_of(schema: object, default: str = DRAFT_2020_12) -> str:
    """The draft URI ``schema`` declares in ``$schema``, or ``default`` when it declares none."""
    if not isinstance(schema, dict) or "$schema" not in schema:
        return _normalize(default, "default draft")
    return _normalize(schema["$schema"], "$schema")


def check_schema(schema: object, draft: str | None = None) -> list[MetaSchemaIssue]:
    """Issues of ``schema`` against the meta-schema of ``draft`` (by default its ``$schema``).

    Returns ``[]`` when the schema is valid.  Raises ``ValueError`` when the draft is
    neither 2020-12 nor draft-07.
    """
    uri = draft_of(schema) if draft is None else _normalize(draft, "draft")
    fast = _fast_issues(schema, uri)
    if not fast:
        return []
    try:
        return _jsonschema_issues(schema, uri)
    # jsonschema recurses once per nesting level and lets exceptions other than re.error
    # escape its regex check (re.compile("a{9999999999}") raises OverflowError); the walk
    # has found the problem already, so report it rather than crash the loader.
    except (RecursionError, OverflowError):
        return fast


def _normalize(uri: object, what: str) -> str:
    if isinstance(uri, str):
        rest = uri.removesuffix("#")
        for scheme in ("https://", "http://"):
            if rest.startswith(scheme) and rest[len(scheme) :] in _DIALECTS:
                return _DIALECTS[rest[len(scheme) :]]
    raise ValueError(
        f"{what} {uri!r} is not a JSON Schema draft Accord checks; "
        f"use {DRAFT_2020_12!r} (the default) or {DRAFT_07!r}"
    )


# -- jsonschema, for the messages -----------------------------------------------------------


@cache
def _meta_validator(uri: str) -> Any:
    # The same validator jsonschema's own check_schema builds, format checking included.
    cls = Draft202012Validator if uri == DRAFT_2020_12 else Draft7Validator
    return cls(cls.META_SCHEMA, format_checker=cls.FORMAT_CHECKER)


def _jsonschema_issues(schema: object, uri: str) -> list[MetaSchemaIssue]:
    errors = list(_meta_validator(uri).iter_errors(schema))
    if not errors:
        return []
    best = best_match(errors)
    issues: list[MetaSchemaIssue] = []
    for error in [best, *(e for e in errors if e is not best)]:
        issue = MetaSchemaIssue(pointer.join(error.absolute_path), _one_line(error.message))
        if issue not in issues:
            issues.append(issue)
    return issues


def _one_line(message: str, limit: int = 300) -> str:
    flat = " ".join(message.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


# -- the walk --------------------------------------------------------------------------------

# A path is a cons list (parent, token) so that pushing a subschema costs one tuple;
# pointers are only spelled out for the few values that turn out to be wrong.
_Path: TypeAlias = "tuple[_Path, object] | None"
_Stack: TypeAlias = "list[tuple[object, _Path]]"


class _Walk:
    """State of one check: the subschemas still to visit and the issues found."""

    __slots__ = ("issues", "stack")

    def __init__(self, schema: object) -> None:
        self.stack: _Stack = [(schema, None)]
        self.issues: list[MetaSchemaIssue] = []

    def fail(self, path: _Path, message: str) -> None:
        tokens: list[object] = []
        while path is not None:  # iterative: paths can be 20,000 tokens long
            path, token = path
            tokens.append(token)
        tokens.reverse()
        self.issues.append(MetaSchemaIssue(pointer.join(tokens), message))


_Check: TypeAlias = Callable[[_Walk, str, Any, _Path], None]

# Bounded, so that showing a bad value never recurses through a deep one or floods a line.
_repr = reprlib.Repr()
_repr.maxlevel, _repr.maxstring, _repr.maxother = 2, 60, 60
_show = _repr.repr

_SIMPLE_TYPES: Final = frozenset(
    ("array", "boolean", "integer", "null", "number", "object", "string")
)
# The meta-schemas' `pattern`s, applied with re.search as jsonschema does (so Python's `$`
# semantics, which also match before a final newline, are part of the contract).
_ANCHOR: Final = re.compile(r"^[A-Za-z_][-A-Za-z0-9._]*$")
_ID_WITHOUT_FRAGMENT: Final = re.compile(r"^[^#]*#?$")


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


def _is_integer(value: object) -> bool:
    # JSON Schema counts 1.0 as an integer; Python counts True as one, JSON Schema does not.
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _is_string_array(value: object) -> bool:
    return (
        isinstance(value, list)
        and all(isinstance(item, str) for item in value)
        and len(set(value)) == len(value)
    )


def _regex_error(pattern: str) -> str | None:
    # The `regex` format is re.compile in jsonschema; re caches compiled patterns.
    try:
        re.compile(pattern)
    except re.error as error:
        return str(error)
    except (OverflowError, RecursionError) as error:  # see check_schema
        return str(error)
    return None


def _uri_check(fmt: str) -> Callable[[str], bool] | None:
    # jsonschema checks `uri`/`uri-reference` only when rfc3987 or rfc3986-validator is
    # installed; ask its checkers rather than assume, so the walk follows the environment.
    # Both drafts share the one implementation of each format.
    checker = Draft202012Validator.FORMAT_CHECKER
    if fmt not in checker.checkers:
        return None

    def conforms(value: str) -> bool:
        return bool(checker.conforms(value, fmt))

    return conforms


_URI: Final = _uri_check("uri")
_URI_REFERENCE: Final = _uri_check("uri-reference")


def _schema(walk: _Walk, keyword: str, value: Any, path: _Path) -> None:
    walk.stack.append((value, (path, keyword)))


def _schema_map(walk: _Walk, keyword: str, value: Any, path: _Path) -> None:
    if not isinstance(value, dict):
        walk.fail((path, keyword), f"{keyword} must be an object of schemas, got {_show(value)}")
        return
    here = (path, keyword)
    walk.stack.extend((sub, (here, name)) for name, sub in value.items())


def _pattern_properties(walk: _Walk, keyword: str, value: Any, path: _Path) -> None:
    _schema_map(walk, keyword, value, path)
    if isinstance(value, dict):
        for name in value:
            error = _regex_error(name) if isinstance(name, str) else None
            if error is not None:
                walk.fail(
                    ((path, keyword), name),
                    f"{keyword} key {_show(name)} is not a valid regular expression: {error}",
                )


def _schema_array(walk: _Walk, keyword: str, value: Any, path: _Path) -> None:
    if not isinstance(value, list) or not value:
        walk.fail(
            (path, keyword), f"{keyword} must be a non-empty array of schemas, got {_show(value)}"
        )
        return
    here = (path, keyword)
    walk.stack.extend((sub, (here, index)) for index, sub in enumerate(value))


def _items_07(walk: _Walk, keyword: str, value: Any, path: _Path) -> None:
    # draft-07 `items` is a schema or a non-empty array of them (2020-12 split the array
    # form out into `prefixItems`).
    if isinstance(value, list):
        _schema_array(walk, keyword, value, path)
    elif isinstance(value, dict | bool):
        _schema(walk, keyword, value, path)
    else:
        walk.fail(
            (path, keyword),
            f"{keyword} must be a schema or a non-empty array of schemas, got {_show(value)}",
        )


def _string(walk: _Walk, keyword: str, value: Any, path: _Path) -> None:
    if not isinstance(value, str):
        walk.fail((path, keyword), f"{keyword} must be a string, got {_show(value)}")


def _uri(walk: _Walk, keyword: str, value: Any, path: _Path) -> None:
    if not isinstance(value, str):
        walk.fail((path, keyword), f"{keyword} must be a URI string, got {_show(value)}")
    elif _URI is not None and not _URI(value):
        walk.fail((path, keyword), f"{keyword} must be an absolute URI, got {_show(value)}")


def _uri_reference(walk: _Walk, keyword: str, value: Any, path: _Path) -> None:
    if not isinstance(value, str):
        walk.fail((path, keyword), f"{keyword} must be a URI-reference string, got {_show(value)}")
    elif _URI_REFERENCE is not None and not _URI_REFERENCE(value):
        walk.fail((path, keyword), f"{keyword} must be a URI reference, got {_show(value)}")


def _id_2020(walk: _Walk, keyword: str, value: Any, path: _Path) -> None:
    _uri_reference(walk, keyword, value, path)
    if isinstance(value, str) and not _ID_WITHOUT_FRAGMENT.search(value):
        walk.fail((path, keyword), f"{keyword} must not have a non-empty fragment, got {value!r}")


def _anchor(walk: _Walk, keyword: str, value: Any, path: _Path) -> None:
    if not isinstance(value, str) or not _ANCHOR.search(value):
        walk.fail(
            (path, keyword),
            f"{keyword} must be a name matching {_ANCHOR.pattern}, got {_show(value)}",
        )


def _boolean(walk: _Walk, keyword: str, value: Any, path: _Path) -> None:
    if not isinstance(value, bool):
        walk.fail((path, keyword), f"{keyword} must be a boolean, got {_show(value)}")


def _array(walk: _Walk, keyword: str, value: Any, path: _Path) -> None:
    if not isinstance(value, list):
        walk.fail((path, keyword), f"{keyword} must be an array, got {_show(value)}")


def _number(walk: _Walk, keyword: str, value: Any, path: _Path) -> None:
    if not _is_number(value):
        walk.fail((path, keyword), f"{keyword} must be a number, got {_show(value)}")


def _positive_number(walk: _Walk, keyword: str, value: Any, path: _Path) -> None:
    # Written as jsonschema's exclusiveMinimum is (fail on `value <= 0`), so NaN passes too.
    if not _is_number(value) or value <= 0:
        walk.fail((path, keyword), f"{keyword} must be a number above 0, got {_show(value)}")


def _non_negative_integer(walk: _Walk, keyword: str, value: Any, path: _Path) -> None:
    if not _is_integer(value) or value < 0:
        walk.fail((path, keyword), f"{keyword} must be a non-negative integer, got {_show(value)}")


def _regex(walk: _Walk, keyword: str, value: Any, path: _Path) -> None:
    if not isinstance(value, str):
        walk.fail((path, keyword), f"{keyword} must be a string, got {_show(value)}")
        return
    error = _regex_error(value)
    if error is not None:
        walk.fail(
            (path, keyword), f"{keyword} {value!r} is not a valid regular expression: {error}"
        )


def _type(walk: _Walk, keyword: str, value: Any, path: _Path) -> None:
    if isinstance(value, str):
        valid = value in _SIMPLE_TYPES
    elif isinstance(value, list):
        valid = (
            bool(value)
            and all(isinstance(item, str) and item in _SIMPLE_TYPES for item in value)
            and len(set(value)) == len(value)
        )
    else:
        valid = False
    if not valid:
        walk.fail(
            (path, keyword),
            f"{keyword} must be one of {', '.join(sorted(_SIMPLE_TYPES))}"
            f" or a non-empty array of distinct ones, got {_show(value)}",
        )


def _string_array(walk: _Walk, keyword: str, value: Any, path: _Path) -> None:
    if not _is_string_array(value):
        walk.fail(
            (path, keyword), f"{keyword} must be an array of distinct strings, got {_show(value)}"
        )


def _string_array_map(walk: _Walk, keyword: str, value: Any, path: _Path) -> None:
    if not isinstance(value, dict):
        walk.fail((path, keyword), f"{keyword} must be an object, got {_show(value)}")
        return
    for name, item in value.items():
        if not _is_string_array(item):
            walk.fail(
                ((path, keyword), name),
                f"{keyword} values must be arrays of distinct strings, got {_show(item)}",
            )


def _dependencies(walk: _Walk, keyword: str, value: Any, path: _Path) -> None:
    if not isinstance(value, dict):
        walk.fail((path, keyword), f"{keyword} must be an object, got {_show(value)}")
        return
    here = (path, keyword)
    for name, item in value.items():
        if isinstance(item, dict | bool):
            walk.stack.append((item, (here, name)))
        elif not _is_string_array(item):
            walk.fail(
                (here, name),
                f"{keyword} values must be schemas or arrays of distinct strings,"
                f" got {_show(item)}",
            )


def _vocabulary(walk: _Walk, keyword: str, value: Any, path: _Path) -> None:
    if not isinstance(value, dict):
        walk.fail((path, keyword), f"{keyword} must be an object, got {_show(value)}")
        return
    for name, item in value.items():
        # Keys are strings in JSON, but a YAML mapping can have others: the meta-schema
        # types them as strings.
        if not isinstance(name, str) or (_URI is not None and not _URI(name)):
            walk.fail(((path, keyword), name), f"{keyword} keys must be URIs, got {name!r}")
        if not isinstance(item, bool):
            walk.fail(
                ((path, keyword), name), f"{keyword} values must be booleans, got {_show(item)}"
            )


def _anything(walk: _Walk, keyword: str, value: Any, path: _Path) -> None:
    # const, default, examples' items: any JSON value; listed so the table names every
    # keyword its meta-schema declares.
    pass


# What the keywords both drafts declare require of their values.
_COMMON: Final[dict[str, _Check]] = {
    "$schema": _uri,
    "$ref": _uri_reference,
    "$comment": _string,
    "title": _string,
    "description": _string,
    "default": _anything,
    "readOnly": _boolean,
    "examples": _array,
    "multipleOf": _positive_number,
    "maximum": _number,
    "exclusiveMaximum": _number,
    "minimum": _number,
    "exclusiveMinimum": _number,
    "maxLength": _non_negative_integer,
    "minLength": _non_negative_integer,
    "pattern": _regex,
    "maxItems": _non_negative_integer,
    "minItems": _non_negative_integer,
    "uniqueItems": _boolean,
    "contains": _schema,
    "maxProperties": _non_negative_integer,
    "minProperties": _non_negative_integer,
    "required": _string_array,
    "additionalProperties": _schema,
    "definitions": _schema_map,
    "properties": _schema_map,
    "patternProperties": _pattern_properties,
    "dependencies": _dependencies,
    "propertyNames": _schema,
    "const": _anything,
    "enum": _array,
    "type": _type,
    "format": _string,
    "contentMediaType": _string,
    "contentEncoding": _string,
    "if": _schema,
    "then": _schema,
    "else": _schema,
    "allOf": _schema_array,
    "anyOf": _schema_array,
    "oneOf": _schema_array,
    "not": _schema,
}

# http://json-schema.org/draft-07/schema
_DRAFT_07_KEYWORDS: Final[dict[str, _Check]] = {
    **_COMMON,
    "$id": _uri_reference,
    "items": _items_07,
    "additionalItems": _schema,
}

# https://json-schema.org/draft/2020-12/schema and its vocabulary meta-schemas (core,
# applicator, unevaluated, validation, meta-data, format-annotation, content), including the
# deprecated keywords the top meta-schema still declares.  `additionalItems` is not among
# them: under 2020-12 it is an unknown keyword and may hold anything.
_DRAFT_2020_12_KEYWORDS: Final[dict[str, _Check]] = {
    **_COMMON,
    "$id": _id_2020,
    "$anchor": _anchor,
    "$dynamicRef": _uri_reference,
    "$dynamicAnchor": _anchor,
    "$vocabulary": _vocabulary,
    "$defs": _schema_map,
    "$recursiveAnchor": _anchor,
    "$recursiveRef": _uri_reference,
    "prefixItems": _schema_array,
    "items": _schema,
    "dependentSchemas": _schema_map,
    "unevaluatedItems": _schema,
    "unevaluatedProperties": _schema,
    "maxContains": _non_negative_integer,
    "minContains": _non_negative_integer,
    "dependentRequired": _string_array_map,
    "deprecated": _boolean,
    "writeOnly": _boolean,
    "contentSchema": _schema,
}

_KEYWORDS: Final = {DRAFT_2020_12: _DRAFT_2020_12_KEYWORDS, DRAFT_07: _DRAFT_07_KEYWORDS}


def _fast_issues(schema: object, draft: str) -> list[MetaSchemaIssue]:
    """The walk alone, without jsonschema: ``[]`` exactly when ``schema`` is valid."""
    keywords = _KEYWORDS[draft]
    walk = _Walk(schema)
    stack = walk.stack
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            for keyword, value in node.items():
                check = keywords.get(keyword)
                if check is not None:
                    check(walk, keyword, value, path)
        elif not isinstance(node, bool):
            walk.fail(path, f"a schema must be an object or a boolean, got {_show(node)}")
    return walk.issues
