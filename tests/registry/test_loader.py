import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator, Draft202012Validator

from accord.registry import RegistryLoadError, dump_contract, load_registry
from accord.registry.loader import Loader
from tests.support import MINIMAL, REPO


def _registry(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "contracts"
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def _error(root: Path) -> str:
    with pytest.raises(RegistryLoadError) as info:
        load_registry(root)
    return str(info.value).replace(str(root), "R")


def _with_schema(schema: str) -> str:
    body = textwrap.indent(textwrap.dedent(schema), " " * 6)
    return MINIMAL.split("    schema:\n")[0] + "    schema:\n" + body


def test_example_registry_loads():
    registry = load_registry(REPO / "contracts")
    assert len(registry.contracts) >= 15
    placed = registry.get("orders.OrderPlaced")
    assert placed is not None
    assert [v.number for v in placed.versions] == [1, 2]
    assert placed.versions[0].status == "deprecated"
    # Cross-file refs are bundled: every ref in the resolved schema is local.
    refs = []

    def collect(node):
        if isinstance(node, dict):
            refs.extend(v for k, v in node.items() if k == "$ref")
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(placed.latest.resolved)
    assert refs and all(ref.startswith("#/") for ref in refs)
    assert "#/$defs/_shared.customer" in refs


def test_bundled_schema_validates_examples(tmp_path):
    root = _registry(tmp_path, {
        "_shared/money.yaml": """\
            type: object
            additionalProperties: false
            required: [amount]
            properties:
              amount: {$ref: '#/$defs/decimal', description: Amount.}
            $defs:
              decimal: {type: string, pattern: '^[0-9]+$'}
            """,
        "orders/order_placed.yaml": _with_schema("""\
            type: object
            required: [order_id, total]
            properties:
              order_id: {type: string}
              total: {$ref: ../_shared/money.yaml}
            """),
    })
    version = load_registry(root).contracts[0].latest
    schema = version.resolved
    assert schema["properties"]["total"] == {"$ref": "#/$defs/_shared.money"}
    assert schema["$defs"]["_shared.money"]["properties"]["amount"]["$ref"] == (
        "#/$defs/_shared.money/$defs/decimal"
    )
    validator = Draft202012Validator(schema)
    assert validator.is_valid({"order_id": "o", "total": {"amount": "12"}})
    assert not validator.is_valid({"order_id": "o", "total": {"amount": "1.5"}})


def test_draft07_bundles_shared_schemas_beside_its_definitions(tmp_path):
    root = _registry(tmp_path, {
        "_shared/money.yaml": """\
            type: object
            required: [amount]
            properties:
              amount: {type: string, pattern: '^[0-9]+$'}
            """,
        "orders/order_placed.yaml": _with_schema("""\
            $schema: http://json-schema.org/draft-07/schema#
            type: object
            required: [order_id, total]
            properties:
              order_id: {$ref: '#/definitions/id'}
              total: {$ref: ../_shared/money.yaml}
            definitions:
              id: {type: string, minLength: 2}
            """),
    })
    schema = load_registry(root).contracts[0].latest.resolved
    assert schema["definitions"] == {"id": {"type": "string", "minLength": 2}}
    assert schema["properties"]["order_id"] == {"$ref": "#/definitions/id"}
    assert schema["properties"]["total"] == {"$ref": "#/$defs/_shared.money"}
    validator = Draft7Validator(schema)
    assert validator.is_valid({"order_id": "o-1", "total": {"amount": "12"}})
    assert not validator.is_valid({"order_id": "o", "total": {"amount": "12"}})
    assert not validator.is_valid({"order_id": "o-1", "total": {"amount": "1.5"}})


@pytest.mark.parametrize("draft", ["https://json-schema.org/draft/2020-12/schema",
                                   "http://json-schema.org/draft-07/schema#"])
def test_local_defs_may_not_take_a_shared_schemas_name(tmp_path, draft):
    root = _registry(tmp_path, {
        "_shared/money.yaml": "type: object\n",
        "orders/order_placed.yaml": _with_schema(f"""\
            $schema: '{draft}'
            type: object
            properties:
              order_id: {{type: string}}
              total: {{$ref: ../_shared/money.yaml}}
            $defs:
              _shared.money: {{type: string}}
            """),
    })
    assert _error(root) == (
        "R/orders/order_placed.yaml:16:7: $defs already has '_shared.money', the name a "
        "shared schema is bundled under; rename the local definition"
    )


def test_draft07_defs_that_is_not_a_mapping_is_an_error(tmp_path):
    root = _registry(tmp_path, {
        "_shared/money.yaml": "type: object\n",
        "orders/order_placed.yaml": _with_schema("""\
            $schema: http://json-schema.org/draft-07/schema#
            type: object
            properties:
              total: {$ref: ../_shared/money.yaml}
            $defs: [1]
            """),
    })
    assert _error(root) == (
        "R/orders/order_placed.yaml:15:7: $defs must be a mapping: shared schemas are "
        "bundled into it"
    )


def test_recursive_schemas_are_legal(tmp_path):
    root = _registry(tmp_path, {
        "orders/order_placed.yaml": _with_schema("""\
            type: object
            properties:
              order_id: {type: string}
              tree: {$ref: '#/$defs/node'}
            $defs:
              node:
                type: object
                properties:
                  children: {type: array, items: {$ref: '#/$defs/node'}}
            """),
    })
    schema = load_registry(root).contracts[0].latest.resolved
    assert Draft202012Validator(schema).is_valid({"tree": {"children": [{"children": []}]}})


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("../_shared/nope.yaml", "R/_shared/nope.yaml: file not found"),
        ("https://example.org/money.json", "remote $ref 'https://example.org/money.json'"),
        ("../../outside.yaml", "$ref '../../outside.yaml' leaves the registry root"),
        ("/etc/passwd", "$ref '/etc/passwd' is absolute"),
        ("#/$defs/missing", "$ref '#/$defs/missing' points at nothing"),
        ("../_shared/money.yaml#/$defs/nope", "money.yaml has nothing at #/$defs/nope"),
    ],
)
def test_bad_refs_name_file_and_line(tmp_path, ref, message):
    root = _registry(tmp_path, {
        "_shared/money.yaml": "type: object\n",
        "orders/order_placed.yaml": _with_schema(f"""\
            type: object
            properties:
              order_id: {{type: string}}
              total: {{$ref: '{ref}'}}
            """),
    })
    error = _error(root)
    assert error.startswith("R/orders/order_placed.yaml:14:17: ") or message.startswith("R/")
    assert message in error


