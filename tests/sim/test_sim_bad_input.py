"""Bad scenario input: one clear message with file and line, exit 2, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.cli import main

GOOD = """\
seed: 1
events: 20
producers:
  - service: order-service
    event: orders.OrderPlaced
    rate: 100/s
consumers:
  - service: analytics
    group: analytics
    model: recorder
faults: {delay: {p: 0.1, max: 1s}}
invariants: [no-loss]
"""


@pytest.mark.parametrize(("old", "new", "line", "message"), [
    ("event: orders.OrderPlaced", "event: orders.Nope", 5, "unknown event 'orders.Nope'"),
    ("service: order-service", "service: nobody", 4, "unknown producer 'nobody'"),
    ("service: analytics", "service: ghost", 8, "unknown service 'ghost'"),
    ("rate: 100/s", "rate: fast", 6, "malformed rate 'fast'"),
    ("max: 1s", "max: 1 fortnight", 11, "malformed duration '1 fortnight'"),
    ("[no-loss]", "[no-loss, eventually-fine]", 12, "unknown invariant 'eventually-fine'"),
    ("model: recorder", "handler: examples.sim_handlers.missing:handle", 10,
     "cannot be imported"),
    ("model: recorder", "handler: examples.sim_handlers.shop:absent", 10, "no callable"),
    ("seed: 1", "seed: 1\nspeed: 3", 2, "unknown key 'speed'"),
    ("events: 20", "events: 20\nduration: 10s", 3, "give events or duration, not both"),
    ("seed: 1", "seed: 1\ntopics: {ordres: {partitions: 2}}", 2,
     "unknown topic 'ordres': no contract has this channel"),
    ("rate: 100/s", "rate: 100/s\n    versions: {1: 0.5, 2: 0.8}", 7,
     "version shares add up to 1.3, not 1"),
])
def test_bad_scenario_exits_2_with_file_and_line(tmp_path: Path, at_repo: Path,
                                                 capsys: pytest.CaptureFixture[str], old: str,
                                                 new: str, line: int, message: str) -> None:
    assert old in GOOD
    file = tmp_path / "bad.yaml"
    file.write_text(GOOD.replace(old, new, 1))
    assert main(["sim", "run", str(file)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {file}:{line}:"), err
    assert message in err and "Traceback" not in err


def test_the_good_scenario_runs(tmp_path: Path, at_repo: Path) -> None:
    file = tmp_path / "good.yaml"
    file.write_text(GOOD)
    assert main(["sim", "run", str(file)]) == 0


def test_missing_file_and_bad_reproducer(tmp_path: Path, at_repo: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sim", "run", str(tmp_path / "absent.yaml")]) == 2
    assert "cannot read scenario" in capsys.readouterr().err
    repro = tmp_path / "r.yaml"
    repro.write_text("seed: 1\nevents: []\n")
    assert main(["sim", "replay", str(repro)]) == 2
    assert f"error: {repro}:1:" in capsys.readouterr().err


def test_scenario_schema_is_printed_for_editors(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    assert main(["schema", "scenario"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$id"] == "urn:accord:schema:scenario:1"
    assert "producers" in schema["properties"]
