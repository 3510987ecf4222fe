"""Each built-in rule fires on what it is about, and only there."""

import pytest

from accord.errors import AccordError
from accord.governance.lint import lint
from accord.governance.plugins import load_rules
from accord.registry import Policy, RuleSetting, load_registry
from tests.support import MINIMAL, REPO


def _lint(write_tree, text, policy=None, path="orders/order_placed.yaml", extra=None):
    files = {f"contracts/{path}": text, **(extra or {})}
    root = write_tree(files)
    assert root.samefile(".")
    registry = load_registry("contracts")
    return lint(registry, policy or Policy(), load_rules())


def _rules(report):
    return [(f.rule, f.location.line, f.message) for f in report.findings]


def test_minimal_contract_is_clean(write_tree):
    assert _rules(_lint(write_tree, MINIMAL)) == []


def test_example_registry_is_clean():
    from accord.registry import load_policy

    registry = load_registry(REPO / "contracts")
    policy = load_policy(REPO / "governance/policy.yaml")
    report = lint(registry, policy, load_rules(["plugins.retention_rule"], REPO))
    assert report.findings == ()
    assert len(report.files) == len(registry.contracts) + len(registry.shared)


@pytest.mark.parametrize(
    ("edit", "rule", "line"),
    [
        (("event: orders.OrderPlaced", "event: orders.order_placed"), "event-name", 1),
        (("event: orders.OrderPlaced", "event: orders.PlaceOrder"), "event-past-tense", 1),
        (("owner: team-orders\n", ""), "owner-present", 1),
        (("summary: A customer placed an order.\n", ""), "summary-present", 1),
        (("producers: [order-service]\n", ""), "producers-present", 1),
        (("consumers: [email-service]\n", ""), "consumers-present", 1),
        (("consumers: [email-service]", "consumers: [EmailService]"), "service-name", 7),
        (("channel: orders", "channel: Orders_Topic"), "channel-name", 4),
        (("  1:\n", "  2:\n"), "versions-consecutive", 9),
        (("  1:\n", "  1:\n    status: deprecated\n"), "deprecation-dates", 9),
        (("      type: object\n", "      type: array\n"), "root-object", 10),
        (("      required: [order_id]\n", ""), "key-required", 10),
        (("{order_id: o-1}", "{order_id: 1}"), "examples-valid", 17),
        (("    examples:\n      - {order_id: o-1}\n", ""), "examples-present", 9),
        (("order_id: {type: string, description: The order.}",
          "order_id: {type: string, description: The order.}\n        OrderTotal: "
          "{type: integer, description: x}"), "field-case", 16),
        (("order_id: {type: string, description: The order.}",
          "order_id: {type: string}"), "property-description", 15),
        (("      additionalProperties: false\n", ""), "open-content-reason", 10),
        (("required: [order_id]", "required: [order_id, total]"), "required-declared", 13),
        (("order_id: {type: string, description: The order.}",
          "order_id: {type: string, description: The order., pattern: '^\\d+$'}"),
         "portable-pattern", 15),
    ],
)
def test_each_rule_fires(write_tree, edit, rule, line):
    old, new = edit
    assert old in MINIMAL
    found = _rules(_lint(write_tree, MINIMAL.replace(old, new, 1)))
    assert rule in [r for r, _, _ in found], found
    assert next(ln for r, ln, _ in found if r == rule) == line


def test_invalid_example_points_at_a_key_with_a_slash(write_tree):
    text = MINIMAL.replace(
        "order_id: {type: string, description: The order.}",
        "order_id: {type: string, description: The order.}\n"
        "        a/b: {type: integer, description: A.}",
    ).replace("      - {order_id: o-1}\n", "      - order_id: o-1\n        a/b: x\n")
    report = _lint(write_tree, text)
    finding = next(f for f in report.findings if f.rule == "examples-valid")
    assert finding.pointer == "/versions/1/examples/0/a~1b"
    assert (finding.location.line, finding.location.column) == (19, 9)
    assert finding.message.startswith("example 1 of version 1 is invalid at /a~1b: ")


def test_enum_unique_and_no_remote_dynamic_ref(write_tree):
    text = MINIMAL.replace(
        "order_id: {type: string, description: The order.}",
        "order_id: {enum: [a, b, a], description: The order.}",
    ).replace("{order_id: o-1}", "{order_id: a}")
    found = [r for r, _, _ in _rules(_lint(write_tree, text))]
    assert "enum-unique" in found
    # A remote $dynamicRef no longer reaches lint: the loader refuses it (bad input).
    remote = text.replace("description: The order.}", "description: The order.}\n"
                          "        other: {$dynamicRef: 'https://example.org/x', description: x}")
    with pytest.raises(AccordError, match="leaves the document"):
        _lint(write_tree, remote)


