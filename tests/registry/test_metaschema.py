from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator, Draft202012Validator
from jsonschema.validators import validator_for

from accord.registry.metaschema import (
    DRAFT_07,
    DRAFT_2020_12,
    MetaSchemaIssue,
    _fast_issues,
    check_schema,
    draft_of,
)

DRAFTS = [DRAFT_2020_12, DRAFT_07]
_CLASSES = {DRAFT_2020_12: Draft202012Validator, DRAFT_07: Draft7Validator}
# The oracle: the meta-schema, validated as jsonschema's check_schema does, format included.
ORACLES = {
    uri: validator_for(cls.META_SCHEMA)(cls.META_SCHEMA, format_checker=cls.FORMAT_CHECKER)
    for uri, cls in _CLASSES.items()
}


def resolve(document: Any, pointer: str) -> Any:
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        document = document[int(token)] if isinstance(document, list) else document[token]
    return document


# -- draft_of --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        ("https://json-schema.org/draft/2020-12/schema", DRAFT_2020_12),
        ("https://json-schema.org/draft/2020-12/schema#", DRAFT_2020_12),
        ("http://json-schema.org/draft/2020-12/schema", DRAFT_2020_12),
        ("http://json-schema.org/draft-07/schema#", DRAFT_07),
        ("http://json-schema.org/draft-07/schema", DRAFT_07),
        ("https://json-schema.org/draft-07/schema#", DRAFT_07),
    ],
)
def test_draft_of_reads_schema_spellings(declared: str, expected: str) -> None:
    assert draft_of({"$schema": declared}) == expected


def test_draft_of_defaults() -> None:
    assert draft_of({}) == DRAFT_2020_12
    assert draft_of(True) == DRAFT_2020_12
    assert draft_of({}, default=DRAFT_07) == DRAFT_07


@pytest.mark.parametrize(
    "declared",
    ["http://json-schema.org/draft-04/schema#", "ftp://json-schema.org/draft-07/schema", 7],
)
def test_draft_of_rejects_other_drafts(declared: object) -> None:
    with pytest.raises(ValueError, match="not a JSON Schema draft Accord checks"):
        draft_of({"$schema": declared})


def test_check_schema_follows_schema_keyword() -> None:
    # `items` as an array is draft-07 only; `$defs` means nothing to draft-07.
    seven = {"$schema": "http://json-schema.org/draft-07/schema#", "items": [{}], "$defs": 1}
    assert check_schema(seven) == []
    assert check_schema({**seven, "$schema": DRAFT_2020_12}) != []
    assert check_schema(seven, draft=DRAFT_2020_12) != []


def test_check_schema_rejects_unknown_draft_argument() -> None:
    with pytest.raises(ValueError, match="draft-04"):
        check_schema({}, draft="http://json-schema.org/draft-04/schema#")


# -- representative cases, each vocabulary -----------------------------------------------------

