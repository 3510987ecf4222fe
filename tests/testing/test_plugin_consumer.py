"""The consumer side, driven as users run it: expects(), samples(), expectation files."""

from __future__ import annotations

from tests.testing.conftest import read_expectations

RECEIPT_TEST = """
from accord.testing import each_like, like, regex

def render(event):
    customer = event["customer"]
    lines = [f"{item['quantity']} x {item['product_name']}" for item in event["items"]]
    return f"{customer['full_name']} <{customer['email']}>: {lines} {event['total']['amount']}"

def test_receipt(accord):
    expectation = accord.consumer("email-service").expects("orders.OrderPlaced", fields={
        "customer.email": regex(r"[^@]+@[^@]+", "ada@example.com"),
        "items": each_like({"sku": "BOOK-0042"}),
        "total.currency": like("EUR"),
    })
    seen = 0
    for event in expectation.samples():
        render(event)
        seen += 1
    assert seen == 50  # 25 events, each with its tolerant-reader variant
"""


def test_consumer_test_writes_its_expectation_file(project):
    project.makepyfile(test_inner_receipts=RECEIPT_TEST)
    result = project.runpytest()
    result.assert_outcomes(passed=1)
    document = read_expectations(project.path, "email-service")
    assert document["format"] == 1
    assert document["consumer"] == "email-service"
    (entry,) = document["expectations"]
    assert (entry["event"], entry["version"]) == ("orders.OrderPlaced", 2)
    assert entry["tests"] == ["test_inner_receipts.py::test_receipt"]
    assert sorted(entry["fields"]) == ["customer.email", "items", "total.currency"]
    assert entry["fields"]["customer.email"] == [{
        "matcher": "regex", "pattern": "[^@]+@[^@]+", "example": "ada@example.com",
        "tests": ["test_inner_receipts.py::test_receipt"],
    }]
    assert sorted(entry["observed"]) == [
        "customer.email", "customer.full_name", "items[].product_name", "items[].quantity",
        "total.amount",
    ]


def test_expectation_files_are_byte_identical_across_runs(project):
    project.makepyfile(test_inner_receipts=RECEIPT_TEST)
    project.runpytest().assert_outcomes(passed=1)
    path = project.path / "expectations" / "email-service.json"
    first = path.read_bytes()
    project.runpytest().assert_outcomes(passed=1)
    assert path.read_bytes() == first
    assert first.endswith(b"\n") and b"T0" not in first.split(b'"tests"')[0][:0]


def test_partial_run_keeps_other_tests_and_drops_deleted_ones(project):
    project.makepyfile(test_inner_receipts=RECEIPT_TEST + """
def test_other(accord):
    accord.consumer("email-service").expects("orders.OrderPaid", fields=["amount.amount"])
""")
    project.runpytest().assert_outcomes(passed=2)
    project.runpytest("-k", "not other").assert_outcomes(passed=1, deselected=1)
    events = [e["event"] for e in read_expectations(project.path, "email-service")
              ["expectations"]]
    assert events == ["orders.OrderPaid", "orders.OrderPlaced"]
    project.makepyfile(test_inner_receipts=RECEIPT_TEST)  # test_other is gone
    project.runpytest().assert_outcomes(passed=1)
    events = [e["event"] for e in read_expectations(project.path, "email-service")
              ["expectations"]]
    assert events == ["orders.OrderPlaced"]


def test_failing_test_writes_nothing(project):
    project.makepyfile("""
def test_broken(accord):
    accord.consumer("email-service").expects("orders.OrderPlaced")
    assert False
""")
    project.runpytest().assert_outcomes(failed=1)
    assert not (project.path / "expectations").exists()


def test_consumer_that_rejects_unknown_fields_fails_with_tolerant_reader_message(project):
    project.makepyfile("""
def strict(event, known):
    unknown = set(event) - known
    if unknown:
        raise ValueError(f"unexpected fields {sorted(unknown)}")

def test_strict_consumer(accord):
    known = set(accord.contract("orders.OrderPlaced").schema["properties"])
    for event in accord.consumer("audit-service").expects("orders.OrderPlaced").samples(3):
        strict(event, known)
""")
    result = project.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*ValueError: unexpected fields*accord_undeclared_field*",
        "*accord: audit-service failed on the tolerant-reader variant of sample 0 of "
        "orders.OrderPlaced v2*undeclared property 'accord_undeclared_field'*",
    ])


def test_samples_are_reproducible_by_seed(project):
    project.makepyfile("""
import json

def test_dump(accord, request):
    expectation = accord.consumer("analytics").expects("payments.PaymentAuthorized")
    events = [json.dumps(e, sort_keys=True) for e in expectation.samples(10, tolerant=False)]
    seed = request.config.getoption("accord_seed")
    with open(f"samples-{seed}.txt", "a", encoding="utf-8") as out:
        out.write("\\n".join(events) + "\\n---\\n")
""")
    for seed in ("1", "1", "2"):
        project.runpytest("--accord-seed", seed).assert_outcomes(passed=1)
    first, second, _ = (project.path / "samples-1.txt").read_text("utf-8").split("---\n")
    assert first == second
    assert first != (project.path / "samples-2.txt").read_text("utf-8").split("---\n")[0]


def test_samples_option_and_ini_key(project):
    project.makeini("[pytest]\naccord_samples = 4\n")
    project.makepyfile("""
def test_count(accord):
    expectation = accord.consumer("analytics").expects("clicks.PageViewed")
    assert len(list(expectation.samples(tolerant=False))) == 4
""")
    project.runpytest().assert_outcomes(passed=1)
    project.makepyfile("""
def test_count(accord):
    expectation = accord.consumer("analytics").expects("clicks.PageViewed")
    assert len(list(expectation.samples(tolerant=False))) == 7
""")
    project.runpytest("--accord-samples", "7").assert_outcomes(passed=1)


def test_samples_keep_what_the_consumer_declared(project):
    project.makepyfile("""
from accord.testing import one_of, present

def test_declared(accord):
    expectation = accord.consumer("fraud-service").expects("orders.OrderPlaced", fields={
        "customer.phone": present(), "sales_channel": one_of("web"),
    })
    for event in expectation.samples(20):
        assert event["customer"]["phone"] is not None
        assert event["sales_channel"] == "web"
""")
    project.runpytest().assert_outcomes(passed=1)


def test_registry_and_expectations_options(pytester):
    from tests.testing.conftest import CONTRACTS

    pytester.makepyfile("""
def test_paid(accord):
    accord.consumer("ledger").expects("orders.OrderPaid", fields=["amount.amount"])
""")
    result = pytester.runpytest(f"--accord-registry={CONTRACTS}", "--accord-expectations=out")
    result.assert_outcomes(passed=1)
    document = read_expectations(pytester.path, "ledger", folder="out")
    assert document["expectations"][0]["fields"] == {
        "amount.amount": [{"matcher": "present", "tests": ["test_registry_and_expectations_"
                                                           "options.py::test_paid"]}]}


def test_corrupt_expectation_file_is_reported_at_session_end_and_kept(project):
    (project.path / "expectations").mkdir()
    (project.path / "expectations" / "email-service.json").write_text("{not json")
    project.makepyfile(test_inner_receipts=RECEIPT_TEST)
    result = project.runpytest()
    result.stdout.fnmatch_lines(["accord: corrupt expectation file *email-service.json: not "
                                 "JSON (line 1, column 2*; not updated"])
    assert result.ret == 1
    assert (project.path / "expectations" / "email-service.json").read_text() == "{not json"
