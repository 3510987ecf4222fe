"""Catastrophic backtracking cannot hang the gate: every pattern runs on RE2 (linear)."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.validation import closed_validator
from accord.validation.regex import search, why_unsupported
from tests.security.conftest import accord, project

EVIL = "^(a+)+$"
ATTACK = "a" * 40 + "!"


def test_lint_ends_on_an_evil_pattern_with_an_attacking_example(tmp_path: Path) -> None:
    root = project(tmp_path / "p", f"code: {{type: string, pattern: '{EVIL}', description: C.}}")
    contract = root / "contracts/orders/order_placed.yaml"
    contract.write_text(contract.read_text().replace("{order_id: o-1}",
                                                     f"{{order_id: o-1, code: '{ATTACK}'}}"))
    run = accord(root, "lint")
    assert run.code == 1 and "examples-valid" in run.out


def test_compat_and_check_end_on_evil_patterns(tmp_path: Path) -> None:
    v1 = f"code: {{type: string, pattern: '{EVIL}', enum: ['{ATTACK}', aaa], description: C.}}"
    root = project(tmp_path / "p", v1)
    contract = root / "contracts/orders/order_placed.yaml"
    text = contract.read_text()
    body = text.split("versions:\n")[1]
    contract.write_text(text + body.replace("  1:", "  2:", 1).replace(
        f"pattern: '{EVIL}'", "pattern: '^(a|aa)+$'"))
    run = accord(root, "compat", "contracts/orders/order_placed.yaml@1",
                 "contracts/orders/order_placed.yaml@2")
    assert run.code in (0, 1)
    assert accord(root, "check").code in (0, 1)


def test_pattern_properties_and_property_names_end(tmp_path: Path) -> None:
    schema = {"type": "object", "patternProperties": {EVIL: {"type": "integer"}},
              "propertyNames": {"pattern": EVIL}, "additionalProperties": False}
    assert closed_validator(schema).is_valid({ATTACK: 1}) is False
    assert closed_validator(schema).is_valid({"aaa": 1}) is True


def test_the_policys_channel_pattern_is_checked(tmp_path: Path) -> None:
    root = project(tmp_path / "p", files={
        "governance/policy.yaml": "naming: {channel_pattern: '(a)\\\\1'}\n"})
    run = accord(root, "lint")
    assert run.code == 2 and "backreference" in run.err and "policy.yaml" in run.err


@pytest.mark.parametrize(("pattern", "construct"), [
    (r"(a)\1", "backreference"), ("(?=a)a", "lookahead"), ("(?<!a)b", "lookahead"),
    ("a{4294967294}", "repeats"), ("[", "regex"),
])
def test_what_re2_cannot_run_is_a_lint_error_naming_the_construct(
        tmp_path: Path, pattern: str, construct: str) -> None:
    assert construct in (why_unsupported(pattern) or "")
    root = project(tmp_path / "p",
                   f"code: {{type: string, pattern: '{pattern}', description: C.}}")
    run = accord(root, "lint")
    assert run.code in (1, 2)
    assert construct in run.text


@pytest.mark.parametrize(("pattern", "text", "expected"), [
    (r"^\d+$", "١٢", False),        # ECMA-262 \d is ASCII (Python's re says True)
    (r"^\s$", "\u00a0", True),       # ECMA-262 \s includes no-break space
    (r"^a$", "a\n", False),          # $ is the end of input (Python's re says True)
    (r"^\u00e9$", "é", True),
    (r"^[\s,]+$", " ,\u3000", True),
])
def test_ecma_262_semantics(pattern: str, text: str, expected: bool) -> None:
    assert search(pattern, text) is expected


@pytest.mark.parametrize("kwargs", [{"offset": float("nan")}, {"offset": 0.5},
                                    {"offset": -1}, {"offset": True}, {"timestamp": 1.5},
                                    {"to": "earliest", "partition": 0.0}])
def test_embedded_broker_refuses_offsets_that_are_not_whole_numbers(kwargs: dict) -> None:  # type: ignore[type-arg]
    from accord.broker.core import EmbeddedBroker
    from accord.broker.errors import BrokerError

    broker = EmbeddedBroker()
    broker.create_topic("t")
    broker.publish("t", {"a": 1})
    broker.subscribe("t", "g")
    with pytest.raises(BrokerError):
        broker.seek("g", "t", **kwargs)


@pytest.mark.parametrize("partitions", [0, 1.5, 10**9, True])
def test_embedded_broker_caps_partitions(partitions: object) -> None:
    from accord.broker.core import EmbeddedBroker
    from accord.broker.errors import BrokerError

    with pytest.raises(BrokerError):
        EmbeddedBroker().create_topic("t", partitions=partitions)  # type: ignore[arg-type]


def test_enum_unique_is_linear(monkeypatch: pytest.MonkeyPatch) -> None:
    """200,000 values: counted comparisons, not time; the check visits each value once."""
    import json as _json

    from accord.governance.rules.base import Context, SchemaDoc
    from accord.governance.rules.schemas import EnumUnique
    from accord.registry.model import Policy, Registry, SourceMap

    calls = 0
    original = _json.dumps

    def counting(*args: object, **kwargs: object) -> str:
        nonlocal calls
        calls += 1
        return original(*args, **kwargs)  # type: ignore[arg-type]

    # Objects, so that every value takes the canonical-JSON path (strings take a faster one).
    values = [{"v": i} for i in range(200_000)] + [{"v": 7}]
    doc = SchemaDoc({"enum": values}, "", SourceMap("f.yaml"))
    monkeypatch.setattr(_json, "dumps", counting)
    found = list(EnumUnique().check_schema(doc, Context(Registry("r", ()), Policy())))
    monkeypatch.undo()
    assert [i.pointer for i in found] == ["/enum/200000"]
    assert calls == len(values)