INVALID = [
    # core
    (DRAFT_2020_12, {"$id": 5}, "/$id"),
    (DRAFT_2020_12, {"$id": "https://example.com/s#frag"}, "/$id"),
    (DRAFT_2020_12, {"$anchor": "1st"}, "/$anchor"),
    (DRAFT_2020_12, {"$dynamicAnchor": "a b"}, "/$dynamicAnchor"),
    (DRAFT_2020_12, {"$ref": ["#"]}, "/$ref"),
    (DRAFT_2020_12, {"$dynamicRef": None}, "/$dynamicRef"),
    (DRAFT_2020_12, {"$schema": 1}, "/$schema"),
    (
        DRAFT_2020_12,
        {"$vocabulary": {"https://example.com/v": "yes"}},
        "/$vocabulary/https:~1~1example.com~1v",
    ),
    (DRAFT_2020_12, {"$vocabulary": {1: True}}, "/$vocabulary/1"),  # YAML allows int keys
    (DRAFT_2020_12, {"$comment": 1}, "/$comment"),
    (DRAFT_2020_12, {"$defs": {"a": {"type": "strnig"}}}, "/$defs/a/type"),
    (DRAFT_2020_12, {"$recursiveAnchor": True}, "/$recursiveAnchor"),
    (DRAFT_2020_12, {"$recursiveRef": 0}, "/$recursiveRef"),
    # applicator
    (DRAFT_2020_12, {"prefixItems": []}, "/prefixItems"),
    (DRAFT_2020_12, {"prefixItems": [{}, 3]}, "/prefixItems/1"),
    (DRAFT_2020_12, {"items": [{}]}, "/items"),
    (DRAFT_2020_12, {"contains": "x"}, "/contains"),
    (DRAFT_2020_12, {"properties": {"name": {"maxLength": -1}}}, "/properties/name/maxLength"),
    (DRAFT_2020_12, {"properties": {"a/b~c": {"minimum": "0"}}}, "/properties/a~1b~0c/minimum"),
    (DRAFT_2020_12, {"additionalProperties": {"type": 1}}, "/additionalProperties/type"),
    (DRAFT_2020_12, {"patternProperties": {"^x": 1}}, "/patternProperties/^x"),
    (DRAFT_2020_12, {"dependentSchemas": {"a": []}}, "/dependentSchemas/a"),
    (DRAFT_2020_12, {"propertyNames": {"pattern": "("}}, "/propertyNames/pattern"),
    (DRAFT_2020_12, {"if": {}, "then": {"not": 1}}, "/then/not"),
    (DRAFT_2020_12, {"anyOf": []}, "/anyOf"),
    (DRAFT_2020_12, {"oneOf": [{"allOf": [{"else": None}]}]}, "/oneOf/0/allOf/0/else"),
    # unevaluated
    (DRAFT_2020_12, {"unevaluatedProperties": "no"}, "/unevaluatedProperties"),
    (DRAFT_2020_12, {"unevaluatedItems": {"minItems": 0.5}}, "/unevaluatedItems/minItems"),
    # validation
    (DRAFT_2020_12, {"type": "strnig"}, "/type"),
    (DRAFT_2020_12, {"type": []}, "/type"),
    (DRAFT_2020_12, {"type": ["string", "string"]}, "/type"),
    (DRAFT_2020_12, {"enum": "a"}, "/enum"),
    (DRAFT_2020_12, {"multipleOf": 0}, "/multipleOf"),
    (DRAFT_2020_12, {"maximum": True}, "/maximum"),
    (DRAFT_2020_12, {"exclusiveMinimum": "1"}, "/exclusiveMinimum"),
    (DRAFT_2020_12, {"minLength": True}, "/minLength"),
    (DRAFT_2020_12, {"maxContains": -1}, "/maxContains"),
    (DRAFT_2020_12, {"minContains": 1.5}, "/minContains"),
    (DRAFT_2020_12, {"pattern": "[a-"}, "/pattern"),
    (DRAFT_2020_12, {"uniqueItems": "true"}, "/uniqueItems"),
    (DRAFT_2020_12, {"required": ["a", "a"]}, "/required"),
    (DRAFT_2020_12, {"required": "a"}, "/required"),
    (DRAFT_2020_12, {"dependentRequired": {"a": [1]}}, "/dependentRequired/a"),
    # meta-data, format-annotation, content
    (DRAFT_2020_12, {"title": 1}, "/title"),
    (DRAFT_2020_12, {"deprecated": "no"}, "/deprecated"),
    (DRAFT_2020_12, {"writeOnly": 0}, "/writeOnly"),
    (DRAFT_2020_12, {"examples": {}}, "/examples"),
    (DRAFT_2020_12, {"format": ["date"]}, "/format"),
    (DRAFT_2020_12, {"contentEncoding": 64}, "/contentEncoding"),
    (DRAFT_2020_12, {"contentSchema": 64}, "/contentSchema"),
    # deprecated keywords the 2020-12 meta-schema still declares
    (DRAFT_2020_12, {"definitions": {"a": 1}}, "/definitions/a"),
    (DRAFT_2020_12, {"dependencies": {"a": "b"}}, "/dependencies/a"),
    (DRAFT_2020_12, {"dependencies": {"a": {"type": "nope"}}}, "/dependencies/a/type"),
    # not a schema at all
    (DRAFT_2020_12, [], ""),
    (DRAFT_2020_12, None, ""),
    # draft-07
    (DRAFT_07, {"$id": 5}, "/$id"),
    (DRAFT_07, {"items": []}, "/items"),
    (DRAFT_07, {"items": [{}, 1]}, "/items/1"),
    (DRAFT_07, {"items": 1}, "/items"),
    (DRAFT_07, {"additionalItems": 5}, "/additionalItems"),
    (DRAFT_07, {"definitions": {"a": {"minProperties": -2}}}, "/definitions/a/minProperties"),
    (DRAFT_07, {"dependencies": {"a": ["b", 2]}}, "/dependencies/a"),
    (DRAFT_07, {"properties": {"p": {"pattern": "(?<=a+)b"}}}, "/properties/p/pattern"),
    (DRAFT_07, {"readOnly": None}, "/readOnly"),
    (DRAFT_07, {"multipleOf": -1.5}, "/multipleOf"),
    (DRAFT_07, {"contentMediaType": False}, "/contentMediaType"),
    (DRAFT_07, {"type": ["integer", "float"]}, "/type"),
    (DRAFT_07, {"if": [], "else": {}}, "/if"),
]


