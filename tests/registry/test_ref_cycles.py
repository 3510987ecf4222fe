"""A cycle of `$ref`s that never reaches a schema is bad input everywhere, not a hang."""

from __future__ import annotations

import pytest

from accord.cli import main
from accord.registry.refs import same_instance_cycle

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
      properties:
        country: {$ref: ../_shared/a.yaml, description: The country.}
    examples:
      - {country: x}
"""


@pytest.mark.parametrize("command", [
    ["lint"], ["check"], ["gen", "python", "--out", "gen"], ["export", "asyncapi"],
    ["compat", "contracts/geo/country_chosen.yaml@1", "contracts/geo/country_chosen.yaml@1"],
])
@pytest.mark.parametrize(("a", "b"), [
    ("$ref: b.yaml\n", "$ref: a.yaml\n"),
    ("allOf: [{$ref: b.yaml}]\n", "not: {$ref: a.yaml}\n"),
])
def test_a_cross_file_cycle_is_exit_2_naming_its_files(write_tree, capsys, command, a, b):  # type: ignore[no-untyped-def]
    write_tree({"contracts/geo/country_chosen.yaml": CONTRACT,
                "contracts/_shared/a.yaml": a, "contracts/_shared/b.yaml": b})
    assert main(command) == 2
    err = capsys.readouterr().err
    assert "cycle" in err and "_shared/a.yaml" in err and "_shared/b.yaml" in err
    assert "Traceback" not in err and "country_chosen.yaml:" in err


def test_recursion_through_the_instance_is_no_cycle() -> None:
    tree = {"$defs": {"node": {"type": "object", "properties": {
        "children": {"type": "array", "items": {"$ref": "#/$defs/node"}},
        "next": {"$ref": "#/$defs/node"}}}}, "$ref": "#/$defs/node"}
    assert same_instance_cycle(tree) is None
    assert same_instance_cycle({"$defs": {"a": {"allOf": [{"$ref": "#/$defs/a"}]}},
                                "$ref": "#/$defs/a"}) is not None
