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
        schema: {type: record, name: Invoice, fields: []}
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
    assert "warning: " in err and "'invoiceAvro' skipped: schema format Avro" in err
    assert "billing.yaml:" in err.split("'invoiceAvro'")[0]  # located in the document
    registry = load_registry(Path("contracts"))
    [contract] = registry.contracts
    # The address keeps its colon; the once-used component schema travels with the
    # contract (its `definitions`), so nothing points back into the document.
    assert contract.channel == "https://example.com/invoices/{id}"
    schema = contract.versions[0].resolved
    assert schema["properties"]["amount"]["$ref"] == "#/definitions/money"
    assert os.path.isfile("contracts/" + contract.path)
