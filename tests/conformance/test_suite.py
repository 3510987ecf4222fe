"""The official JSON-Schema-Test-Suite against the plugin's validator (testing/contract.py).

Each group's schema is wrapped as property ``v`` of an object contract, as issue #16
measures it. refRemote and the optional/ folder (formats are a policy, not a must) are
left out. Asserted: no crash, and no wrong accept on any instance.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from accord.testing.contract import errors

_ROOT = Path(__file__).parent / "JSON-Schema-Test-Suite" / "tests"
_META = {"draft2020-12": "https://json-schema.org/draft/2020-12/schema",
         "draft7": "http://json-schema.org/draft-07/schema#"}


def _groups(draft: str) -> list[Any]:
    found = []
    for path in sorted((_ROOT / draft).glob("*.json")):
        if path.stem == "refRemote":
            continue
        for i, group in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            found.append(pytest.param(draft, group, id=f"{draft}/{path.stem}/{i}"))
    return found


def _wrapped(draft: str, schema: Any) -> dict[str, Any]:
    if isinstance(schema, dict) and ("$id" in schema or "$defs" in schema
                                     or "definitions" in schema or "$schema" in schema):
        return schema  # local refs and resource ids are relative to the group's root
    return {"$schema": _META[draft], "type": "object", "required": ["v"],
            "properties": {"v": schema}}


# Baseline measured 2026-12-05 (601 of 614 groups pass; 597 before the RE2 regex policy
# translated `\p{Letter}` and the closed validators): these 13 groups fail today with
# a crash or a wrong accept, NOT yet triaged (some may be harness artefacts: draft-07
# pointers such as #/properties/foo that the wrapping moves; remote $dynamicRef). strict
# xfail, so a fix shows up as XPASS and must remove the entry here.
_BASELINE_FAILURES = frozenset({
    "draft2020-12/dynamicRef/13", "draft2020-12/dynamicRef/14", "draft2020-12/dynamicRef/15",
    "draft2020-12/dynamicRef/16", "draft2020-12/dynamicRef/17", "draft7/items/5",
    "draft7/ref/1", "draft7/ref/2", "draft7/ref/6", "draft7/ref/14", "draft7/ref/15",
    "draft7/ref/16", "draft7/ref/27",
})


def _params() -> list[Any]:
    found = []
    for param in _groups("draft2020-12") + _groups("draft7"):
        if param.id in _BASELINE_FAILURES:
            param = pytest.param(*param.values, id=param.id,
                                 marks=pytest.mark.xfail(strict=True, reason="baseline"))
        found.append(param)
    return found


def test_baseline_floor() -> None:
    assert len(_params()) >= 600
    assert len(_BASELINE_FAILURES) <= 13


@pytest.mark.parametrize("draft,group", _params())
def test_group(draft: str, group: dict[str, Any]) -> None:
    schema = _wrapped(draft, group["schema"])
    wrapped = schema is not group["schema"]
    wrong = []
    for case in group["tests"]:
        instance = {"v": case["data"]} if wrapped else case["data"]
        accepted = not errors(schema, instance)
        if accepted and not case["valid"]:
            wrong.append(case["description"])
    assert not wrong, f"wrong accepts: {wrong}"
