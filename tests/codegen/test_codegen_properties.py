"""Property tests: for drawn schemas, the generated module compiles and imports; payloads
drawn from the schema are accepted and round-trip exactly; mutated payloads get the same
verdict as jsonschema, and a refusal is the documented error."""

from __future__ import annotations

import copy
import itertools
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis_jsonschema import from_schema

from tests.codegen.codegen_support import (
    generate,
    in_memory,
    load_package,
    mutations,
    validator_for,
    verdicts,
)

PATTERNS = ["^[a-z]+$", "^\\d{2,4}$", "^[A-Z0-9-]{1,6}$", "\\s", "^.$", "x|y"]
NAMES = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1,
                max_size=6) | st.sampled_from(["class", "list", "2fa", "a-b", "a b", "self",
                                               "from_dict", "_x", "None", '"""', "\\"])
_counter = itertools.count()


def _maybe(draw: st.DrawFn, key: str, strategy: st.SearchStrategy[Any]) -> dict[str, Any]:
    return {key: draw(strategy)} if draw(st.booleans()) else {}


@st.composite
def scalars(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["string", "integer", "number", "boolean", "null", "enum",
                                 "const", "nullable", "format"]))
    if kind == "string":
        low = draw(st.integers(0, 3))
        return {"type": "string", **_maybe(draw, "minLength", st.just(low)),
                **_maybe(draw, "maxLength", st.integers(low, 8)),
                **_maybe(draw, "pattern", st.sampled_from(PATTERNS))}
    if kind in ("integer", "number"):
        low = draw(st.integers(-50, 50))
        schema = {"type": kind, **_maybe(draw, "minimum", st.just(low)),
                  **_maybe(draw, "maximum", st.integers(low, 100)),
                  **_maybe(draw, "multipleOf", st.sampled_from([2, 3, 5]))}
        if kind == "number":
            schema.update(_maybe(draw, "exclusiveMaximum", st.just(low + 0.5)))
        return schema
    if kind == "enum":
        return {"enum": draw(st.lists(st.sampled_from(["a", "b", "c d", "", 1, True, None]),
                                      min_size=1, max_size=4, unique=True))}
    if kind == "const":
        return {"const": draw(st.sampled_from(["k", 0, False]))}
    if kind == "nullable":
        return {"type": ["string", "null"], **_maybe(draw, "maxLength", st.integers(0, 5))}
    if kind == "format":
        return {"type": "string", "format": draw(st.sampled_from(["date-time", "date", "uuid"]))}
    return {"type": kind}


def _containers(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.builds(lambda items, unique, most: {"type": "array", "items": items,
                                               "uniqueItems": unique, "maxItems": most},
                  children, st.booleans(), st.integers(1, 4)),
        objects(children),
        st.builds(lambda values: {"type": "object", "additionalProperties": values},
                  children),
        st.builds(lambda kind, options: {kind: options}, st.sampled_from(["anyOf", "oneOf"]),
                  st.lists(children, min_size=2, max_size=3)),
    )


@st.composite
def objects(draw: st.DrawFn, children: st.SearchStrategy[dict[str, Any]]) -> dict[str, Any]:
    properties = draw(st.dictionaries(NAMES, children, min_size=1, max_size=4))
    required = [n for n in properties if draw(st.booleans())]
    extra = draw(st.sampled_from([False, None, {"type": "integer"}]))
    schema = {"type": "object", "properties": properties, "required": required}
    if extra is not None:
        schema["additionalProperties"] = extra
    return schema


SCHEMAS = objects(st.recursive(scalars(), _containers, max_leaves=6))
# More examples, drawn afresh: ACCORD_CODEGEN_EXAMPLES=300 pytest tests/codegen
_EXAMPLES = os.environ.get("ACCORD_CODEGEN_EXAMPLES")
SETTINGS = settings(max_examples=int(_EXAMPLES or 30), deadline=None, derandomize=not _EXAMPLES,
                    suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("properties")


def _compile(out: Path, schema: dict[str, Any]) -> Any:
    package = f"prop_{next(_counter)}"
    generate(in_memory([schema]), out, package)
    return load_package(out, package)


@SETTINGS
@given(schema=SCHEMAS)
def test_drawn_schemas_compile_and_import(out: Path, schema: dict[str, Any]) -> None:
    events = _compile(out, schema)
    assert events.Thing.EVENT == "gen.Thing"


@SETTINGS
@given(schema=SCHEMAS, data=st.data())
def test_drawn_payloads_round_trip_and_mutations_agree(out: Path, schema: dict[str, Any],
                                                       data: st.DataObject) -> None:
    events = _compile(out, schema)
    validator = validator_for(schema)
    try:
        payload = data.draw(from_schema(copy.deepcopy(schema)).filter(validator.is_valid))
    except InvalidArgument:  # hypothesis-jsonschema found the schema unsatisfiable
        assume(False)
    assert verdicts(events.Thing, validator, payload, events.ValidationError) == (True, True)
    for mutated in itertools.islice(mutations(payload), 200):
        expected, actual = verdicts(events.Thing, validator, mutated, events.ValidationError)
        assert expected == actual, (schema, mutated)
