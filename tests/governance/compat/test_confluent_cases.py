"""Confluent Schema Registry's own JSON Schema compatibility cases (issue 21).

The 263 cases of `json-schema-provider/src/test/resources/diff*.json` in
confluentinc/schema-registry are under the Confluent Community License, not Apache-2.0, so
they are not vendored here. Point ``ACCORD_CONFLUENT_CASES`` at a folder holding those four
files (a checkout's `json-schema-provider/src/test/resources`) to run this test; without
it, it is skipped. Confluent reads a schema without `$schema` as draft-07, and so does
this test. Asserted: agreement >= 97%, every disagreement is one of the explained ones
in `site/docs/change-kinds.md`, and Accord never calls compatible what Confluent calls
breaking unless the table explains why Confluent is wrong.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from accord.governance.compat import check_compatibility

FILES = ("diff-schema-examples.json", "diff-schema-examples-2020-12.json",
         "diff-combined-schema-examples.json", "diff-combined-schema-examples-2020-12.json")
DRAFT_07 = "http://json-schema.org/draft-07/schema#"
# (file, index) -> why Accord's verdict differs, and is right (site/docs/change-kinds.md).
EXPLAINED = {
    ("diff-schema-examples.json", 55): "required [foo] -> [bar] rejects {foo: 1}",
    ("diff-schema-examples-2020-12.json", 57): "required [foo] -> [bar] rejects {foo: 1}",
    ("diff-schema-examples.json", 87): "additionalItems without array items is ignored",
    ("diff-schema-examples.json", 88): "additionalItems without array items is ignored",
}


def _cases() -> list[tuple[str, int, dict[str, Any]]]:
    folder = os.environ.get("ACCORD_CONFLUENT_CASES")
    if not folder:
        return []
    out = []
    for name in FILES:
        text = (Path(folder) / name).read_text("utf-8")
        # The files have trailing commas, which Jackson accepts and JSON does not.
        for index, case in enumerate(json.loads(re.sub(r",(\s*[}\]])", r"\1", text))):
            out.append((name, index, case))
    return out


def _as_confluent_reads(name: str, schema: Any) -> Any:
    if "2020-12" not in name and isinstance(schema, dict) and "$schema" not in schema:
        return {"$schema": DRAFT_07, **schema}
    return schema


@pytest.mark.skipif(not os.environ.get("ACCORD_CONFLUENT_CASES"),
                    reason="ACCORD_CONFLUENT_CASES names no folder (the cases are not vendored)")
def test_agreement_with_confluent() -> None:
    cases = _cases()
    assert len(cases) == 263
    differ = []
    for name, index, case in cases:
        result = check_compatibility(_as_confluent_reads(name, case["original_schema"]),
                                     _as_confluent_reads(name, case["update_schema"]),
                                     "BACKWARD")
        if result.compatible != case["compatible"]:
            differ.append((name, index))
    assert set(differ) <= set(EXPLAINED), sorted(set(differ) - set(EXPLAINED))
    assert (len(cases) - len(differ)) / len(cases) >= 0.97
