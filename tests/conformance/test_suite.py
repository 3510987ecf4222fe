"""The official JSON-Schema-Test-Suite (draft 2020-12 and draft-07, vendored with its
licence and commit) against the validation layer, `accord.validation.validator`: the one
validator behind the plugin, lint, the simulator, `tap` and the generated classes.

Each group's schema is checked twice: as the suite gives it (the root), and as property
``v`` of an object contract, through the plugin's `errors()`. refRemote and optional/ are
left out (the first needs the suite's HTTP server; formats are a policy, see
`validation.compiler.FORMATS`). Asserted: no crash and no wrong accept on any instance;
a schema the compiler refuses names a resource outside it.
"""

from __future__ import annotations

from typing import Any

import pytest

from accord.testing.contract import errors
from accord.validation import validator
from tests.conformance.suite import DRAFTS, META, Group, groups

_GROUPS = [g for draft in DRAFTS for g in groups(draft)]
REFUSALS = ("names a resource outside the schema", "is not supported")


def _root(group: Group) -> Any:
    schema = group.schema
    if isinstance(schema, dict) and "$schema" not in schema:
        return {"$schema": META[group.draft], **schema}
    return schema


def test_the_suite_is_all_there() -> None:
    assert len(_GROUPS) >= 600


def test_the_compiler_answers_nearly_every_group() -> None:
    refused = [g.id for g in _GROUPS if validator(_root(g)).engine != "compiled"]
    assert len(refused) <= 11, refused  # 2026-12-05: 11, each a remote resource or dialect


@pytest.mark.parametrize("group", _GROUPS, ids=[g.id for g in _GROUPS])
def test_group(group: Group) -> None:
    check = validator(_root(group))
    if check.engine != "compiled":
        assert check.refused is not None
        assert any(reason in check.refused for reason in REFUSALS), check.refused
        return
    wrong, wrapped_wrong = [], []
    contract = group.contract_schema()
    for description, data, valid in group.tests:
        if check.is_valid(data) and not valid:
            wrong.append(description)
        assert (not check.errors(data)) == check.is_valid(data)
        if not errors(contract, {"v": data}) and not valid:
            wrapped_wrong.append(description)
    assert not wrong, f"wrong accepts: {wrong}"
    assert not wrapped_wrong, f"wrong accepts as a contract's property: {wrapped_wrong}"
