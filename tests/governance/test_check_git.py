"""`accord check --base REF` in real temporary git repositories."""

import json
import subprocess

import pytest

from accord.cli import main
from tests.support import MINIMAL

V2_COMPATIBLE = MINIMAL + """\
  2:
    schema:
      type: object
      additionalProperties: false
      required: [order_id]
      properties:
        order_id: {type: string, description: The order.}
        note: {type: string, description: A note.}
    examples:
      - {order_id: o-1, note: hi}
"""
SHARED = "type: string\nminLength: 1\ndescription: An id.\n"
USES_SHARED = MINIMAL.replace("order_id: {type: string, description: The order.}",
                              "order_id: {$ref: ../_shared/id.yaml, description: The order.}")


def git(root, *args):
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


@pytest.fixture
def repo(write_tree):
    root = write_tree({"contracts/orders/order_placed.yaml": MINIMAL})
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "--allow-empty",
        "-m", "root")
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "-m", "base")
    return root


def _commit_then_tighten_shared(root):
    """Publish the tree, then raise the shared id's minLength (a change it must not make)."""
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "-m", "base")
    (root / "contracts/_shared/id.yaml").write_text(SHARED.replace("minLength: 1",
                                                                   "minLength: 3"))


def check(capsys, *args):
    code = main(["check", "--base", "HEAD", "--format", "json", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, json.loads(out) if out.strip().startswith("{") else err


def rules(document):
    return [(f["rule"], f["file"], f["line"]) for f in document["findings"]]


def test_unchanged_registry_passes(repo, capsys):
    code, document = check(capsys)
    assert (code, document["findings"], document["base"]) == (0, [], "HEAD")


def test_in_place_edit_of_a_published_version_fails(repo, capsys):
    path = repo / "contracts/orders/order_placed.yaml"
    path.write_text(MINIMAL.replace("{type: string, description: The order.}",
                                    "{type: string, maxLength: 8, description: The order.}"))
    code, document = check(capsys)
    assert code == 1
    assert rules(document) == [("immutable-version", "contracts/orders/order_placed.yaml", 15)]
    finding = document["findings"][0]
    assert finding["pointer"] == "/versions/1/schema/properties/order_id"
    assert "max-length-decreased" in finding["message"]


def test_annotation_only_edit_passes(repo, capsys):
    path = repo / "contracts/orders/order_placed.yaml"
    path.write_text(MINIMAL.replace("description: The order.", "description: The order id."))
    assert check(capsys)[0] == 0


def test_compatible_new_version_passes(repo, capsys):
    (repo / "contracts/orders/order_placed.yaml").write_text(V2_COMPATIBLE)
    code, document = check(capsys)
    assert (code, document["findings"]) == (0, [])


def test_incompatible_new_version_fails(repo, capsys):
    text = V2_COMPATIBLE.replace("required: [order_id]\n      properties:\n        order_id: "
                                 "{type: string, description: The order.}\n        note",
                                 "required: [order_id, note]\n      properties:\n        "
                                 "order_id: {type: string, description: The order.}\n        note")
    assert text != V2_COMPATIBLE
    (repo / "contracts/orders/order_placed.yaml").write_text(text)
    code, document = check(capsys)
    assert code == 1
    assert [f["rule"] for f in document["findings"]] == ["compatibility"]
    assert "required-added" in document["findings"][0]["message"]
    assert document["findings"][0]["fix"]
    # The counterexample: a v1 event without `note`, which v2 rejects.
    shown = document["findings"][0]["counterexample"]
    assert shown["found"] and shown["direction"] == "backward"
    assert "note" not in shown["payload"] and "order_id" in shown["payload"]
    assert "this v1 event is rejected by v2: {" in document["findings"][0]["message"]
    # The same in SARIF (message and properties) and in the Markdown PR comment.
    assert main(["check", "--base", "HEAD", "--format", "sarif"]) == 1
    result = json.loads(capsys.readouterr().out)["runs"][0]["results"][0]
    assert result["properties"]["counterexample"]["payload"] == shown["payload"]
    assert "rejected by v2" in result["message"]["text"]
    assert main(["check", "--base", "HEAD", "--format", "markdown"]) == 1
    comment = capsys.readouterr().out
    assert comment.startswith("### ❌ Accord: 1 contract would break")
    assert "| ❌ | compatibility | contracts/orders/order_placed.yaml:" in comment
    assert "<details><summary>Counterexamples" in comment
    assert json.dumps(shown["payload"], indent=2) in comment


def test_deleting_a_published_version_fails_unless_retired(repo, capsys):
    path = repo / "contracts/orders/order_placed.yaml"
    path.write_text(V2_COMPATIBLE)
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "-m", "v2")
    head, _, rest = V2_COMPATIBLE.partition("  1:\n")
    only_v2 = head + rest[rest.index("  2:\n"):]
    assert "  1:" not in only_v2 and "  2:" in only_v2
    path.write_text(only_v2)
    code, document = check(capsys)
    assert code == 1
    assert "deleted-version" in [f["rule"] for f in document["findings"]]


def test_deleting_a_contract_fails(repo, capsys):
    (repo / "contracts/orders/order_placed.yaml").unlink()
    (repo / "contracts/orders/order_paid.yaml").write_text(
        MINIMAL.replace("OrderPlaced", "OrderPaid"))
    code, document = check(capsys)
    assert code == 1
    assert [f["rule"] for f in document["findings"]] == ["deleted-contract"]
    assert document["findings"][0]["event"] == "orders.OrderPlaced"


def test_deleting_a_retired_contract_passes(repo, capsys):
    path = repo / "contracts/orders/order_placed.yaml"
    path.write_text(MINIMAL.replace("  1:\n", "  1:\n    status: retired\n"
                                    "    deprecated_on: '2026-01-01'\n"))
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "-m", "retire")
    path.unlink()
    (repo / "contracts/orders/order_paid.yaml").write_text(
        MINIMAL.replace("OrderPlaced", "OrderPaid"))
    assert check(capsys)[0] == 0