def test_shared_documents_are_linted(write_tree):
    text = MINIMAL.replace("order_id: {type: string, description: The order.}",
                           "order_id: {$ref: ../_shared/ids.yaml, description: The order.}"
                           ).replace("o-1", "o1")
    report = _lint(write_tree, text, extra={"contracts/_shared/ids.yaml": "type: string\n"
                                            "pattern: '^\\w+$'\n"})
    assert [(f.rule, str(f.location)) for f in report.findings] == [
        ("portable-pattern", "contracts/_shared/ids.yaml:2:1")
    ]


def test_in_file_suppression(write_tree):
    text = "x-accord-ignore: [owner-present]\n" + MINIMAL.replace("owner: team-orders\n", "")
    assert _rules(_lint(write_tree, text)) == []


def test_policy_severity_and_off(write_tree):
    text = MINIMAL.replace("owner: team-orders\n", "")
    warn = Policy(rules={"owner-present": RuleSetting("warning")})
    assert [f.severity for f in _lint(write_tree, text, warn).findings] == ["warning"]
    off = Policy(rules={"owner-present": RuleSetting("off")})
    assert _lint(write_tree, text, off).findings == ()


def test_policy_naming_options(write_tree):
    text = MINIMAL.replace("order_id", "orderId")
    policy = Policy(field_case="camelCase")
    assert _rules(_lint(write_tree, text, policy)) == []
    assert "field-case" in [r for r, _, _ in _rules(_lint(write_tree, text))]


def test_unknown_rule_in_policy_is_bad_input(write_tree):
    from accord.errors import ConfigError

    with pytest.raises(ConfigError, match="unknown rule 'no-such-rule'"):
        _lint(write_tree, MINIMAL, Policy(rules={"no-such-rule": RuleSetting("error")}))


def test_custom_rule_plugin_uses_the_same_interface(write_tree):
    from accord.registry import load_policy

    text = MINIMAL.replace("consumers:", "tags: [pii]\nconsumers:")
    root = write_tree({"contracts/orders/order_placed.yaml": text})
    rules = load_rules(["plugins.retention_rule"], REPO)
    registry = load_registry(root / "contracts")
    report = lint(registry, load_policy(None), rules)
    assert [(f.rule, f.fix) for f in report.findings] == [
        ("pii-retention", "add `x-accord-retention: P2Y` (an ISO 8601 duration)")
    ]


def test_broken_plugin_is_a_config_error():
    from accord.errors import ConfigError

    with pytest.raises(ConfigError, match=r"plugin 'no\.such\.module' could not be imported"):
        load_rules(["no.such.module"])


def test_every_rule_has_id_summary_and_docs():
    rules = load_rules(["plugins.retention_rule"], REPO)
    assert len(rules) >= 15
    for rule in rules:
        assert rule.id and rule.summary and rule.description
        assert rule.severity in ("error", "warning")


def _required_declared(schema: dict) -> list[str]:  # type: ignore[type-arg]
    from accord.governance.rules.base import SchemaDoc
    from accord.governance.rules.schemas import RequiredDeclared
    from accord.registry.model import SourceMap

    doc = SchemaDoc(schema, "", SourceMap("s.yaml"))
    return [i.pointer for i in RequiredDeclared().check_schema(doc, None)]  # type: ignore[arg-type]


BASE = {"type": "object", "properties": {"id": {"type": "string"}}}


def test_required_declared_understands_allof_composition() -> None:
    # Declared by a sibling branch (local $ref followed), by the parent, by an own branch.
    assert _required_declared({"definitions": {"base": BASE}, "allOf": [
        {"$ref": "#/definitions/base"},
        {"type": "object", "required": ["id", "extra"], "properties": {"extra": {}}}]}) == []
    assert _required_declared({"properties": {"id": {}}, "allOf": [
        {"required": ["id"]}]}) == []
    assert _required_declared({"required": ["id"], "allOf": [BASE]}) == []
    # A typo is still a typo, composed or not.
    assert _required_declared({"required": ["idd"], "allOf": [BASE]}) == ["/required/0"]
    assert _required_declared({"allOf": [BASE, {"required": ["id", "nme"]}]}) == [
        "/allOf/1/required/1"]
    # A branch in another file may declare anything: not knowable here, so quiet.
    assert _required_declared({"required": ["x"], "allOf": [{"$ref": "shared.yaml"}]}) == []
