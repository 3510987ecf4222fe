"""Identifiers, docstrings, ECMA pattern translation, and what codegen refuses."""

from __future__ import annotations

import ast
import re
from typing import Any

import pytest
import regress
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.codegen import CodegenError, generate_python
from accord.codegen.naming import Namer, docstring, is_safe, pascal, snake
from accord.codegen.patterns import PatternError, translate
from tests.codegen.codegen_support import in_memory


@pytest.mark.parametrize("raw,expected", [
    ("orderId", "order_id"), ("HTTPStatus", "http_status"), ("a-b c", "a_b_c"),
    ("naïve", "naive"), ("日本", ""), ("__x__", "x"),
])
def test_snake(raw: str, expected: str) -> None:
    assert snake(raw) == expected


def test_pascal() -> None:
    assert pascal("order_line") == "OrderLine"
    assert pascal("sales-channel") == "SalesChannel"


@given(st.lists(st.text(max_size=8), max_size=12))
def test_namer_gives_safe_unique_names(raws: list[str]) -> None:
    namer = Namer()
    names = [namer.claim(snake(raw)) for raw in raws]
    assert len(set(names)) == len(names)
    assert all(is_safe(n) for n in names)


@given(st.text())
def test_docstrings_evaluate_back_to_the_text(text: str) -> None:
    lines = docstring(text, "    ")
    if not lines:
        assert not text.strip() or not [ln for ln in text.splitlines() if ln.strip()]
        return
    source = "class C:\n" + "\n".join(lines) + "\n"
    tree = ast.parse(source)  # never a syntax error, whatever the text
    assert len(tree.body) == 1 and isinstance(tree.body[0], ast.ClassDef)
    body = tree.body[0].body
    assert len(body) == 1 and isinstance(body[0], ast.Expr)
    value = body[0].value
    assert isinstance(value, ast.Constant) and isinstance(value.value, str)
    wanted = [line.rstrip() for line in text.strip().splitlines()]
    while wanted and not wanted[-1]:
        wanted.pop()
    if len(lines) == 1:
        assert value.value == wanted[0]
    else:
        assert value.value.split("\n") == [wanted[0], *(f"    {w}" if w else "" for w in
                                                          wanted[1:]), "    "]


ECMA_CASES = [
    ("^\\d+$", ["12", "١٢", "12\n", ""]),
    ("^\\w$", ["a", "é", "_"]),
    ("\\s", [" ", "\u00a0", "\ufeff", "\u2028", "x"]),
    ("^a.b$", ["axb", "a\nb", "a\rb", "a\u2028b"]),
    ("^x$", ["x", "x\n"]),
    ("^a{,2}$", ["a{,2}", "aa"]),
    ("(?<n>a)\\k<n>", ["aa", "ab"]),
    ("[\\d-]", ["-", "5", "x"]),
    ("\\bfoo\\b", ["a foo", "éfoo", "foo_"]),
    ("^[^\\s]$", ["x", " "]),
]


@pytest.mark.parametrize("pattern,samples", ECMA_CASES)
def test_patterns_follow_ecma(pattern: str, samples: list[str]) -> None:
    translated = re.compile(translate(pattern), re.ASCII)
    for sample in samples:
        ecma = regress.Regex(pattern).find(sample) is not None
        assert (translated.search(sample) is not None) == ecma, (pattern, sample)


@settings(max_examples=200)
@given(st.sampled_from([p for p, _ in ECMA_CASES]), st.text(max_size=6))
def test_patterns_agree_with_regress_on_any_text(pattern: str, sample: str) -> None:
    ecma = regress.Regex(pattern).find(sample) is not None
    assert (re.compile(translate(pattern), re.ASCII).search(sample) is not None) == ecma


@pytest.mark.parametrize("pattern", ["\\A", "[]", "\\p{L}", "(?i)x", "\\z", "[a", "\\"])
def test_untranslatable_patterns_are_refused(pattern: str) -> None:
    with pytest.raises(PatternError):
        translate(pattern)