@pytest.mark.parametrize(("draft", "schema", "pointer"), INVALID)
def test_invalid_keyword_is_reported_at_its_pointer(
    draft: str, schema: object, pointer: str
) -> None:
    assert not ORACLES[draft].is_valid(schema)
    assert pointer in [issue.pointer for issue in _fast_issues(schema, draft)]
    issues = check_schema(schema, draft)
    assert issues
    assert all(isinstance(issue, MetaSchemaIssue) and "\n" not in issue.message for issue in issues)


def test_issue_messages_name_what_is_wrong() -> None:
    [issue] = _fast_issues({"properties": {"name": {"maxLength": -1}}}, DRAFT_2020_12)
    assert issue == MetaSchemaIssue(
        "/properties/name/maxLength", "maxLength must be a non-negative integer, got -1"
    )
    # The public function speaks with jsonschema's voice, at the same place.
    [issue] = check_schema({"properties": {"name": {"maxLength": -1}}})
    assert issue.pointer == "/properties/name/maxLength"
    assert "-1" in issue.message


VALID = [
    # JSON Schema integers include 1.0; JSON Schema numbers exclude booleans only.
    (DRAFT_2020_12, {"minLength": 1.0, "maxItems": 10**30, "multipleOf": 0.01}),
    # 2020-12 does not declare additionalItems, so anything goes; draft-07 has no $defs.
    (DRAFT_2020_12, {"additionalItems": 5, "x-internal": {"type": 1}}),
    (DRAFT_07, {"$defs": 5, "prefixItems": 1, "unevaluatedItems": 2, "$anchor": "1"}),
    # re.search semantics: `$` also matches before a final newline.
    (DRAFT_2020_12, {"$id": "urn:x#\n", "$anchor": "a\n"}),
    (DRAFT_2020_12, {"$id": "https://example.com/s#", "$ref": "#/$defs/a", "$defs": {"a": True}}),
    (DRAFT_2020_12, {"dependencies": {"a": ["b"], "c": {"required": []}}, "definitions": {}}),
    (DRAFT_2020_12, {"$vocabulary": {"https://example.com/v": False}, "required": []}),
    (DRAFT_07, {"items": [{}, True], "dependencies": {"a": [], "b": False}}),
    (DRAFT_07, {"$id": "https://example.com/s#frag", "readOnly": True, "writeOnly": "?"}),
]


@pytest.mark.parametrize(("draft", "schema"), VALID)
def test_edge_cases_the_meta_schema_accepts(draft: str, schema: object) -> None:
    assert ORACLES[draft].is_valid(schema)
    assert _fast_issues(schema, draft) == []
    assert check_schema(schema, draft) == []


@pytest.mark.parametrize("draft", DRAFTS)
@pytest.mark.parametrize("schema", [True, False, {}, {"not": False}, {"properties": {"a": True}}])
def test_boolean_schemas_are_schemas(draft: str, schema: object) -> None:
    assert check_schema(schema, draft) == []


ORDER_PLACED = {
    "$schema": DRAFT_2020_12,
    "$id": "https://contracts.example.com/orders/order-placed/3",
    "title": "OrderPlaced",
    "type": "object",
    "required": ["order_id", "customer", "lines", "placed_at"],
    "additionalProperties": False,
    "properties": {
        "order_id": {"type": "string", "format": "uuid"},
        "placed_at": {"type": "string", "format": "date-time"},
        "customer": {"$ref": "#/$defs/customer"},
        "lines": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["sku", "quantity"],
                "properties": {
                    "sku": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{6}$"},
                    "quantity": {"type": "integer", "minimum": 1},
                    "unit_price": {"type": "number", "exclusiveMinimum": 0, "multipleOf": 0.01},
                },
            },
        },
        "channel": {"enum": ["web", "store", "phone"], "default": "web"},
        "coupon": {"oneOf": [{"type": "null"}, {"type": "string", "maxLength": 32}]},
    },
    "$defs": {
        "customer": {
            "type": "object",
            "properties": {"id": {"type": "string"}, "email": {"type": "string"}},
            "patternProperties": {"^x-": {}},
            "dependentRequired": {"email": ["id"]},
            "unevaluatedProperties": False,
        }
    },
}


