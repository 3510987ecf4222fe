"""The CLI, run in-process as a user runs it: exact output and exit codes."""

import json
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from accord import __version__
from accord.cli import main
from tests.support import MINIMAL, REPO

BROKEN = MINIMAL.replace("owner: team-orders\n", "").replace(
    "order_id: {type: string, description: The order.}", "order_id: {type: string}"
)


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys):
    assert run(capsys, "--version") == (0, f"accord, version {__version__}\n", "")


def test_python_dash_m_accord():
    result = subprocess.run([sys.executable, "-m", "accord", "--version"],
                            capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout) == (0, f"accord, version {__version__}\n")


def test_lint_clean(capsys, write_tree):
    write_tree({"contracts/orders/order_placed.yaml": MINIMAL})
    assert run(capsys, "lint") == (0, "0 errors, 0 warnings in 1 file checked\n", "")


def test_lint_findings_text(capsys, write_tree):
    write_tree({"contracts/orders/order_placed.yaml": BROKEN})
    code, out, _ = run(capsys, "lint")
    assert code == 1
    assert out == (
        "contracts/orders/order_placed.yaml:1:1: error [owner-present] owner is missing\n"
        "    fix: add `owner:` to the file\n"
        "contracts/orders/order_placed.yaml:14:9: warning [property-description] "
        "property 'order_id' has no description\n"
        "1 error, 1 warning in 1 file checked\n"
    )


def test_lint_warnings_only_exit_zero(capsys, write_tree):
    write_tree({"contracts/orders/order_placed.yaml": BROKEN.replace(
        "summary:", "owner: team-orders\nsummary:")})
    assert run(capsys, "lint")[0] == 0


def test_lint_json(capsys, write_tree):
    write_tree({"contracts/orders/order_placed.yaml": BROKEN})
    code, out, _ = run(capsys, "lint", "--format", "json")
    document = json.loads(out)
    assert code == 1
    assert document["summary"] == {"errors": 1, "warnings": 1, "files": 1}
    assert document["findings"][0] == {
        "rule": "owner-present", "severity": "error", "message": "owner is missing",
        "file": "contracts/orders/order_placed.yaml", "line": 1, "column": 1, "pointer": "",
        "event": "orders.OrderPlaced", "fix": "add `owner:` to the file",
    }


def test_lint_sarif(capsys, write_tree):
    write_tree({"contracts/orders/order_placed.yaml": BROKEN})
    code, out, _ = run(capsys, "lint", "--format", "sarif")
    assert code == 1
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    run_ = sarif["runs"][0]
    ids = [rule["id"] for rule in run_["tool"]["driver"]["rules"]]
    result = run_["results"][0]
    assert ids[result["ruleIndex"]] == result["ruleId"] == "owner-present"
    assert result["level"] == "error"
    assert result["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "contracts/orders/order_placed.yaml"},
        "region": {"startLine": 1, "startColumn": 1},
    }


def test_lint_junit(capsys, write_tree):
    write_tree({"contracts/orders/order_placed.yaml": BROKEN,
                "contracts/orders/order_paid.yaml": MINIMAL.replace("OrderPlaced", "OrderPaid")})
    code, out, _ = run(capsys, "lint", "--format", "junit")
    assert code == 1
    root = ET.fromstring(out.split("\n", 1)[1])
    suite = root.find("testsuite")
    assert (suite.get("tests"), suite.get("failures")) == ("2", "1")
    failing = [c.get("name") for c in suite.iter("testcase") if c.find("failure") is not None]
    assert failing == ["contracts/orders/order_placed.yaml"]


def test_lint_github(capsys, write_tree):
    write_tree({"contracts/orders/order_placed.yaml": BROKEN})
    code, out, _ = run(capsys, "lint", "--format", "github")
    assert code == 1
    assert out.splitlines() == [
        "::error file=contracts/orders/order_placed.yaml,line=1,col=1,title=owner-present::"
        "owner is missing Fix: add `owner:` to the file",
        "::warning file=contracts/orders/order_placed.yaml,line=14,col=9,"
        "title=property-description::property 'order_id' has no description",
    ]


def test_lint_named_files_only(capsys, write_tree):
    write_tree({"contracts/orders/order_placed.yaml": BROKEN,
                "contracts/orders/order_paid.yaml": MINIMAL.replace("OrderPlaced", "OrderPaid")})
    assert run(capsys, "lint", "contracts/orders/order_paid.yaml")[:2] == (
        0, "0 errors, 0 warnings in 1 file checked\n")


@pytest.mark.parametrize(
    ("files", "args", "message"),
    [
        ({"contracts/orders/a.yaml": "event: [\n"}, [],
         "error: contracts/orders/a.yaml:2:1: invalid YAML: "),
        ({"contracts/orders/a.yaml": MINIMAL + "event: again\n"}, [],
         "error: contracts/orders/a.yaml:18:1: duplicate key 'event' (first at line 1)"),
        ({}, ["nope.yaml"], "error: nope.yaml: no such file"),
        ({"governance/policy.yaml": "compatibility: SIDEWAYS\n"}, [],
         "error: governance/policy.yaml:1:1: compatibility must be one of"),
        ({"contracts/orders/a.yaml": "- event: orders.A\n"}, [],
         "error: contracts/orders/a.yaml:1:1: not a valid contract file: "),
        ({"contracts/_shared/id.yaml": "- type: string\n"}, [],
         "error: contracts/_shared/id.yaml:1:1: a shared schema must be a mapping"),
        ({"governance/policy.yaml": "- compatibility: NONE\n"}, [],
         "error: governance/policy.yaml:1: a policy must be a mapping"),
    ],
)
def test_bad_input_exits_2_without_traceback(capsys, write_tree, files, args, message):
    write_tree({"contracts/orders/order_placed.yaml": MINIMAL, **files})
    code, out, err = run(capsys, "lint", *args)
    assert code == 2
    assert err.startswith(message), err
    assert "Traceback" not in err + out


