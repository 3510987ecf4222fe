"""Inputs that used to end in a traceback (or a MemoryError) now end in one clear error
with exit 2. Each runs the real CLI in a process bounded in time and memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.security.conftest import accord, project

SCENARIO = """\
events: {events}
producers:
  - service: order-service
    event: orders.OrderPlaced
    rate: 100/s
    keys: 5
consumers:
  - service: email-service
    group: email
    model: recorder
"""


@pytest.mark.parametrize(("name", "setup", "command", "says"), [
    ("maxLength: !!int abc", lambda r: _extra(r, "n: {type: string, maxLength: !!int abc}"),
     ["lint"], "!!int 'abc' is not a YAML 1.2 int"),
    ("an integer of 5,000 digits", lambda r: _extra(r, "n: {type: integer, maximum: "
                                                       + "9" * 5000 + "}"),
     ["lint"], "4,300 digits"),
    ("$dynamicRef '#nope'", lambda r: _extra(r, "n: {$dynamicRef: '#nope'}"),
     ["lint"], "points at nothing"),
    ("maximum: .inf", lambda r: _extra(r, "n: {type: number, maximum: .inf}"),
     ["gen", "python", "--out", "g"], "no infinity or NaN"),
    ("AsyncAPI channels: {c: 5}", lambda r: (r / "doc.json").write_text(
        '{"asyncapi": "3.0.0", "info": {"title": "t", "version": "1"}, "channels": {"c": 5}}'),
     ["import", "asyncapi", "doc.json", "--into", "out"], "not a well-formed AsyncAPI"),
    ("an expectation file of the wrong shape", lambda r: _write(
        r / "expectations/x.json", "[1, 2, 3]"), ["verify"], "corrupt expectation file"),
    ("an expectation file nested 100,000 deep", lambda r: _write(
        r / "expectations/x.json", "[" * 100_000 + "]" * 100_000), ["verify"],
     "nested too deeply"),
    ("a broker URL redis://[::1", lambda r: None,
     ["tap", "--broker", "redis://[::1", "--channel", "orders"], "invalid broker URL"),
    ("output to a full disk", lambda r: None,
     ["export", "asyncapi", "--out", "/dev/full"], "No space left"),
    ("minLength: 1e9 in a simulated event", lambda r: (
        _extra(r, "n: {type: string, minLength: 1e9, description: N.}", required=True),
        _write(r / "scenarios/s.yaml", SCENARIO.format(events=10))),
     ["sim", "run", "scenarios/s.yaml"], "minLength"),
    ("pattern a{4294967294} in a simulated event", lambda r: (
        _extra(r, "n: {type: string, pattern: 'a{4294967294}', description: N.}",
               required=True),
        _write(r / "scenarios/s.yaml", SCENARIO.format(events=10))),
     ["sim", "run", "scenarios/s.yaml"], "100,000 characters"),
    ("events: 1e9 in a scenario", lambda r: _write(r / "scenarios/s.yaml",
                                                  SCENARIO.format(events=10**9)),
     ["sim", "run", "scenarios/s.yaml"], "more than one run holds"),
    ("duration: 100000h in a scenario", lambda r: _write(
        r / "scenarios/s.yaml", SCENARIO.replace("events: {events}", "duration: 100000h")),
     ["sim", "run", "scenarios/s.yaml"], "more than one run holds"),
    ("check --base ''", lambda r: None, ["check", "--base", ""], "--base is empty"),
])
def test_bad_input_is_exit_2_with_a_message(tmp_path: Path, name: str, setup: object,
                                            command: list[str], says: str) -> None:
    root = project(tmp_path / "p")
    setup(root)  # type: ignore[operator]
    run = accord(root, *command)
    assert run.code == 2, (name, run.text)
    assert says in run.err, (name, run.err)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _extra(root: Path, line: str, *, required: bool = False) -> None:
    contract = root / "contracts/orders/order_placed.yaml"
    text = contract.read_text().replace(
        "order_id: {type: string, description: The order.}",
        f"order_id: {{type: string, description: The order.}}\n        {line}")
    if required:
        text = text.replace("type: object\n", "type: object\n      required: [n]\n", 1)
    contract.write_text(text)


def test_tap_judges_a_message_nested_200000_deep_without_a_traceback() -> None:
    from accord.registry import load_registry
    from accord.tap import Identifier
    from tests.support import REPO

    identify = Identifier(load_registry(REPO / "contracts"), "orders")
    verdict = identify.judge(b"[" * 200_000 + b"]" * 200_000, {}, "message 1")
    assert verdict.event is None and "nested too deeply" in verdict.reason
