"""`accord compat` and `accord diff`, run as a user runs them."""

import json

import pytest

from accord.cli import main
from tests.support import MINIMAL, REPO

OLD = '{"type": "object", "properties": {"name": {"type": "string", "maxLength": 10}}}'
NEW = '{"type": "object", "properties": {"name": {"type": "string", "maxLength": 5}}}'


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture
def schemas(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "old.json").write_text(OLD)
    (tmp_path / "new.json").write_text(NEW)
    (tmp_path / "new.yaml").write_text("type: object\nproperties:\n  name: {type: string}\n")
    return tmp_path


def test_compat_breaking_exits_1_with_json(schemas, capsys):
    code, out, _ = run(capsys, "compat", "old.json", "new.json", "--format", "json")
    document = json.loads(out)
    assert code == 1
    assert document["compatible"] is False and document["mode"] == "BACKWARD"
    change = document["changes"][0]
    assert set(change) >= {"kind", "path", "breaks_backward", "breaks_forward", "message"}
    assert (change["kind"], change["path"], change["breaks_backward"]) == (
        "max-length-decreased", "/properties/name", True)
    shown = change["counterexample"]
    assert shown["found"] and shown["direction"] == "backward"
    assert 5 < len(shown["payload"]["name"]) <= 10  # valid for old.json, too long for new


def test_compat_text_shows_the_counterexample(schemas, capsys):
    code, out, _ = run(capsys, "compat", "old.json", "new.json")
    assert code == 1
    assert "      accepted by old.json, rejected by new.json: {\"name\": " in out


def test_compat_compatible_exits_0(schemas, capsys):
    code, out, _ = run(capsys, "compat", "new.json", "old.json")
    assert code == 0
    assert out.startswith("old.json is compatible with new.json under BACKWARD\n")


def test_compat_forward_mode_and_yaml_schema(schemas, capsys):
    assert run(capsys, "compat", "old.json", "new.yaml", "--mode", "FORWARD")[0] == 1
    assert run(capsys, "compat", "old.json", "new.yaml", "--mode", "backward")[0] == 0


def test_compat_undeclared_properties(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.json").write_text('{"type": "object"}')
    (tmp_path / "b.json").write_text(
        '{"type": "object", "properties": {"x": {"type": "string"}}}')
    assert run(capsys, "compat", "a.json", "b.json", "--mode", "FULL")[0] == 1
    assert run(capsys, "compat", "a.json", "b.json", "--mode", "FULL",
               "--undeclared-properties", "assume-absent")[0] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.json", "new.json"], "error: missing.json: no such file"),
        (["old.json", "bad.json"], "error: bad.json:2:1: invalid YAML"),
        (["old.json", "notschema.json"], "error: notschema.json:1:2: not a valid JSON Schema"),
        (["old.json", "remote.json"], "error: remote.json:1:2: remote $ref"),
    ],
)
def test_compat_bad_input_exits_2(schemas, capsys, args, message):
    (schemas / "bad.json").write_text('{"type": ')
    (schemas / "notschema.json").write_text('{"type": "strung"}')
    (schemas / "remote.json").write_text('{"$ref": "https://example.org/s.json"}')
    code, _, err = run(capsys, "compat", *args)
    assert code == 2
    assert err.startswith(message), err


def test_compat_contract_versions_use_the_contracts_level(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    path = "contracts/orders/order_placed.yaml"
    code, out, _ = run(capsys, "compat", f"{path}@1", f"{path}@2", "--format", "json")
    assert code == 0 and json.loads(out)["mode"] == "BACKWARD_TRANSITIVE"
    assert run(capsys, "compat", f"{path}@2", f"{path}@1")[0] == 1
    code, _, err = run(capsys, "compat", f"{path}@1", f"{path}@9")
    assert code == 2 and "orders.OrderPlaced has no version 9 (it has 1, 2)" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["contracts/orders/order_placed.yaml", "contracts/orders/order_placed.yaml@1"],
         "error: contracts/orders/order_placed.yaml:1:1: this is a contract file, not a schema; "
         "name a version: contracts/orders/order_placed.yaml@VERSION\n"),
        (["contracts/orders/order_placed.yaml@1", "contracts/orders/order_placed.yaml@\u00b2"],
         "error: contracts/orders/order_placed.yaml@\u00b2: no such file "
         "(give a schema file or contract.yaml@VERSION)\n"),
        (["contracts/orders/order_placed.yaml@1", "contracts/orders@1"],
         "error: contracts/orders: no such file\n"),
        (["contracts/_shared/id.yaml@1", "contracts/orders/order_placed.yaml@1"],
         "error: contracts/_shared/id.yaml:1:1: not a valid contract file: "),
    ],
)
def test_compat_contract_bad_input_exits_2(capsys, write_tree, args, message):
    write_tree({"contracts/orders/order_placed.yaml": MINIMAL,
                "contracts/_shared/id.yaml": "type: string\n"})
    code, out, err = run(capsys, "compat", *args)
    assert (code, out) == (2, "")
    assert err.startswith(message), err


def test_diff_last_two_versions(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    code, out, _ = run(capsys, "diff", "orders.OrderPlaced", "--format", "json")
    document = json.loads(out)
    assert code == 0
    assert (document["from"], document["to"], document["compatible"]) == (1, 2, True)
    assert any(c["kind"] == "property-added" for c in document["changes"])
    assert {"path": "/description", "action": "changed"}.items() <= next(
        a for a in document["annotations"] if a["path"] == "/description").items()


def test_diff_by_file_and_explicit_versions(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    code, out, _ = run(capsys, "diff", "contracts/orders/order_placed.yaml", "2", "1")
    assert code == 0
    assert out.startswith("orders.OrderPlaced: version 2 → 1 (NOT compatible under "
                          "BACKWARD_TRANSITIVE)\n")


def test_diff_bad_input(capsys, write_tree):
    write_tree({"contracts/orders/order_placed.yaml": MINIMAL})
    assert run(capsys, "diff", "orders.Nope")[0] == 2
    code, _, err = run(capsys, "diff", "orders.OrderPlaced")
    assert code == 2 and "has only version 1; nothing to diff" in err
    assert run(capsys, "diff", "orders.OrderPlaced", "1")[0] == 2
