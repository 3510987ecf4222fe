"""The provider side and bad input, driven as users run them."""

from __future__ import annotations

import json

EVENT = {
    "order_id": "6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b", "sequence": 1,
    "occurred_at": "2026-02-14T09:31:07Z",
    "customer": {"customer_id": "0b7e9c1a-5d2f-4a8e-9c3b-7f6e5d4c3b2a",
                 "email": "ada@example.com", "full_name": "Ada Lovelace"},
    "items": [{"sku": "BOOK-0042", "product_name": "Notes", "quantity": 2,
               "unit_price": {"amount": "19.90", "currency": "GBP"}}],
    "total": {"amount": "39.80", "currency": "GBP"},
}
CONSUMER = """
from accord.testing import present

def test_sms(accord):
    expectation = accord.consumer("sms-service").expects(
        "orders.OrderPlaced", fields={"customer.phone": present()})
    for event in expectation.samples(5):
        assert event["customer"]["phone"].startswith("+")
"""
PROVIDER = f"""
import dataclasses, json
EVENT = {EVENT!r}

def test_emits_order_placed(accord):
    accord.provider("order-service").verify("orders.OrderPlaced", lambda: EVENT)
"""


def test_provider_omitting_a_field_a_consumer_relies_on_fails_naming_the_consumer(project):
    project.makepyfile(test_inner_sms=CONSUMER, test_inner_orders=PROVIDER)
    result = project.runpytest("test_inner_sms.py")
    result.assert_outcomes(passed=1)
    result = project.runpytest("test_inner_orders.py")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*order-service's orders.OrderPlaced v2 events fail 1 check(s):",
        "*- the event: sms-service expects customer.phone present(), but customer.phone is "
        "missing (relied on by test_inner_sms.py::test_sms)",
    ])


def test_provider_meeting_every_expectation_passes(project):
    project.makepyfile(test_inner_sms=CONSUMER, test_inner_orders=PROVIDER.replace(
        "lambda: EVENT", "lambda: {**EVENT, 'customer': {**EVENT['customer'], "
                         "'phone': '+441234567'}}"))
    project.runpytest("test_inner_sms.py").assert_outcomes(passed=1)
    project.runpytest("test_inner_orders.py").assert_outcomes(passed=1)


def test_provider_events_may_be_json_text_dataclasses_or_iterables(project):
    project.makepyfile(f"""
import dataclasses, json
EVENT = {EVENT!r}

@dataclasses.dataclass
class Generated:
    payload: dict
    def to_dict(self):
        return self.payload

def test_forms(accord):
    provider = accord.provider("order-service")
    provider.verify("orders.OrderPlaced", lambda: json.dumps(EVENT))
    provider.verify("orders.OrderPlaced", lambda: Generated(EVENT))
    events = provider.verify("orders.OrderPlaced", lambda: (e for e in [EVENT, EVENT]), n=2)
    assert len(events) == 4
""")
    project.runpytest().assert_outcomes(passed=1)


def test_schema_violations_name_the_json_pointer(project):
    bad = {**EVENT, "items": [{**EVENT["items"][0], "quantity": 0}]}
    project.makepyfile(f"""
def test_bad(accord):
    accord.provider("order-service").verify("orders.OrderPlaced", lambda: {bad!r})
""")
    result = project.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*the event breaks orders.OrderPlaced v2: at /items/0/quantity:"
                                 " 0 is less than the minimum of 1"])


def test_contract_validate_names_the_pointer(project):
    project.makepyfile("""
def test_validate(accord):
    contract = accord.contract("orders.OrderPaid")
    assert contract.schema["type"] == "object" and contract.examples
    for example in contract.examples:
        contract.validate(example)
    contract.validate({**contract.examples[0], "method": "cash"})
""")
    result = project.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*payload is not a valid orders.OrderPaid v1:",
                                 "*at /method: 'cash' is not one of*"])


BAD_INPUT = {
    "unknown_event": ('accord.contract("orders.Nope")',
                      "accord: unknown event 'orders.Nope' in registry*"),
    "unknown_version": ('accord.contract("orders.OrderPlaced", 9)',
                        "accord: orders.OrderPlaced has no version 9; versions: 1, 2"),
    "bad_matcher": ('accord.consumer("c").expects("orders.OrderPlaced", fields={"customer.email":'
                    ' regex("[0-9]+", "ada")})',
                    "accord: regex('[[]0-9]+', 'ada'): the example does not match its own*"),
    "bad_path": ('accord.consumer("c").expects("orders.OrderPlaced", fields=["customer.mail"])',
                 "accord: orders.OrderPlaced v2 has no field 'customer.mail'; did you mean "
                 "customer.email*"),
    "produce_raises": ('accord.provider("p").verify("orders.OrderPlaced", lambda: 1 / 0)',
                       "accord: p: produce() raised ZeroDivisionError: division by zero at*"),
}


def test_bad_input_fails_with_a_clear_message_and_no_traceback(project):
    tests = "\n".join(f"def test_{name}(accord):\n    {code}\n"
                      for name, (code, _) in BAD_INPUT.items())
    project.makepyfile("from accord.testing import regex\n" + tests)
    result = project.runpytest()
    result.assert_outcomes(failed=len(BAD_INPUT))
    result.stdout.fnmatch_lines([line for _, line in BAD_INPUT.values()], consecutive=False)
    assert "Traceback" not in result.stdout.str()
    assert "site-packages" not in result.stdout.str() and "src/accord" not in result.stdout.str()


def test_corrupt_expectation_file_fails_provider_test_clearly(project):
    (project.path / "expectations").mkdir()
    (project.path / "expectations" / "email-service.json").write_text(
        json.dumps({"format": 1, "consumer": "email-service", "expectations": [{"event": 1}]}))
    project.makepyfile(PROVIDER)
    result = project.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["accord: corrupt expectation file *email-service.json: it does "
                                 "not follow the expectation format 1: at /expectations/0*"])


def test_provider_may_emit_classes_generated_by_accord_gen(project):
    from accord.codegen import generate_python, write_package
    from accord.registry import load_registry

    registry = load_registry(project.path / "contracts")
    for style in ("dataclasses", "pydantic"):
        write_package(generate_python(registry, package=f"gen_{style}", style=style),
                      project.path)
    project.makepyfile(f"""
from gen_dataclasses.orders import OrderPlacedV2 as Plain
from gen_pydantic.orders import OrderPlacedV2 as Model
EVENT = {EVENT!r}

def test_generated(accord):
    provider = accord.provider("order-service")
    for cls in (Plain, Model):
        (event,) = provider.verify("orders.OrderPlaced", lambda: cls.from_dict(EVENT))
        assert event == EVENT
""")
    project.runpytest().assert_outcomes(passed=1)
