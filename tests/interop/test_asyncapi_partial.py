"""Per-message import: one message that cannot be imported is skipped, named, and the
rest imports (exit 1); channel addresses are kept whole (issue 15)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from accord.cli import main
from accord.registry import load_registry

DOCUMENT = """\
asyncapi: 3.1.0
info: {title: Billing, version: 1.0.0}
channels:
  invoices:
    address: 'https://example.com/invoices/{id}'
    messages:
      invoiceIssued: {$ref: '#/components/messages/invoiceIssued'}
      invoiceAvro: {$ref: '#/components/messages/invoiceAvro'}
operations:
  sendInvoice:
    action: send
    channel: {$ref: '#/channels/invoices'}
components:
  messages:
    invoiceIssued:
      payload:
        schemaFormat: application/schema+yaml;version=draft-07
        schema:
          type: object
          properties:
            amount: {$ref: '#/components/schemas/money'}
    invoiceAvro:
      payload:
        schemaFormat: application/vnd.apache.avro+json;version=1.9.0
        schema: {$ref: 'https://example.com/schemas/invoice.avsc'}
  schemas:
    money:
      type: object
      properties:
        value: {type: string}
"""


def test_one_unsupported_message_is_skipped_and_named(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "billing.yaml").write_text(DOCUMENT)
    code = main(["import", "asyncapi", "billing.yaml", "--into", "contracts"])
    err = capsys.readouterr().err
    assert code == 1
    assert "warning: " in err and ("'invoiceAvro' skipped: its Avro schema is at "
                                   "https://example.com/schemas/invoice.avsc, which import "
                                   "does not fetch") in err
    assert "billing.yaml:" in err.split("'invoiceAvro'")[0]  # located in the document
    registry = load_registry(Path("contracts"))
    [contract] = registry.contracts
    # The address keeps its colon; the once-used component schema travels with the
    # contract (its `definitions`), so nothing points back into the document.
    assert contract.channel == "https://example.com/invoices/{id}"
    schema = contract.versions[0].resolved
    assert schema["properties"]["amount"]["$ref"] == "#/definitions/money"
    assert os.path.isfile("contracts/" + contract.path)


MULTI = """\
asyncapi: 3.0.0
info: {title: Likes, version: 1.0.0}
channels:
  likes:
    address: likes
    messages:
      liked: {$ref: '../common/messages.yaml#/liked'}