def test_renaming_the_file_keeps_the_event(repo, capsys):
    (repo / "contracts/orders/order_placed.yaml").rename(repo / "contracts/orders/placed.yaml")
    code, document = check(capsys)
    # Same event, same versions: the gate is satisfied; lint names the file convention.
    assert code == 1
    assert [f["rule"] for f in document["findings"]] == ["event-name"]


def test_renaming_the_event_is_a_deletion(repo, capsys):
    (repo / "contracts/orders/order_placed.yaml").unlink()
    (repo / "contracts/orders/order_created.yaml").write_text(
        MINIMAL.replace("OrderPlaced", "OrderCreated"))
    code, document = check(capsys)
    assert code == 1 and [f["rule"] for f in document["findings"]] == ["deleted-contract"]


def test_editing_a_shared_schema_reaches_the_contracts_that_use_it(write_tree, capsys):
    root = write_tree({"contracts/orders/order_placed.yaml": USES_SHARED,
                       "contracts/_shared/id.yaml": SHARED})
    _commit_then_tighten_shared(root)
    code, document = check(capsys)
    assert code == 1
    finding = document["findings"][0]
    assert finding["rule"] == "immutable-version"
    assert (finding["file"], finding["line"]) == ("contracts/_shared/id.yaml", 1)
    # The pre-commit form, naming only the shared file, finds the same.
    assert check(capsys, "contracts/_shared/id.yaml")[0] == 1


def test_precommit_paths_check_only_those_files(repo, capsys):
    (repo / "contracts/orders/order_paid.yaml").write_text(
        MINIMAL.replace("OrderPlaced", "OrderPaid").replace("owner: team-orders\n", ""))
    assert check(capsys, "contracts/orders/order_placed.yaml")[0] == 0
    code, document = check(capsys, "contracts/orders/order_paid.yaml", ".pre-commit-config.yaml"
                           if (repo / ".pre-commit-config.yaml").exists() else "pyproject.toml")
    assert code == 1 and [f["rule"] for f in document["findings"]] == ["owner-present"]


def test_unknown_ref_is_bad_input(repo, capsys):
    assert main(["check", "--base", "no-such-ref"]) == 2
    assert capsys.readouterr().err == "error: unknown git ref 'no-such-ref'\n"


def test_base_outside_a_git_repo_is_bad_input(write_tree, capsys):
    write_tree({"contracts/orders/order_placed.yaml": MINIMAL})
    assert main(["check", "--base", "HEAD"]) == 2
    assert "is not inside a git repository" in capsys.readouterr().err


def test_the_text_report_names_file_pointer_and_reason(repo, capsys):
    path = repo / "contracts/orders/order_placed.yaml"
    path.write_text(MINIMAL.replace("{type: string, description: The order.}",
                                    "{type: integer, description: The order.}").replace(
                                        "{order_id: o-1}", "{order_id: 1}"))
    assert main(["check", "--base", "HEAD"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("contracts/orders/order_placed.yaml:15:9: error [immutable-version] "
                          "published version 1 of orders.OrderPlaced was edited so that it "
                          "accepts different payloads:")


def test_check_includes_consumer_expectations(tmp_path, monkeypatch, capsys):
    """A contract change that drops a field a consumer relies on names that consumer."""
    import shutil

    from tests.support import REPO

    for folder in ("contracts", "governance", "plugins", "expectations"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.accord]\nregistry = "contracts"\npolicy = "governance/policy.yaml"\n'
        'plugins = ["plugins.retention_rule"]\nexpectations = "expectations"\n')
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 0
    capsys.readouterr()
    customer = tmp_path / "contracts/_shared/customer.yaml"
    text = customer.read_text()
    assert "  email:" in text
    customer.write_text(text.replace("email", "contact_email"))
    code = main(["check", "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    rules_found = {f["rule"] for f in document["findings"]}
    assert code == 1 and "consumer-field-removed" in rules_found
    message = next(f["message"] for f in document["findings"]
                   if f["rule"] == "consumer-field-removed")
    assert "email-service" in message and "customer.email" in message


def test_another_base_in_a_repo_with_no_commits_is_bad_input(write_tree, capsys):
    # HEAD is the first commit's base (empty, see test_gate.py); any other ref is unknown.
    root = write_tree({"contracts/orders/order_placed.yaml": MINIMAL})
    git(root, "init", "-q", "-b", "main")
    assert main(["check", "--base", "main"]) == 2
    assert capsys.readouterr().err == (
        "error: unknown git ref 'main': the repository has no commits yet, "
        "so there is no base to check against\n"
    )


def test_a_changed_shared_schema_is_one_finding_per_contract_at_the_shared_file(
        write_tree, capsys):
    second = USES_SHARED.replace("OrderPlaced", "OrderShipped")
    root = write_tree({"contracts/orders/order_placed.yaml": USES_SHARED,
                       "contracts/orders/order_shipped.yaml": second,
                       "contracts/_shared/id.yaml": SHARED})
    _commit_then_tighten_shared(root)
    code, document = check(capsys)
    assert code == 1
    found = [(f["rule"], f["file"], f["event"]) for f in document["findings"]]
    assert sorted(found) == [
        ("immutable-version", "contracts/_shared/id.yaml", "orders.OrderPlaced"),
        ("immutable-version", "contracts/_shared/id.yaml", "orders.OrderShipped"),
    ]
    assert all("through _shared/id.yaml" in f["message"] for f in document["findings"])
