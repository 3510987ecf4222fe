"""The keywords Accord evaluates through RE2 (pattern, patternProperties,
additionalProperties, propertyNames, unevaluatedProperties) against the official
JSON-Schema-Test-Suite: the linear engine must answer exactly as the specification does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from accord.validation import closed_validator

SUITE = Path(__file__).parent.parent / "conformance" / "JSON-Schema-Test-Suite" / "tests"
DRAFTS = {"draft2020-12": "https://json-schema.org/draft/2020-12/schema",
          "draft7": "http://json-schema.org/draft-07/schema#"}


def _cases() -> list[Any]:
    out = []
    for draft, uri in DRAFTS.items():
        for path in sorted(p for p in (SUITE / draft).glob("*.json") if p.stem in KEYWORDS):
            for group in json.loads(path.read_text()):
                schema = group["schema"]
                if isinstance(schema, dict) and "$schema" not in schema:
                    schema = {"$schema": uri, **schema}
                for test in group["tests"]:
                    out.append(pytest.param(schema, test["data"], test["valid"],
                                            id=f"{draft}/{path.stem}/{group['description']}"
                                               f"/{test['description']}"))
    return out


KEYWORDS = {"pattern", "patternProperties", "additionalProperties", "propertyNames",
            "unevaluatedProperties"}
CASES = _cases()


def test_the_suite_is_here() -> None:
    assert len(CASES) > 150


@pytest.mark.parametrize(("schema", "data", "valid"), CASES)
def test_linear_keywords_agree_with_the_suite(schema: Any, data: Any, valid: bool) -> None:
    assert closed_validator(schema).is_valid(data) is valid