"""


@pytest.mark.parametrize("escape", ["dotdot", "symlink"])
def test_a_ref_to_another_file_stays_inside_the_folder_read(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        escape: str) -> None:
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside/messages.yaml").write_text("liked: {payload: {type: object}}\n")
    work = tmp_path / "work"
    (work / "app").mkdir(parents=True)
    (work / "app/asyncapi.yaml").write_text(MULTI)
    if escape == "symlink":
        (work / "common").symlink_to(tmp_path / "outside")
    else:
        (work / "app/asyncapi.yaml").write_text(MULTI.replace("../common", "../../outside"))
    monkeypatch.chdir(work)
    code = main(["import", "asyncapi", "app/asyncapi.yaml", "--into", "contracts"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert ("leaves" in err) if escape == "dotdot" else ("symbolic link" in err), err
    assert not (work / "contracts").exists()


def test_a_multi_file_document_imports_with_its_schemas_shared(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "common").mkdir()
    (tmp_path / "app").mkdir()
    (tmp_path / "common/messages.yaml").write_text(
        "liked: {payload: {$ref: './schemas.yaml#/likedPayload'}}\n"
        "unliked: {payload: {$ref: './schemas.yaml#/unlikedPayload'}}\n")
    (tmp_path / "common/schemas.yaml").write_text(
        "likedPayload: {type: object, properties: {id: {$ref: '#/commentId'}}}\n"
        "unlikedPayload: {type: object, properties: {id: {$ref: '#/commentId'}}}\n"
        "commentId: {type: string, description: The comment.}\n")
    (tmp_path / "app/asyncapi.yaml").write_text(MULTI + "      unliked: {$ref: "
                                                "'../common/messages.yaml#/unliked'}\n")
    monkeypatch.chdir(tmp_path)
    assert main(["import", "asyncapi", "app/asyncapi.yaml", "--into", "contracts"]) == 0
    registry = load_registry(Path("contracts"))
    assert len(registry.contracts) == 2
    # commentId is used by both payloads: one shared file, not a copy in each contract.
    assert [p for p in registry.shared] == ["_shared/comment_id.yaml"]


def test_a_json_document_with_an_emoji_escaped_as_json_dump_writes_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    import yaml

    document = yaml.safe_load(DOCUMENT.replace("      invoiceAvro: {$ref: '#/components/"
                                               "messages/invoiceAvro'}\n", ""))
    del document["components"]["messages"]["invoiceAvro"]
    document["info"]["description"] = "Night \U0001f303 billing"
    monkeypatch.chdir(tmp_path)
    (tmp_path / "billing.json").write_text(json.dumps(document, indent=2))  # \\ud83c\\udf03
    assert "\\ud83c\\udf03" in (tmp_path / "billing.json").read_text()
    assert main(["import", "asyncapi", "billing.json", "--into", "contracts"]) == 0
    [contract] = load_registry(Path("contracts")).contracts
    assert contract.channel == "https://example.com/invoices/{id}"


def test_a_json_syntax_error_is_located(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.json").write_text('{\n  "asyncapi": "3.0.0",\n  "info": {,}\n}\n')
    assert main(["import", "asyncapi", "bad.json", "--into", "contracts"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: bad.json:3:12: invalid JSON: "), err


def test_a_ref_to_a_missing_file_is_located_in_the_document(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.yaml").write_text(MULTI.replace("../common/", "./"))
    assert main(["import", "asyncapi", "app.yaml", "--into", "contracts"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: app.yaml:7:"), err
    assert "messages.yaml" in err and "is not a file" in err


def test_a_ref_back_to_itself_is_an_error_not_a_crash(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`$ref: ''` is the whole document: put in place, it would contain itself (found by
    the loader fuzz test as a RecursionError)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.yaml").write_text(
        "asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\n"
        "channels:\n  c: {address: orders, messages: {m: {$ref: '#/components/messages/m'}}}\n"
        "components:\n  messages: {m: {}}\n  x-loop: [{$ref: ''}]\n")
    assert main(["import", "asyncapi", "app.yaml", "--into", "contracts"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: app.yaml:"), err
    assert "refers back to itself" in err and "Traceback" not in err


AVRO = """\
asyncapi: 2.6.0
info: {title: Costing, version: 1.0.0}
channels:
  costing.requests:
    publish:
      message:
        name: CostingRequest
        schemaFormat: application/vnd.apache.avro+json;version=1.9.0
        payload:
          type: record
          name: CostingRequest
          namespace: com.example.costing
          fields:
            - {name: product, type: string}
            - {name: quantity, type: int}
            - {name: unit, type: {type: enum, name: Unit, symbols: [PIECE, KG]}}
            - {name: note, type: ['null', string], default: null}
"""


def test_an_inline_avro_message_is_converted_and_noted(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from accord.validation import validator

    monkeypatch.chdir(tmp_path)
    (tmp_path / "costing.yaml").write_text(AVRO)
    assert main(["import", "asyncapi", "costing.yaml", "--into", "contracts"]) == 0
    [contract] = load_registry(Path("contracts")).contracts
    [version] = contract.versions
    check = validator(version.resolved)
    assert check.is_valid({"product": "p1", "quantity": 3, "unit": "KG", "note": None})
    assert not check.is_valid({"product": "p1", "quantity": 2**31, "unit": "KG", "note": None})
    assert not check.is_valid({"product": "p1", "quantity": 3, "unit": "LB", "note": None})
    text = (tmp_path / "contracts" / contract.path).read_text()
    assert "x-accord-converted-from: 'application/vnd.apache.avro+json;version=1.9.0" in text
    assert main(["lint", "contracts"]) == 0