def test_realistic_schema_is_valid() -> None:
    assert ORACLES[DRAFT_2020_12].is_valid(ORDER_PLACED)
    assert check_schema(ORDER_PLACED) == []
    seven = {**ORDER_PLACED, "$schema": DRAFT_07, "definitions": ORDER_PLACED["$defs"]}
    assert check_schema(seven) == []


# -- deep nesting ----------------------------------------------------------------------------


def nested(depth: int, innermost: object) -> object:
    schema = innermost
    for _ in range(depth):
        schema = {"not": schema}
    return schema


@pytest.mark.parametrize("draft", DRAFTS)
def test_deep_valid_schema_does_not_recurse(draft: str) -> None:
    assert check_schema(nested(20_000, {"type": "string"}), draft) == []


@pytest.mark.parametrize("draft", DRAFTS)
def test_deep_invalid_schema_is_reported_without_recursion_error(draft: str) -> None:
    # jsonschema cannot descend this far, so the walk's own issue is what comes back.
    [issue] = check_schema(nested(20_000, {"minLength": -1}), draft)
    assert issue.pointer == "/not" * 20_000 + "/minLength"
    assert issue.message == "minLength must be a non-negative integer, got -1"


def test_unparsable_regex_is_an_issue_not_a_crash() -> None:
    # re.compile raises OverflowError here, which jsonschema's format checker lets escape.
    [issue] = check_schema({"pattern": "a{4294967296}"})
    assert issue.pointer == "/pattern"


# -- equivalence with the meta-schema ----------------------------------------------------------
#
# Documents are built keyword by keyword.  Each value is usually of the shape the meta-schema
# wants ("near"), sometimes just off it ("off": the boundary cases of that keyword), and
# sometimes anything ("junk").  Near values dominate so that many whole documents are valid
# and a single off value decides the verdict, which is what catches a walk that is too lax.

NAMES = st.sampled_from(["a", "b", "a/b~c", "", "^x-", "\\d+", "https://e.x/v"])
BAD_REGEXES = st.sampled_from(["[", "(?<=a+)b", "\\p{L}", "a**", "(?P<n>"])
NAMES_OR_BAD = st.one_of(NAMES, NAMES, NAMES, BAD_REGEXES)
STRINGS = st.sampled_from(
    ["", "a", "string", "float", "^[a-z]+$", "a b", "a\n", "#", "#/$defs/a", "https://e.x/s#f"]
)
NUMBERS = st.sampled_from([0, 1, 2, -1, 10**20, 0.0, 1.0, -1.0, 0.5, -0.5, math.nan, math.inf])
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, STRINGS)
TYPE_NAMES = st.sampled_from(["string", "integer", "number", "null", "object", "array", "boolean"])
UNIQUE_NAMES = st.lists(NAMES, max_size=3, unique=True)
UNIQUE_TYPES = st.lists(TYPE_NAMES, min_size=1, max_size=3, unique=True)

SCHEMA_KEYWORDS = [
    "items", "contains", "additionalProperties", "propertyNames", "if", "then", "else", "not",
    "unevaluatedItems", "unevaluatedProperties", "contentSchema", "additionalItems",
]  # fmt: skip
MAP_KEYWORDS = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"]
ARRAY_KEYWORDS = ["allOf", "anyOf", "oneOf", "prefixItems", "items"]
URI_KEYWORDS = ["$schema", "$ref", "$dynamicRef", "$recursiveRef"]
ANCHOR_KEYWORDS = ["$anchor", "$dynamicAnchor", "$recursiveAnchor"]
TEXT_KEYWORDS = [
    "$comment", "title", "description", "format", "contentMediaType", "contentEncoding",
]  # fmt: skip
COUNT_KEYWORDS = [
    "maxLength", "minLength", "maxItems", "minItems", "maxContains", "minContains",
    "maxProperties", "minProperties",
]  # fmt: skip
BOUND_KEYWORDS = ["maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum"]
BOOLEAN_KEYWORDS = ["uniqueItems", "readOnly", "writeOnly", "deprecated"]
OTHER_KEYWORDS = [
    "$id", "pattern", "multipleOf", "type", "enum", "const", "default", "examples", "required",
    "dependentRequired", "dependencies", "$vocabulary", "x-unknown", "$unknown",
]  # fmt: skip
KEYWORDS = [
    *SCHEMA_KEYWORDS, *MAP_KEYWORDS, *ARRAY_KEYWORDS, *URI_KEYWORDS, *ANCHOR_KEYWORDS,
    *TEXT_KEYWORDS, *COUNT_KEYWORDS, *BOUND_KEYWORDS, *BOOLEAN_KEYWORDS, *OTHER_KEYWORDS,
]  # fmt: skip