def test_policy_that_is_a_folder_exits_2(capsys, write_tree):
    root = write_tree({"contracts/orders/order_placed.yaml": MINIMAL})
    (root / "governance/policy.yaml").mkdir(parents=True)
    assert run(capsys, "lint") == (
        2, "", "error: governance/policy.yaml: is a folder, not a file\n")


def _unreadable(monkeypatch, name):
    """Make reading files called ``name`` fail as it does without permission (tests run as root)."""
    read_bytes, read_text = Path.read_bytes, Path.read_text

    def refuse(path):
        if path.name == name:
            raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(Path, "read_bytes", lambda p: refuse(p) or read_bytes(p))
    monkeypatch.setattr(Path, "read_text", lambda p, *a, **k: refuse(p) or read_text(p, *a, **k))


@pytest.mark.parametrize(
    ("name", "args", "message"),
    [
        ("order_placed.yaml", ["lint"],
         "error: contracts/orders/order_placed.yaml: cannot read the file: Permission denied\n"),
        ("order_placed.yaml", ["lint", "contracts/orders/order_placed.yaml"],
         "error: contracts/orders/order_placed.yaml: cannot read the file: Permission denied\n"),
        ("policy.yaml", ["lint"],
         "error: governance/policy.yaml: cannot read the file: Permission denied\n"),
        ("old.json", ["compat", "old.json", "contracts/orders/order_placed.yaml@1"],
         "error: old.json: cannot read the file: Permission denied\n"),
    ],
)
def test_unreadable_file_exits_2(capsys, write_tree, monkeypatch, name, args, message):
    write_tree({"contracts/orders/order_placed.yaml": MINIMAL,
                "governance/policy.yaml": "compatibility: BACKWARD\n",
                "old.json": '{"type": "object"}'})
    _unreadable(monkeypatch, name)
    assert run(capsys, *args) == (2, "", message)


def test_unreadable_config_exits_2(capsys, write_tree, monkeypatch):
    root = write_tree({"contracts/orders/order_placed.yaml": MINIMAL})
    _unreadable(monkeypatch, "pyproject.toml")
    assert run(capsys, "lint") == (
        2, "", f"error: {root / 'pyproject.toml'}: cannot read the file: Permission denied\n")


def test_usage_error_exits_2(capsys):
    code, _, err = run(capsys, "lint", "--format", "yaml")
    assert code == 2 and "Invalid value for '--format'" in err


def test_schema_contract_is_the_published_schema(capsys):
    code, out, _ = run(capsys, "schema", "contract")
    published = json.loads((REPO / "src/accord/registry/contract.schema.json").read_text())
    assert code == 0 and json.loads(out) == published


def test_rules_catalog(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    code, out, _ = run(capsys, "rules", "--format", "json")
    rows = json.loads(out)
    assert code == 0 and len(rows) >= 16
    assert {"id": "pii-retention", "severity": "error", "default": "error",
            "summary": rows[-1]["summary"]} == rows[-1]


def test_example_registry_lints_clean(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    code, out, _ = run(capsys, "lint")
    assert code == 0, out
    assert out.startswith("0 errors, 0 warnings in ")


def test_rules_page_is_current(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    code, out, _ = run(capsys, "rules", "--format", "markdown")
    assert code == 0
    assert (REPO / "site/docs/rules.md").read_text() == out, "run: accord rules --format " \
        "markdown > site/docs/rules.md"


def test_export_to_an_unwritable_place_exits_2(capsys, write_tree):
    write_tree({"contracts/orders/order_placed.yaml": MINIMAL, "taken": "a file\n"})
    code, out, err = run(capsys, "export", "asyncapi", "--out", "taken/asyncapi.yaml")
    assert (code, out) == (2, "")
    assert err.startswith("error: taken/asyncapi.yaml: cannot write: "), err


def test_import_of_an_unreadable_file_exits_2(capsys, write_tree, monkeypatch):
    write_tree({"asyncapi.yaml": "asyncapi: 3.0.0\n"})
    _unreadable(monkeypatch, "asyncapi.yaml")
    assert run(capsys, "import", "asyncapi", "asyncapi.yaml", "--into", "out") == (
        2, "", "error: asyncapi.yaml: cannot read the file: Permission denied\n")


@pytest.mark.parametrize(("text", "seconds"), [("90", 90.0), ("1.5", 1.5), ("500ms", 0.5),
                                               ("30s", 30.0), ("10m", 600.0), ("1h", 3600.0)])
def test_durations_read_like_the_scenarios(text: str, seconds: float) -> None:
    from accord.cli import Duration

    assert Duration().convert(text, None, None) == seconds


@pytest.mark.parametrize("text", ["0", "-1", "abc", "10 fortnights"])
def test_a_bad_duration_is_a_usage_error(text: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tap", "--broker", "nats://127.0.0.1:1", "--channel", "orders",
                 "--duration", text]) == 2
    assert "Invalid value for '--duration'" in capsys.readouterr().err
