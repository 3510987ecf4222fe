"""AsyncAPI documents written by other tools (issue 15), in tests/interop/asyncapi-tools:
- FastStream itself (`faststream docs gen` on small shop apps: Kafka 2.6 and 3.0, NATS,
  Redis), whose `<address>:<Handler>` keys are read as FastStream's, so the events are
  the payloads' models and the channels the addresses, whole;
- Springwolf's example apps (Spring Kafka, AMQP, JMS, SNS, SQS, STOMP, Spring Cloud
  Stream; AsyncAPI 3.1.0).

Each imports (fully, or with its skips named), loads, lints without errors, and
round-trips byte for byte.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from accord.cli import main
from accord.interop.asyncapi_export import export_asyncapi
from accord.registry import load_registry
from tests.interop.asyncapi_corpus import run

TOOLS = Path(__file__).parent / "asyncapi-tools" / "faststream"
DOCUMENTS = sorted(TOOLS.glob("*.json"))


def test_the_documents_are_there() -> None:
    assert len(DOCUMENTS) == 4


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_a_faststream_document_imports_fully(path: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    outcome = run(path, tmp_path / "contracts", cwd=TOOLS)
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.loaded and outcome.lint_errors == 0, outcome.lint_detail
    registry = load_registry(tmp_path / "contracts")
    found = {c.event: c.channel for c in registry.contracts}
    assert found == {"orders.OrderPlaced": "orders", "payments.PaymentAuthorized": "payments",
                     "orders.OrderPaid": "orders-paid"}
    placed, paid = registry.get("orders.OrderPlaced"), registry.get("orders.OrderPaid")
    assert placed is not None and paid is not None
    # The app receives orders and publishes OrderPaid, in 2.6 (the client's side, as
    # FastStream 0.7 writes it) and 3.0 alike.
    service = placed.consumers[0]
    assert placed.producers == ("unknown",) and paid.producers == (service,)
    [version] = placed.versions
    from accord.validation import validator

    check = validator(version.resolved)
    order = {"order_id": "o-1", "placed_at": "2026-01-02T03:04:05Z",
             "total": {"amount": "12.50", "currency": "EUR"},
             "lines": [{"sku": "a", "quantity": 1}], "channel": "app", "note": None}
    assert check.is_valid(order)
    assert not check.is_valid({**order, "lines": []})  # min_length=1
    assert not check.is_valid({**order, "channel": "fax"})  # the enum
    assert not check.is_valid({**order, "total": {"amount": "1", "currency": "eur"}})
    # Generated classes, and the round trip: export → import → export, byte for byte.
    from accord.codegen import generate_python

    assert generate_python(registry, package="fs_events")
    monkeypatch.chdir(tmp_path)
    first = json.dumps(export_asyncapi(registry), indent=2)
    (tmp_path / "again.json").write_text(first)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main(["import", "asyncapi", "again.json", "--into", "again"]) == 0
    assert json.dumps(export_asyncapi(load_registry(tmp_path / "again")), indent=2) == first


def test_a_colon_in_another_tool_s_message_name_is_not_split(tmp_path: Path) -> None:
    document = {"asyncapi": "3.0.0", "info": {"title": "x", "version": "1"},
                "channels": {"orders": {"address": "orders", "messages": {
                    "urn:shop:OrderPlaced": {"payload": {
                        "type": "object", "properties": {"id": {"type": "string"}}}}}}}}
    (tmp_path / "doc.json").write_text(json.dumps(document))
    outcome = run(tmp_path / "doc.json", tmp_path / "contracts", cwd=tmp_path)
    assert outcome.exit_code == 0, outcome.stderr
    [contract] = load_registry(tmp_path / "contracts").contracts
    assert contract.event == "orders.UrnShopOrderPlaced"  # the whole name, not 'shop'


SPRINGWOLF = Path(__file__).parent / "asyncapi-tools" / "springwolf"
SPRING_DOCUMENTS = sorted(SPRINGWOLF.glob("*.json"))
SKIPPED = {"springwolf-kafka.json": "VehicleBase"}
"""Documents with a message left out, and which: Springwolf's kafka example describes its
vehicle discriminator as a oneOf of subtypes that each allOf the base again, a $ref cycle
no validator can finish; the other 11 messages import."""


def test_the_springwolf_documents_are_there() -> None:
    assert len(SPRING_DOCUMENTS) == 7 and (SPRINGWOLF / "LICENSE").is_file()


@pytest.mark.parametrize("path", SPRING_DOCUMENTS, ids=lambda p: p.name)
def test_a_springwolf_document_imports(path: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    outcome = run(path, tmp_path / "contracts", cwd=SPRINGWOLF)
    assert "Traceback" not in outcome.stderr
    if path.name in SKIPPED:
        assert outcome.exit_code == 1
        assert SKIPPED[path.name] in outcome.stderr and "skipped" in outcome.stderr
        assert "accord-import-" not in outcome.stderr  # no temporary paths in the reason
    else:
        assert outcome.exit_code == 0, outcome.stderr
    assert outcome.loaded and outcome.contracts > 0 and outcome.lint_errors == 0, \
        outcome.lint_detail
    monkeypatch.chdir(tmp_path)
    registry = load_registry(tmp_path / "contracts")
    first = json.dumps(export_asyncapi(registry), indent=2)
    (tmp_path / "again.json").write_text(first)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main(["import", "asyncapi", "again.json", "--into", "again"]) == 0
    assert json.dumps(export_asyncapi(load_registry(tmp_path / "again")), indent=2) == first
