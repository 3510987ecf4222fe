"""A run in which valid events were not handled is never "ok", whatever the scenario
lists (issue 17): a handler written as a newcomer writes one from the README."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support import MINIMAL

HANDLER = '''\
def handle(event, ctx):
    raise TypeError("'State' object does not support item assignment")
'''
MAPPING = '''\
def handle(event, ctx):
    # `ctx.state` read as "a key-value store": item assignment, everyone's first guess.
    ctx.state[event["order_id"]] = event
    ctx.state.setdefault("count", 0)
    ctx.state["count"] = ctx.state["count"] + 1
    assert event["order_id"] in ctx.state and len(ctx.state) >= 2
    del ctx.state["count"]
'''

SCENARIO = """\
seed: 3
events: 200
producers:
  - service: order-service
    event: orders.OrderPlaced
    rate: 100/s
    keys: 10
consumers:
  - service: email-service
    group: email
    handler: my_handlers:handle
invariants: [no-loss, per-key-order, idempotent]
{warn}
"""


def _run(tmp_path: Path, handler: str, warn: str = "") -> tuple[int, dict]:  # type: ignore[type-arg]
    (tmp_path / "pyproject.toml").write_text('[tool.accord]\nregistry = "contracts"\n')
    (tmp_path / "contracts/orders").mkdir(parents=True, exist_ok=True)
    (tmp_path / "contracts/orders/order_placed.yaml").write_text(MINIMAL)
    (tmp_path / "my_handlers.py").write_text(handler)
    (tmp_path / "s.yaml").write_text(SCENARIO.format(warn=warn))
    result = subprocess.run([sys.executable, "-m", "accord", "sim", "run", "s.yaml",
                             "--format", "json"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=300)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout)


def test_a_handler_that_always_raises_fails_the_run(tmp_path: Path) -> None:
    code, report = _run(tmp_path, HANDLER)
    assert code == 1 and report["ok"] is False
    found = {v["invariant"] for v in report["violations"]}
    assert {"valid-accepted", "valid-not-dead-lettered", "something-acked"} <= found
    assert any("TypeError" in v["message"] for v in report["violations"])


def test_a_working_handler_is_ok(tmp_path: Path) -> None:
    code, report = _run(tmp_path, "def handle(event, ctx):\n    ctx.state.set("
                                  "event['order_id'], 1)\n")
    assert (code, report["ok"]) == (0, True), report["violations"]


def test_a_mapping_style_handler_works(tmp_path: Path) -> None:
    code, report = _run(tmp_path, MAPPING)
    assert (code, report["ok"]) == (0, True), report["violations"]


def test_the_checks_can_be_lowered_to_warnings_explicitly(tmp_path: Path) -> None:
    code, report = _run(tmp_path, HANDLER, "warn: [valid-accepted, valid-not-dead-lettered, "
                                           "something-acked]")
    assert code == 0 and report["ok"] is True
    assert {w["invariant"] for w in report["warnings"]} >= {"valid-accepted"}


def test_each_handler_error_is_reported_once_with_its_traceback(tmp_path: Path) -> None:
    _, report = _run(tmp_path, HANDLER)
    errors = [v for v in report["violations"] if v["invariant"] == "valid-accepted"]
    assert len(errors) == 1  # one distinct error, however many deliveries raised it
    [error] = errors
    assert "attempt 1" in error["message"] and "key '" in error["message"]
    assert "time(s) on 200 event(s)" in error["message"]
    trace = error["traceback"]
    assert 'my_handlers.py", line 2, in handle' in trace
    assert trace.endswith("TypeError: 'State' object does not support item assignment")
    assert "accord" not in trace.replace("my_handlers", "")  # the user's frames only
