"""AsyncAPI 3.0 export and 2.6/3.0 import, checked with the official parser."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from accord.cli import main
from accord.governance.lint import lint
from accord.governance.plugins import load_rules
from accord.interop.asyncapi_export import export_asyncapi
from accord.registry import Policy, load_registry
from tests.support import REPO

NODE_DIR = REPO / "tests/interop/node"
FASTSTREAM = REPO / "tests/interop/fixtures/faststream_orders.json"


def official_parser(document: dict, tmp_path: Path) -> dict:
    """Diagnostics from @asyncapi/parser, run by Node (installed by `make test`)."""
    if not (NODE_DIR / "node_modules/@asyncapi/parser").is_dir():
        if os.environ.get("CI"):
            pytest.fail("@asyncapi/parser is not installed: run `make test`")
        pytest.skip("@asyncapi/parser is not installed (make test installs it)")
    node = shutil.which("node")
    assert node is not None
    path = tmp_path / "asyncapi.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    result = subprocess.run([node, str(NODE_DIR / "parse.js"), str(path)], capture_output=True,
                            text=True, check=False, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def errors(report: dict) -> list[dict]:
    return [d for d in report["diagnostics"] if d["severity"] == 0]


@pytest.fixture(scope="module")
def registry():
    return load_registry(REPO / "contracts")


def test_export_of_the_example_registry_passes_the_official_parser(registry, tmp_path):
    document = export_asyncapi(registry)
    report = official_parser(document, tmp_path)
    assert report["parsed"] and errors(report) == []
    assert document["asyncapi"] == "3.0.0"
    assert document["channels"]["orders"]["address"] == "orders"
    message = document["components"]["messages"]["orders.OrderPlaced.v2"]
    assert message["x-accord-owner"] == "team-orders"
    assert message["x-accord-compatibility"] == "BACKWARD_TRANSITIVE"
    placed = registry.get("orders.OrderPlaced")
    assert message["examples"][0]["payload"] == placed.latest.examples[0]
    assert "_shared.money" in document["components"]["schemas"]
    op = document["operations"]["order-service.send.orders.OrderPlaced"]
    assert (op["action"], op["channel"]) == ("send", {"$ref": "#/channels/orders"})


def test_service_view_holds_only_that_service(registry, tmp_path):
    document = export_asyncapi(registry, service="email-service")
    actions = {(op["x-accord-service"], op["action"]) for op in document["operations"].values()}
    assert actions == {("email-service", "receive")}
    assert errors(official_parser(document, tmp_path)) == []


def test_export_import_export_is_the_same_document(registry, tmp_path, monkeypatch):
    first = export_asyncapi(registry)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.accord]\nregistry = "contracts"\n')
    (tmp_path / "export.yaml").write_text(yaml.safe_dump(first, sort_keys=False))
    assert main(["import", "asyncapi", "export.yaml"]) == 0
    imported = load_registry("contracts")
    assert [c.event for c in imported.contracts] == [c.event for c in registry.contracts]
    assert export_asyncapi(imported) == first


def test_faststream_style_document_imports_and_lints_without_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.accord]\nregistry = "contracts"\n')
    assert main(["import", "asyncapi", str(FASTSTREAM)]) == 0
    registry = load_registry("contracts")
    report = lint(registry, Policy(), load_rules())
    assert [f for f in report.findings if f.severity == "error"] == []
    placed = registry.get("orders.OrderPlaced")
    # FastStream writes a handler as `subscribe`: the service consumes it.
    assert (placed.channel, placed.consumers, placed.producers) == (
        "orders_placed", ("shipping-service",), ("unknown",))
    assert placed.latest.resolved["properties"]["total"] == {"$ref": "#/$defs/_shared.money"}
    shipment = registry.get("shipments.ShipmentCreated")
    assert [v.number for v in shipment.versions] == [1]
    assert shipment.latest.extensions == {"x-accord-imported-as": "ShipmentCreatedV2"}
    assert shipment.producers == ("shipping-service",)
    assert {"field-case", "channel-name"} <= placed.ignore


def test_spec_semantics_for_other_asyncapi_2_documents(tmp_path):
    from accord.interop.asyncapi_import import import_asyncapi
    from accord.registry.model import SourceMap

    document = {
        "asyncapi": "2.6.0",
        "info": {"title": "Billing", "version": "1"},
        "channels": {"invoices": {"publish": {"message": {
            "name": "InvoiceIssued", "payload": {"type": "object", "additionalProperties": False,
                                                 "properties": {"id": {"type": "string"}}}}}}},
    }
    files = import_asyncapi(document, SourceMap("doc.yaml")).files
    contract = files["invoices/invoice_issued.yaml"]
    # In AsyncAPI 2, `publish` means other applications publish: Billing receives.
    assert (contract["consumers"], contract["producers"]) == (["billing"], ["unknown"])


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"asyncapi": "1.2.0", "info": {"title": "x", "version": "1"}},
         "AsyncAPI 1.2.0 is not supported; Accord imports 2.0 to 2.6, 3.0 and 3.1 documents"),
        ({"asyncapi": "3.0.0", "info": {"title": "x"}}, "info.title and info.version are required"),
        ({"asyncapi": "3.0.0", "info": {"title": "x", "version": "1"}, "channels": {"c": {
            "address": "c", "messages": {"m": {"payload": {
                "schemaFormat": "application/vnd.apache.avro;version=1.9.0",
                "schema": {"type": "record"}}}}}}},
         "its Avro schema cannot be converted: an Avro record needs a name"),
        ({"asyncapi": "3.0.0", "info": {"title": "x", "version": "1"}, "channels": {"c": {
            "address": "c", "messages": {"m": {"name": "M"}}}}}, "message 'm' has no payload"),
        ({"asyncapi": "3.0.0", "info": {"title": "x", "version": "1"}, "channels": {"c": {
            "address": "c", "messages": {"m": {"$ref": "https://example.org/m.json"}}}}},
         "leaves the document"),
        ({"asyncapi": "3.0.0", "info": {"title": "x", "version": "1"}, "channels": {}},
         "the document has no messages to import"),
    ],
)
def test_bad_documents_exit_2_with_one_message(tmp_path, monkeypatch, capsys, document, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "doc.json").write_text(json.dumps(document))
    assert main(["import", "asyncapi", "doc.json", "--into", "out"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: doc.json:") and message in err, err
    assert not (tmp_path / "out").exists()


def test_import_refuses_to_overwrite(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["import", "asyncapi", str(FASTSTREAM), "--into", "c"]) == 0
    assert main(["import", "asyncapi", str(FASTSTREAM), "--into", "c"]) == 2
    assert "exists; use --force" in capsys.readouterr().err
    assert main(["import", "asyncapi", str(FASTSTREAM), "--into", "c", "--force"]) == 0


def test_export_cli_formats(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    assert main(["export", "asyncapi", "--format", "json", "--service", "audit-service"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["x-accord-service"] == "audit-service"
    assert main(["export", "asyncapi", "--service", "nobody"]) == 2
    assert "no contract names service 'nobody'" in capsys.readouterr().err