Strategy = st.SearchStrategy[Any]


def near_and_off(keyword: str, schemas: Strategy) -> tuple[list[Strategy], list[Strategy]]:
    """Values of the shape `keyword` wants, and values just off that shape."""
    near: list[Strategy] = []
    off: list[Strategy] = []
    if keyword in SCHEMA_KEYWORDS:
        near.append(schemas)
        off.append(st.sampled_from([None, 0, "", "#", [], [{}]]))
    if keyword in MAP_KEYWORDS:
        near.append(st.dictionaries(NAMES, schemas, max_size=3))
        off.append(st.dictionaries(NAMES_OR_BAD, st.one_of(schemas, SCALARS), max_size=2))
    if keyword in ARRAY_KEYWORDS:
        near.append(st.lists(schemas, min_size=1, max_size=3))
        off.append(st.lists(st.one_of(schemas, SCALARS), max_size=2))
    if keyword in URI_KEYWORDS:
        near.append(st.sampled_from(["#", "#/$defs/a", "https://e.x/s", "urn:x", "a b"]))
    if keyword == "$id":
        near.append(st.sampled_from(["https://e.x/s", "https://e.x/s#", "urn:x#\n", "s.json"]))
        off.append(st.sampled_from(["https://e.x/s#f", "#a", "a#b\n"]))
    if keyword in ANCHOR_KEYWORDS:
        near.append(st.sampled_from(["a", "_x", "a.b-c_1", "a\n"]))
        off.append(st.sampled_from(["", "1st", "a b", "#a", "-a"]))
    if keyword in TEXT_KEYWORDS:
        near.append(STRINGS)
    if keyword == "pattern":
        near.append(st.sampled_from(["", "^[a-z]+$", "a{2,}", "\\d", "(?P<n>x)"]))
        off.append(BAD_REGEXES)
    if keyword in COUNT_KEYWORDS:
        near.append(st.sampled_from([0, 1, 3, 10**20, 0.0, 2.0]))
        off.append(st.sampled_from([-1, 0.5, -1.0, True, False, "1", math.nan, math.inf]))
    if keyword in BOUND_KEYWORDS:
        near.append(NUMBERS)
        off.append(st.sampled_from([True, "1", None]))
    if keyword == "multipleOf":
        near.append(st.sampled_from([1, 0.01, 2.5, 10**20, math.inf, math.nan]))
        off.append(st.sampled_from([0, 0.0, -1, -0.5, True, "2"]))
    if keyword in BOOLEAN_KEYWORDS:
        near.append(st.booleans())
        off.append(st.sampled_from([0, 1, "true", None]))
    if keyword == "type":
        near += [TYPE_NAMES, UNIQUE_TYPES]
        off += [
            st.sampled_from(["float", "", [], ["float"], [1], ["null", True]]),
            st.lists(TYPE_NAMES, min_size=2, max_size=4),  # mostly with repeats
        ]
    if keyword in ("enum", "examples"):
        near.append(st.lists(SCALARS, max_size=3))
    if keyword in ("const", "default"):
        near.append(SCALARS)
    if keyword in ("required", "dependentRequired", "dependencies"):
        string_arrays = UNIQUE_NAMES
        bad_arrays = st.sampled_from([["a", "a"], [1], ["a", None], [True]])
        if keyword == "required":
            near.append(string_arrays)
            off.append(bad_arrays)
        else:
            values = string_arrays
            if keyword == "dependencies":
                values = st.one_of(string_arrays, schemas)
            near.append(st.dictionaries(NAMES, values, max_size=2))
            off.append(st.dictionaries(NAMES, st.one_of(bad_arrays, SCALARS), max_size=2))
    if keyword == "$vocabulary":
        near.append(st.dictionaries(NAMES, st.booleans(), max_size=2))
        off.append(st.dictionaries(NAMES, SCALARS, max_size=2))
    return near, off