def test_folders_named_like_yaml_files(tmp_path):
    root = _registry(tmp_path, {
        "orders/order_placed.yaml": _with_schema("""\
            type: object
            properties:
              order_id: {type: string}
              total: {$ref: ../_shared/money.yaml}
            """),
    })
    (root / "_shared/money.yaml").mkdir(parents=True)
    (root / "orders/folder.yaml").mkdir()
    assert _error(root) == (
        "R/orders/order_placed.yaml:14:17: $ref '../_shared/money.yaml': "
        "R/_shared/money.yaml: is a folder, not a file"
    )
    # A folder that merely looks like a contract file is not one.
    (root / "_shared/money.yaml").rmdir()
    (root / "_shared/money.yaml").write_text("type: object\n")
    assert [c.path for c in load_registry(root).contracts] == ["orders/order_placed.yaml"]


def test_ref_cycle_is_an_error(tmp_path):
    root = _registry(tmp_path, {
        "orders/order_placed.yaml": _with_schema("""\
            type: object
            properties:
              order_id: {$ref: '#/$defs/a'}
            $defs:
              a: {$ref: '#/$defs/b'}
              b: {$ref: '#/$defs/a'}
            """),
    })
    assert "cycle of references" in _error(root)


def test_schema_that_is_not_a_schema(tmp_path):
    root = _registry(tmp_path, {
        "orders/order_placed.yaml": _with_schema("""\
            type: object
            properties:
              order_id: {type: string, maxLength: -1}
            """),
    })
    error = _error(root)
    assert error == (
        "R/orders/order_placed.yaml:13:34: not a valid JSON Schema: -1 is less than the "
        "minimum of 0"
    )