@pytest.mark.parametrize("schema,message", [
    ({"type": "object", "properties": {"a": {"type": "string", "pattern": "\\p{L}"}}},
     "/properties/a/pattern"),
    ({"type": "object", "properties": {"a": {"type": "object", "properties": {},
                                             "patternProperties": {"\\p{L}": {}}}}},
     "/properties/a/patternProperties/\\p{L}"),
    ({"type": "string"}, "must be an object"),
    ({"type": "object", "properties": {"a": {"$ref": "https://example.com/a.json"}}},
     "names a resource outside the schema"),
])
def test_what_cannot_be_exact_is_refused(schema: dict[str, Any], message: str) -> None:
    with pytest.raises(CodegenError) as caught:
        generate_python(in_memory([schema]))
    assert message in str(caught.value)
    assert "gen.Thing v1" in str(caught.value)


def test_bad_package_name_and_style() -> None:
    registry = in_memory([{"type": "object", "properties": {}}])
    with pytest.raises(Exception, match="not a valid Python package name"):
        generate_python(registry, package="my-events")
    with pytest.raises(Exception, match="unknown style"):
        generate_python(registry, style="attrs")


def test_checks_for_one_and_true_stay_apart(tmp_path: Any) -> None:
    from tests.codegen.codegen_support import generate, load_package

    schema = {"type": "object", "additionalProperties": False, "properties": {
        "one": {"const": 1}, "yes": {"const": True}, "two": {"type": "integer", "multipleOf": 2},
        "half": {"type": "number", "multipleOf": 2.0}}}
    events = load_package(tmp_path, generate(in_memory([schema]), tmp_path, "one_true").name)
    assert events.Thing.from_dict({"one": 1.0, "yes": True}).to_dict() == {"one": 1.0,
                                                                            "yes": True}
    for bad in ({"one": True}, {"yes": 1}):
        with pytest.raises(events.ValidationError):
            events.Thing.from_dict(bad)


SMALL_CASES: list[tuple[dict[str, Any], list[Any]]] = [
    ({"type": "object", "properties": {"m": {"type": "object", "maxProperties": 2,
                                             "propertyNames": {"pattern": "^[a-z]+$"},
                                             "additionalProperties": {"type": "integer"}}}},
     [{"m": {"ab": 1}}, {"m": {"Ab": 1}}, {"m": {"a": 1, "b": 2, "c": 3}}, {"m": {"a": "1"}}]),
    ({"type": "object", "minProperties": 2, "maxProperties": 3,
      "properties": {"a": {"type": "string"}}},
     [{"a": "x"}, {"a": "x", "b": 1}, {"a": "x", "b": 1, "c": 2, "d": 3}]),
    ({"type": "object", "properties": {"a": {"allOf": [{"type": "string", "maxLength": 2}]}}},
     [{"a": "ab"}, {"a": "abc"}, {"a": 1}]),
    ({"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
      "definitions": {"s": {"type": "string"}},
      "properties": {"a": {"$ref": "#/definitions/s", "maxLength": 1}}},
     [{"a": "long is fine: siblings of $ref are ignored in draft-07"}, {"a": 1}]),
    ({"type": "object", "properties": {"n": {"type": "number", "exclusiveMinimum": 0,
                                             "multipleOf": 0.1}}},
     [{"n": 0.3}, {"n": 0}, {"n": 0.35}, {"n": True}, {"n": "1"}]),
    ({"type": "object", "required": ["x"]}, [{"x": None}, {}, {"x": [1], "y": {"z": 1}}]),
]


@pytest.mark.parametrize("index", range(len(SMALL_CASES)))
def test_small_schemas_agree_with_jsonschema(tmp_path: Any, index: int) -> None:
    from tests.codegen.codegen_support import generate, load_package, validator_for, verdicts

    schema, payloads = SMALL_CASES[index]
    events = load_package(tmp_path, generate(in_memory([schema]), tmp_path,
                                             f"small_{index}").name)
    validator = validator_for(schema)
    for payload in payloads:
        expected, actual = verdicts(events.Thing, validator, payload, events.ValidationError)
        assert expected == actual, payload