def weighted(*choices: tuple[int, Strategy]) -> Strategy:
    # st.one_of picks among distinct branches uniformly whatever their repetition, so
    # weight by repeating entries of sampled_from instead; it shrinks toward the first.
    return st.sampled_from([s for weight, s in choices for _ in range(weight)]).flatmap(
        lambda strategy: strategy
    )


def keyword_values(keyword: str, schemas: Strategy, near_weight: int = 8) -> Strategy:
    near, off = near_and_off(keyword, schemas)
    junk = st.one_of(
        SCALARS,
        st.lists(st.one_of(SCALARS, schemas), max_size=2),
        st.dictionaries(NAMES, st.one_of(SCALARS, schemas), max_size=2),
    )
    if not near:
        return junk
    if not off:
        return weighted((near_weight, st.one_of(near)), (1, junk))
    return weighted((near_weight, st.one_of(near)), (2, st.one_of(off)), (1, junk))


def schema_objects(children: Strategy) -> Strategy:
    return st.lists(st.sampled_from(KEYWORDS), max_size=4, unique=True).flatmap(
        lambda keys: st.fixed_dictionaries({key: keyword_values(key, children) for key in keys})
    )


SCHEMAS: Strategy = st.recursive(
    st.one_of(st.booleans(), st.just({})), schema_objects, max_leaves=10
)
DOCUMENTS = weighted((8, SCHEMAS), (1, SCALARS), (1, st.lists(SCHEMAS, max_size=2)))

EQUIVALENCE_EXAMPLES = 500  # per draft


def assert_agrees(document: Any, draft: str) -> None:
    valid = ORACLES[draft].is_valid(document)
    fast = _fast_issues(document, draft)
    assert (fast == []) == valid, (document, fast)
    for issue in fast:
        resolve(document, issue.pointer)  # every pointer names a place in the document
    assert (check_schema(document, draft) == []) == valid


@pytest.mark.parametrize("draft", DRAFTS)
@settings(
    max_examples=EQUIVALENCE_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(document=DOCUMENTS)
@example(document={"minLength": 1.0, "maximum": True})
@example(document={"multipleOf": math.nan})
@example(document={"$id": "a#\n", "$anchor": "abc\n"})
@example(document={"additionalItems": 5, "$defs": 5})
@example(document={"items": [], "type": []})
@example(document={"required": ["a", "a"]})
@example(document={"patternProperties": {"[": {}}})
@example(document={"dependencies": {"a": ["b"], "c": {}, "d": 1}})
@example(document={"$recursiveAnchor": True, "$vocabulary": {"x": 1}})
def test_fast_path_is_the_meta_schema(draft: str, document: Any) -> None:
    assert_agrees(document, draft)


# Whole documents meet each keyword only a few dozen times, so also test every keyword on
# its own, mostly at its boundary, in a valid context that changes the pointer.
CONTEXTS = [
    lambda s: s,
    lambda s: {"properties": {"a/b": s}, "required": ["a/b"]},
    lambda s: {"allOf": [True, s]},
    lambda s: {"$defs": {"d": s}, "definitions": {"e": {"not": s}}},
    lambda s: {"dependencies": {"a": ["b"], "c": s}, "items": s},
]
SMALL_SCHEMAS: Strategy = st.one_of(
    st.booleans(), st.just({}), st.just({"type": "string"}), st.just([])
)


@pytest.mark.parametrize("keyword", KEYWORDS)
@pytest.mark.parametrize("draft", DRAFTS)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_each_keyword_alone_is_the_meta_schema(
    draft: str, keyword: str, data: st.DataObject
) -> None:
    value = data.draw(keyword_values(keyword, SMALL_SCHEMAS, near_weight=2), label="value")
    context = data.draw(st.sampled_from(CONTEXTS), label="context")
    assert_agrees(context({keyword: value}), draft)


@pytest.mark.parametrize("draft", DRAFTS)
def test_generator_makes_valid_and_invalid_documents(draft: str) -> None:
    # Guards the property test against a strategy that drifts into all-invalid documents.
    seen: dict[bool, int] = {True: 0, False: 0}

    @settings(max_examples=100, deadline=None, database=None, derandomize=True)
    @given(document=SCHEMAS)
    def count(document: Any) -> None:
        seen[ORACLES[draft].is_valid(document)] += 1

    count()
    assert seen[True] >= 20, seen
    assert seen[False] >= 20, seen
