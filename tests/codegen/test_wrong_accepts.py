"""Regression tests for the wrong accepts issue 16 found with the JSON-Schema-Test-Suite:
classes and validators that accepted what their schema rejects (and two crashes)."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from accord.codegen.build import CodegenError
from accord.codegen.runtime import ValidationError, load_datetime
from accord.testing.contract import validator_for_schema
from tests.codegen.codegen_support import generate, in_memory, load_package

_COUNTER = itertools.count()


@pytest.mark.parametrize(("schema", "instance"), [
    ({"allOf": [{"properties": {"foo": {}}}], "additionalProperties": {"type": "boolean"}},
     {"foo": 1, "bar": True}),
    ({"properties": {"foo": {}}, "allOf": [{"additionalProperties": False}]}, {"foo": 1}),
    ({"type": "object", "additionalProperties": {"type": "integer"},
      "allOf": [{"properties": {"name": {"type": "string"}}}]}, {"name": "x"}),
])
def test_all_of_beside_additional_properties_is_never_looser(tmp_path: Path, schema: Any,
                                                            instance: Any) -> None:
    wrapped = {"type": "object", "properties": {"v": schema}, "required": ["v"]}
    package = f"wrong_accepts_{next(_COUNTER)}"
    try:
        generate(in_memory([wrapped]), tmp_path, package)
    except CodegenError as exc:  # refused, naming the construct: exact by not generating
        assert "additionalProperties" in str(exc)
        return
    events = load_package(tmp_path, package)
    cls = events.EVENTS[("gen.Thing", 1)]
    with pytest.raises(events.ValidationError):
        cls.from_dict({"v": instance})


@pytest.mark.parametrize(("text", "valid"), [
    ("1990-12-31T10:00:00+10:60", False),   # minutes of an offset go to 59
    ("1990-12-31T10:00:00+24:00", False),
    ("1990-12-31T10:00:00+23:59", True),
    ("1998-12-31T23:59:60Z", True),          # a leap second, UTC
    ("1998-12-31T15:59:60.123-08:00", True),  # the same leap second, in UTC-8
    ("1998-12-31T23:59:61Z", False),
    ("1998-12-31T23:58:60Z", False),         # a leap second only at 23:59 UTC
    ("1998-12-31T22:59:60Z", False),
])
def test_date_time_offsets_and_leap_seconds(text: str, valid: bool) -> None:
    if valid:
        assert load_datetime(text).text == text  # type: ignore[attr-defined]
    else:
        with pytest.raises(ValidationError):
            load_datetime(text)


def test_the_plugin_validator_keeps_all_of_beside_a_ref() -> None:
    schema = {"$defs": {"a": {"type": "integer"}}, "$ref": "#/$defs/a",
              "allOf": [{"minimum": 5}]}
    assert validator_for_schema(schema).is_valid(1) is False
    assert validator_for_schema(schema).is_valid(7) is True


@pytest.mark.parametrize("name", ["enum", "default", "const", "examples"])
def test_a_property_named_like_a_value_keyword_keeps_its_schema(name: str) -> None:
    schema = {"$defs": {"a": {"type": "integer"}}, "type": "object",
              "properties": {name: {"$ref": "#/$defs/a"}}}
    validator = validator_for_schema(schema)
    assert validator.is_valid({name: 1}) is True
    assert validator.is_valid({name: "x"}) is False


def test_a_root_id_is_the_schema_id_and_an_embedded_one_is_refused(write_tree) -> None:  # type: ignore[no-untyped-def]
    from accord.errors import AccordError
    from accord.registry import load_registry
    from tests.support import MINIMAL

    with_id = MINIMAL.replace("      type: object\n",
                              "      $id: urn:example:order-placed\n      type: object\n", 1)
    root = write_tree({"contracts/orders/order_placed.yaml": with_id})
    assert load_registry(root / "contracts").contracts[0].versions[0].resolved["$id"] == \
        "urn:example:order-placed"
    embedded = MINIMAL.replace("order_id: {type: string, description: The order.}",
                               "order_id: {$id: 'urn:x', type: string, description: O.}")
    root = write_tree({"contracts/orders/order_placed.yaml": embedded})
    with pytest.raises(AccordError, match="embedded"):
        load_registry(root / "contracts")
