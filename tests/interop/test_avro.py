"""Avro to JSON Schema (issue 15), held to a real Avro library on Apache Avro's own schemas.

For every schema in `avro-schemas/` (vendored from apache/avro, see its README):
- every record `fastavro` generates is accepted by the converted schema (not stricter);
- every mutation of such a record that `fastavro`'s validator rejects is rejected by the
  converted schema too (never looser).
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from accord.interop.avro import AvroError, to_json_schema
from accord.validation.validators import validator

fastavro = pytest.importorskip("fastavro")
from fastavro.utils import generate_many  # noqa: E402
from fastavro.validation import validate  # noqa: E402

CORPUS = Path(__file__).parent / "avro-schemas"
FILES = sorted(CORPUS.glob("*.avsc"))
RECURSIVE = {"share__test__schemas__interop.avsc",
             "share__schemas__org__apache__avro__data__Json.avsc"}
# Values JSON tells apart from every Avro type's JSON form (a Python str would not do: bytes
# and strings are both JSON strings).
WRONG: tuple[Any, ...] = (None, [1], {"zz": 1}, 1.5, True, 2**40, -(2**70))


def as_json(value: Any) -> Any:
    """An Avro value as plain JSON: bytes as a string of code points 0-255."""
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value


def mutations(record: Any, rng: random.Random) -> list[Any]:
    """The record with one field (at the top or one level down) dropped or mistyped."""
    out: list[Any] = [rng.choice(WRONG)]
    if not isinstance(record, dict):
        return out
    for name, value in record.items():
        dropped = {k: v for k, v in record.items() if k != name}
        out.append(dropped)
        out.append({**record, name: rng.choice(WRONG)})
        if isinstance(value, dict):
            for inner in value:
                out.append({**record, name: {**value, inner: rng.choice(WRONG)}})
    return out


def test_the_corpus_is_there() -> None:
    assert len(FILES) >= 60


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_converted_schema_agrees_with_fastavro(path: Path) -> None:
    avro = json.loads(path.read_text("utf-8"))
    schema = to_json_schema(avro)
    json.dumps(schema)  # plain JSON: it goes into a contract file
    check = validator(schema)
    assert check.refused is None, check.refused
    if path.name in RECURSIVE:
        return
    parsed = fastavro.parse_schema(avro)
    rng = random.Random(path.name)
    accepted = rejected = 0
    for record in generate_many(parsed, 25):
        assert check.is_valid(as_json(record)), (record, check.errors(as_json(record)))
        accepted += 1
        for wrong in mutations(record, rng):
            if not validate(wrong, parsed, raise_errors=False):
                assert not check.is_valid(as_json(wrong)), wrong
                rejected += 1
    assert accepted == 25
    if isinstance(avro, dict) and avro.get("type") == "record" and avro.get("fields"):
        assert rejected > 0  # the mutations did reach fastavro's refusals


def test_named_types_are_definitions_and_recursion_works() -> None:
    schema = to_json_schema({
        "type": "record", "name": "Node", "namespace": "ex",
        "fields": [{"name": "value", "type": "long"},
                   {"name": "kind", "type": {"type": "enum", "name": "Kind",
                                             "symbols": ["A", "B"]}},
                   {"name": "again", "type": "Kind"},
                   {"name": "next", "type": ["null", "Node"], "default": None}]})
    assert schema["properties"]["kind"] == {"$ref": "#/definitions/ex.Kind"}
    assert schema["definitions"]["ex.Kind"] == {"type": "string", "enum": ["A", "B"]}
    assert schema["properties"]["next"]["anyOf"][1] == {"$ref": "#"}
    check = validator(schema)
    assert check.is_valid({"value": 1, "kind": "A", "again": "B",
                           "next": {"value": 2, "kind": "B", "again": "A", "next": None}})
    assert not check.is_valid({"value": 1, "kind": "A", "again": "B",
                               "next": {"value": 2, "kind": "C", "again": "A", "next": None}})


@pytest.mark.parametrize("bad", [{"type": "record", "name": "X"}, {"fields": []},
                                 {"type": "record", "name": "X",
                                  "fields": [{"name": "a", "type": "Missing"}]},
                                 {"type": "enum", "name": "E", "symbols": []}])
def test_malformed_avro_is_an_error_not_a_traceback(bad: Any) -> None:
    with pytest.raises(AvroError):
        to_json_schema(bad)
