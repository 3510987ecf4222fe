"""Rules on how a schema is written: keywords its draft knows, and YAML 1.1 look-alikes."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from accord.governance.rules.base import Context, Issue, Rule, SchemaDoc
from accord.registry.metaschema import DRAFT_07, DRAFT_2020_12, draft_of
from accord.registry.model import Contract, SourceMap
from accord.registry.pointer import MISSING, resolve
from accord.validation.regex import why_unsupported

_COMMON = frozenset({
    "$schema", "$id", "$ref", "$comment", "type", "enum", "const", "multipleOf", "maximum",
    "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern",
    "items", "maxItems", "minItems", "uniqueItems", "contains", "maxProperties",
    "minProperties", "required", "properties", "patternProperties", "additionalProperties",
    "propertyNames", "if", "then", "else", "allOf", "anyOf", "oneOf", "not", "format",
    "contentEncoding", "contentMediaType", "title", "description", "default", "readOnly",
    "writeOnly", "examples",
})
_ONLY_2020 = frozenset({
    "$defs", "$anchor", "$dynamicRef", "$dynamicAnchor", "$vocabulary", "prefixItems",
    "dependentRequired", "dependentSchemas", "unevaluatedItems", "unevaluatedProperties",
    "minContains", "maxContains", "contentSchema", "deprecated",
})
_ONLY_07 = frozenset({"definitions", "dependencies", "additionalItems"})
VOCABULARY = {DRAFT_2020_12: _COMMON | _ONLY_2020, DRAFT_07: _COMMON | _ONLY_07}

# What the other draft calls it, for a keyword of the wrong draft.
_INSTEAD = {
    "dependencies": "`dependentRequired` (a list) or `dependentSchemas` (a schema)",
    "additionalItems": "`items` beside `prefixItems`",
    "definitions": "`$defs`",
    "$defs": "`definitions`",
    "prefixItems": "array-form `items`",
    "dependentRequired": "`dependencies`",
    "dependentSchemas": "`dependencies`",
}
_NAMES = {DRAFT_2020_12: "2020-12", DRAFT_07: "draft-07"}


class UnknownKeyword(Rule):
    id = "unknown-keyword"
    summary = "Every schema keyword is one its draft defines: a typo is a constraint lost."
    description = (
        "JSON Schema ignores keywords it does not know, so `maxLenght: 20` means no length "
        "limit at all, silently. Keywords of the other draft are just as silent: "
        "`dependencies`, `additionalItems` and array-form `items` do nothing under 2020-12, "
        "and `prefixItems` or `dependentRequired` nothing under draft-07. `x-` extensions "
        "are allowed; a registry that uses a vocabulary of its own lists its keywords in the "
        "rule's `vocabulary` option (`rules: {unknown-keyword: {options: {vocabulary: "
        "[nullable]}}}` in the policy)."
    )

    def check_schema(self, doc: SchemaDoc, ctx: Context) -> Iterable[Issue]:
        draft = draft_of(doc.schema)
        known = VOCABULARY.get(draft, VOCABULARY[DRAFT_2020_12])
        extra = ctx.options.get("vocabulary", [])
        allowed = known | frozenset(k for k in extra if isinstance(k, str)) \
            if isinstance(extra, list) else known
        name = _NAMES.get(draft, draft)
        for pointer, node in doc.nodes:
            for key in node:
                if key in allowed or key.startswith("x-"):
                    if key == "items" and isinstance(node[key], list) and draft != DRAFT_07:
                        yield Issue(f"array-form `items` is draft-07; under {name} it is "
                                    "`prefixItems`", f"{pointer}/items",
                                    fix="write the list as `prefixItems`")
                    continue
                at = f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}"
                if key in _INSTEAD:
                    yield Issue(f"`{key}` is not a {name} keyword, so it constrains nothing",
                                at, fix=f"use {_INSTEAD[key]}, or declare the draft with "
                                        "`$schema`")
                    continue
                near = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.75)
                hint = f"; did you mean `{near[0]}`?" if near else ""
                yield Issue(f"unknown keyword `{key}` in a {name} schema{hint}", at,
                            fix=f"write `{near[0]}`" if near else
                            "remove it, prefix it with `x-`, or list it in the rule's "
                            "`vocabulary` option")


def _ambiguous(source: SourceMap, document: object) -> Iterable[Issue]:
    for pointer, then in sorted(source.yaml11.items()):
        value = resolve(document, pointer)
        now = "null" if value is None else repr(value) if value is not MISSING else "?"
        kind = "the string" if isinstance(value, str) else "the number" \
            if isinstance(value, int | float) else "the value"
        yield Issue(f"unquoted, this is {kind} {now} in YAML 1.2 (Accord, AsyncAPI, JSON "
                    f"Schema tools) but {then} for YAML 1.1 tools", pointer, fix="quote it")


class Yaml11Ambiguous(Rule):
    id = "yaml11-ambiguous"
    severity = "warning"
    summary = "No unquoted scalar that a YAML 1.1 tool would read as something else."
    description = (
        "Accord reads YAML as 1.2 does: `NO`, `on` and `yes` are strings, `0123` is 123 and "
        "`1:20` is a string. YAML 1.1 readers, which other tools in a pipeline may still "
        "use, read them as false, true, 83 and 80. Quoting the value makes every reader "
        "agree."
    )

    def check_contract(self, contract: Contract, ctx: Context) -> Iterable[Issue]:
        return _ambiguous(contract.source, contract.document)

    def check_schema(self, doc: SchemaDoc, ctx: Context) -> Iterable[Issue]:
        if doc.contract is not None or doc.at:
            return ()  # a contract file's schemas are covered by check_contract
        return _ambiguous(doc.source, doc.schema)


class PatternSupported(Rule):
    id = "pattern-supported"
    summary = "Every pattern can be evaluated in linear time (no backreference or lookaround)."
    description = (
        "Accord evaluates JSON Schema patterns with RE2, in time linear in the input, so "
        "that no contract or payload can hang the gate (Python's `re` runs `^(a+)+$` "
        "against 40 characters for minutes). RE2 has no backreferences and no lookaround, "
        "and repeats at most 1,000 times; a pattern that needs them is not evaluated, and "
        "a payload checked against it is not accepted. Rewrite the pattern without them."
    )

    def check_schema(self, doc: SchemaDoc, ctx: Context) -> Iterable[Issue]:
        for pointer, node in doc.nodes:
            pattern = node.get("pattern")
            if isinstance(pattern, str):
                problem = why_unsupported(pattern)
                if problem is not None:
                    yield Issue(problem, f"{pointer}/pattern",
                                fix="rewrite it without backreferences or lookaround")
            names = node.get("patternProperties")
            if isinstance(names, dict):
                for name in names:
                    problem = why_unsupported(name)
                    if problem is not None:
                        yield Issue(problem, f"{pointer}/patternProperties",
                                    fix="rewrite it without backreferences or lookaround")
