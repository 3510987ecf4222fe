"""YAML 1.2 core-schema semantics: what every YAML 1.2 reader makes of a plain scalar."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.cli import main
from accord.errors import LoadError
from accord.registry.yamlio import dump_yaml, load_yaml


@pytest.mark.parametrize(("text", "expected"), [
    ("NO", "NO"), ("no", "no"), ("Yes", "Yes"), ("on", "on"), ("OFF", "OFF"), ("y", "y"),
    ("true", True), ("False", False), ("TRUE", True),
    ("0123", 123), ("-0042", -42), ("0o17", 15), ("0x1F", 31), ("1_000", "1_000"),
    ("1:20", "1:20"), ("190:20:30", "190:20:30"), ("2026-01-01", "2026-01-01"),
    ("1e3", 1000.0), ("1.5", 1.5), ("-.5", -0.5), ("null", None), ("~", None),
    ("Null", None), ("nULL", "nULL"), ("0b101", "0b101"), ("+12", 12),
])
def test_plain_scalars_read_as_yaml_1_2(text: str, expected: object) -> None:
    value, _ = load_yaml(f"v: {text}\n".encode(), "f.yaml")
    assert value["v"] == expected
    assert type(value["v"]) is type(expected)


@pytest.mark.parametrize(("text", "then"), [
    ("NO", "False"), ("on", "True"), ("yes", "True"), ("0123", "83"), ("1:20", "80"),
])
def test_what_yaml_1_1_would_read_otherwise_is_noted(text: str, then: str) -> None:
    _, source = load_yaml(f"v: [{text}]\n".encode(), "f.yaml")
    assert source.yaml11 == {"/v/0": then}


def test_quoted_and_unambiguous_scalars_are_not_noted() -> None:
    _, source = load_yaml(b"a: 'NO'\nb: \"on\"\nc: 12\nd: true\ne: SE\nf: 2026-01-01\n",
                          "f.yaml")
    assert source.yaml11 == {}


@pytest.mark.parametrize(("data", "message"), [
    (b"x: !!int abc\n", "f.yaml:1:4: !!int 'abc' is not a YAML 1.2 int"),
    (b"x: !!bool yes\n", "f.yaml:1:4: !!bool 'yes' is not a YAML 1.2 bool"),
    (b"x: !!null 0\n", "f.yaml:1:4: !!null '0' is not a YAML 1.2 null"),
    (b"x: " + b"9" * 4301 + b"\n", "an integer of more than 4,300 digits"),
])
def test_what_cannot_be_read_is_a_located_error(data: bytes, message: str) -> None:
    with pytest.raises(LoadError) as caught:
        load_yaml(data, "f.yaml")
    assert message in str(caught.value)


_TRICKY = st.sampled_from(["NO", "no", "on", "OFF", "yes", "Y", "0123", "1:20", "1_000",
                           "2026-01-01", "12:30:00", "0x1F", ".inf", "null", "~", "true",
                           "1e3", "0o7", "-", "<<", "=", "*", "&a", "!x", "#", "%", "@"])
# YAML's printable characters (control characters and lone surrogates are not YAML text;
# libyaml reads U+2028/U+2029 as line breaks, as YAML 1.1 did, so JSON text holding them
# raw is not read as JSON would be: left out here).
_TEXT = st.text(st.characters(
    blacklist_categories=("Cs", "Cc", "Cf", "Cn", "Co", "Zl", "Zp")), max_size=8)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**20), 10**20) | _TRICKY
    | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT | _TRICKY,
                                                                inner, max_size=4),
    max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_TEXT | _TRICKY, _JSON, min_size=1,
                       max_size=5))
def test_what_the_loader_reads_dumps_back_and_reads_the_same(document: dict) -> None:  # type: ignore[type-arg]
    first, _ = load_yaml(json.dumps(document, ensure_ascii=False).encode(), "a.yaml")
    assert first == document
    # Written by the writer Accord uses for contracts, exports and reproducers.
    again, _ = load_yaml(dump_yaml(first).encode(), "b.yaml")
    assert again == first


CONTRACT = """\
event: geo.CountryChosen
summary: A country was chosen.
owner: team-geo
channel: geo
producers: [geo-service]
consumers: [web]
versions:
  1:
    schema:
      type: object
      additionalProperties: false
      required: [country]
      properties:
        country: {type: string, enum: [SE, NO, DK, FI], description: The country.}
    examples:
      - {country: "NO"}
"""


def test_no_survives_lint_export_and_gen(write_tree, capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = write_tree({"contracts/geo/country_chosen.yaml": CONTRACT})
    assert main(["lint", "--format", "json"]) == 0  # a warning, not an error
    report = json.loads(capsys.readouterr().out)
    found = [f for f in report["findings"] if f["rule"] == "yaml11-ambiguous"]
    assert len(found) == 1 and "quote it" in json.dumps(found[0])
    assert main(["export", "asyncapi", "--format", "json"]) == 0
    exported = capsys.readouterr().out
    assert '"enum": ["SE", "NO", "DK", "FI"]' in json.dumps(json.loads(exported))
    assert main(["gen", "python", "--out", str(root / "gen"), "--package", "geo_events"]) == 0
    capsys.readouterr()
    script = (
        "from geo_events import CountryChosenV1\n"
        "print(CountryChosenV1.from_dict({'country': 'NO'}).to_dict())\n")
    out = subprocess.run([sys.executable, "-c", script], cwd=root / "gen", text=True,
                         capture_output=True, check=True).stdout
    assert "'NO'" in out
