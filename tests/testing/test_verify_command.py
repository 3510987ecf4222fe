"""`accord verify`: expectation files written by a consumer's tests, against registry changes."""

from __future__ import annotations

import json
import subprocess

import pytest

from accord.cli import main

CONTRACT = """\
event: shop.OrderPlaced
summary: An order was placed.
owner: team-orders
channel: orders
producers: [order-service]
consumers: [email-service]
versions:
  1:
    schema:
      type: object
      additionalProperties: false
      required: [order_id, customer]
      properties:
        order_id: {type: string, description: The order.}
        customer:
          type: object
          additionalProperties: false
          required: [email, name]
          description: Who ordered.
          properties:
            email: {type: string, description: Where receipts go.}
            name: {type: string, description: Full name.}
    examples:
      - {order_id: o-1, customer: {email: a@example.com, name: Ada}}
"""
V2_WITHOUT_EMAIL = """\
  2:
    schema:
      type: object
      additionalProperties: false
      required: [order_id, customer]
      properties:
        order_id: {type: string, description: The order.}
        customer:
          type: object
          additionalProperties: false
          required: [name]
          description: Who ordered.
          properties:
            name: {type: string, description: Full name.}
            email_hash: {type: string, description: Hashed address.}
"""
V2_OPTIONAL_NAME = V2_WITHOUT_EMAIL.replace(
    "email_hash: {type: string, description: Hashed address.}",
    "email: {type: string, description: Where receipts go.}",
).replace("required: [name]", "required: [email]")
CONSUMER_TEST = """
from accord.testing import like

def test_receipt(accord):
    expectation = accord.consumer("email-service").expects(
        "shop.OrderPlaced", 1, fields={"customer.email": like("ada@example.com")})
    for event in expectation.samples(5):
        assert event["customer"]["name"] is not None
"""


def git(root, *args):
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@e", *args], cwd=root,
                   check=True, capture_output=True)


@pytest.fixture
def repo(pytester):
    pytester.makepyprojecttoml('[tool.accord]\nregistry = "contracts"\n')
    (pytester.path / "contracts" / "shop").mkdir(parents=True)
    (pytester.path / "contracts" / "shop" / "order_placed.yaml").write_text(CONTRACT)
    pytester.makepyfile(test_inner_receipts=CONSUMER_TEST)
    pytester.runpytest().assert_outcomes(passed=1)
    assert (pytester.path / "expectations" / "email-service.json").is_file()
    git(pytester.path, "init", "-q", "-b", "main")
    git(pytester.path, "add", "-A")
    git(pytester.path, "commit", "-q", "-m", "base")
    return pytester.path


def verify(capsys, *args):
    code = main(["verify", "--format", "json", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, json.loads(out)


def test_unchanged_registry_verifies(repo, capsys):
    code, document = verify(capsys, "--base", "HEAD")
    assert (code, document["findings"], document["summary"]["files"]) == (0, [], 1)


def test_new_version_dropping_a_field_a_consumer_relies_on_fails(repo, capsys):
    path = repo / "contracts/shop/order_placed.yaml"
    path.write_text(CONTRACT + V2_WITHOUT_EMAIL)
    code, document = verify(capsys, "--base", "HEAD")
    assert code == 1
    messages = {(f["rule"], f["message"].split("; email-service's")[0])
                for f in document["findings"]}
    assert (
        "consumer-field-removed",
        "shop.OrderPlaced v2 drops `customer.email`, which email-service relies on (expects "
        "v1; test_inner_receipts.py::test_receipt)",
    ) in messages
    # The counterexample: a valid v2 event, as the consumer's test would receive it.
    [found] = [f for f in document["findings"] if f["rule"] == "consumer-field-removed"]
    assert "email-service's test_inner_receipts.py::test_receipt would receive {" \
        in found["message"]
    shown = found["counterexample"]["payload"]
    assert "email" not in shown["customer"] and shown["customer"]["name"]
    # customer.name was only read, and v2 keeps it required: no finding for it.
    assert not any("customer.name" in message for _, message in messages)
    assert document["findings"][0]["file"].endswith("contracts/shop/order_placed.yaml")


def test_text_report_names_consumer_and_test(repo, capsys):
    (repo / "contracts/shop/order_placed.yaml").write_text(CONTRACT + V2_WITHOUT_EMAIL)
    assert main(["verify"]) == 1
    out = capsys.readouterr().out
    assert "[consumer-field-removed] shop.OrderPlaced v2 drops `customer.email`, which " \
           "email-service relies on (expects v1; test_inner_receipts.py::test_receipt)" in out


def test_making_a_read_field_optional_is_reported(repo, capsys):
    (repo / "contracts/shop/order_placed.yaml").write_text(CONTRACT + V2_OPTIONAL_NAME)
    code, document = verify(capsys, "--base", "HEAD")
    assert code == 1
    assert [(f["rule"], f["message"].split(",")[0]) for f in document["findings"]] == [
        ("consumer-field-optional", "shop.OrderPlaced v2 makes `customer.name` optional"),
    ]


def test_base_hides_what_was_already_there(repo, capsys):
    (repo / "contracts/shop/order_placed.yaml").write_text(CONTRACT + V2_WITHOUT_EMAIL)
    git(repo, "commit", "-q", "-am", "v2")
    assert verify(capsys, "--base", "HEAD")[0] == 0
    assert verify(capsys)[0] == 1  # without --base: every later version is checked


def test_corrupt_expectation_file_is_bad_input(repo, capsys):
    (repo / "expectations" / "email-service.json").write_text('{"format": 1,')
    assert main(["verify"]) == 2
    assert "corrupt expectation file" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["sarif", "junit", "github"])
def test_machine_formats(repo, capsys, fmt):
    (repo / "contracts/shop/order_placed.yaml").write_text(CONTRACT + V2_WITHOUT_EMAIL)
    assert main(["verify", "--format", fmt]) == 1
    out = capsys.readouterr().out
    assert "consumer-field-removed" in out and "customer.email" in out