def test_draft07_is_honoured(tmp_path):
    root = _registry(tmp_path, {
        "orders/order_placed.yaml": _with_schema("""\
            $schema: http://json-schema.org/draft-07/schema#
            type: object
            properties:
              order_id: {type: string}
              pair: {type: array, items: [{type: string}, {type: integer}]}
            """),
    })
    assert load_registry(root).contracts[0].latest.resolved["properties"]["pair"]["items"]


def test_wrong_types_in_the_contract_file(tmp_path):
    root = _registry(tmp_path, {
        "orders/order_placed.yaml": MINIMAL.replace("producers: [order-service]",
                                                    "producers: order-service"),
    })
    assert _error(root) == (
        "R/orders/order_placed.yaml:6:1: not a valid contract file: at /producers: "
        "'order-service' is not of type 'array'"
    )


def test_unknown_key_in_the_contract_file(tmp_path):
    root = _registry(tmp_path, {"orders/order_placed.yaml": MINIMAL + "colour: red\n"})
    assert _error(root).startswith(
        "R/orders/order_placed.yaml:18:1: not a valid contract file: unknown key 'colour'"
    )


def test_two_files_declaring_one_event(tmp_path):
    root = _registry(tmp_path, {
        "orders/order_placed.yaml": MINIMAL,
        "orders/order_placed_again.yaml": MINIMAL,
    })
    assert _error(root) == (
        "R/orders/order_placed_again.yaml:1:1: event 'orders.OrderPlaced' is declared twice: "
        "here and in R/orders/order_placed.yaml:1:1"
    )


def test_every_broken_file_is_reported(tmp_path):
    root = _registry(tmp_path, {
        "a/one.yaml": "event: [\n",
        "b/two.yaml": "",
        "orders/order_placed.yaml": MINIMAL,
    })
    lines = _error(root).splitlines()
    assert [line.split(":")[0] for line in lines] == ["R/a/one.yaml", "R/b/two.yaml"]


def test_missing_registry_folder(tmp_path):
    with pytest.raises(Exception, match="registry folder not found"):
        load_registry(tmp_path / "nope")


names = st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True)
schemas = st.fixed_dictionaries(
    {"type": st.just("object")},
    optional={
        "properties": st.dictionaries(
            names,
            st.fixed_dictionaries({"type": st.sampled_from(["string", "integer", "boolean"])},
                                  optional={"description": st.text(max_size=20)}),
            max_size=4,
        ),
        "additionalProperties": st.booleans(),
    },
)
versions = st.lists(
    st.fixed_dictionaries(
        {"schema": schemas},
        optional={"status": st.sampled_from(["active", "deprecated"]),
                  "deprecated_on": st.just("2026-01-01"),
                  "x-note": st.text(max_size=10)},
    ),
    min_size=1,
    max_size=3,
)
contracts = st.fixed_dictionaries(
    {"event": st.just("orders.OrderPlaced"), "versions": versions},
    optional={
        "summary": st.text(max_size=30),
        "owner": names,
        "channel": names,
        "key": names,
        "compatibility": st.sampled_from(["BACKWARD", "FULL_TRANSITIVE", "NONE"]),
        "producers": st.lists(names, max_size=3, unique=True),
        "consumers": st.lists(names, max_size=3, unique=True),
        "tags": st.lists(names, max_size=2, unique=True),
        "envelope": st.sampled_from(["none", "cloudevents"]),
        "x-accord-retention": st.just("P2Y"),
    },
)


@settings(max_examples=60, deadline=None)
@given(contracts)
def test_load_dump_load_is_the_same_model(document):
    from accord.registry.yamlio import dump_yaml

    document = {**document, "versions": {str(i): v for i, v in
                                         enumerate(document["versions"], start=1)}}
    files = {"orders/order_placed.yaml": dump_yaml(document).encode()}
    first = Loader("r", files.__getitem__).load(files)
    # PyYAML's safe_dump writes `0E0` bare, which YAML 1.2 reads as a float: Accord's
    # writer quotes what either reader would misread.
    dumped = dump_yaml(dict(dump_contract(first.contracts[0])))
    again = {"orders/order_placed.yaml": dumped.encode()}
    second = Loader("r", again.__getitem__).load(again)
    strip = lambda c: c.__class__(**{**{f: getattr(c, f) for f in c.__slots__},  # noqa: E731
                                     "source": None, "document": None})
    assert strip(first.contracts[0]) == strip(second.contracts[0])
