"""Hostile names and text: valid unique identifiers, JSON names kept, nothing injected."""

from __future__ import annotations

import ast
import decimal
import keyword
from pathlib import Path

import pytest

from accord.codegen import generate_python
from accord.registry import Registry
from tests.codegen.codegen_support import load_package, same

JSON_NAMES = ["class", "list", "2fa", "a-b", "a_b", "my field", "naïve", "日本", "from_dict",
              "self", "EVENT", "_private", "model_dump", "json", "None", "O",
              "'); os.system('x", '"""']


def _module(registries: dict[str, Registry], style: str = "dataclasses") -> str:
    files = generate_python(registries["hostile"], package="h", style=style, source="hostile")
    return files["h/import_.py"]


def _class(tree: ast.Module, name: str) -> ast.ClassDef:
    return next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name)


@pytest.mark.parametrize("style", ["dataclasses", "pydantic"])
def test_identifiers_are_valid_unique_and_keep_json_names(
        registries: dict[str, Registry], generated: Path, style: str) -> None:
    tree = ast.parse(_module(registries, style))
    cls = _class(tree, "WeirdNamesV1")
    fields = [n.target.id for n in cls.body
              if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
              and not ast.unparse(n.annotation).startswith("_t.ClassVar")]
    assert len(fields) == len(set(fields))
    for name in fields:
        assert name.isidentifier() and name.isascii() and not keyword.iskeyword(name)
        assert not name.startswith("_") and name not in dir(__builtins__)
    assert {"class_", "list_", "field_2fa", "a_b", "a_b_2", "my_field", "naive", "from_dict_",
            "self_", "event"} <= set(fields)
    events = load_package(generated, "hostile_dc" if style == "dataclasses" else "hostile_pd")
    payload = {name: "v" for name in JSON_NAMES}
    payload.update({"list": [], "2fa": False, "a-b": 3, "a_b": 0.5})
    loaded = events.WeirdNames.from_dict(payload)
    assert loaded.class_ == "v" and loaded.field_2fa is False and loaded.a_b_2 == 0.5
    assert same(loaded.to_dict(), payload)


def test_docstrings_hold_the_text_and_nothing_runs(registries: dict[str, Registry]) -> None:
    source = _module(registries)
    tree = ast.parse(source)
    doc = ast.get_docstring(_class(tree, "WeirdNamesV1")) or ""
    assert '"""' in doc and 'os.system("echo pwned")' in doc
    assert "a trailing backslash \\" in doc and "\\x00" in doc
    # Contract text only ever appears inside string constants: no name `os`, no call of
    # anything but generated helpers, builtins and the standard library.
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    assert "os" not in names
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or "."]
            assert set(modules) <= {"dataclasses", "datetime", "decimal", "enum", "re",
                                    "typing", "uuid", "__future__", "."}, modules


def test_shared_docstring_with_quotes_and_trailing_backslash(
        registries: dict[str, Registry]) -> None:
    files = generate_python(registries["hostile"], package="h", source="hostile")
    doc = ast.get_docstring(_class(ast.parse(files["h/shared.py"]), "Thing")) or ""
    assert doc.endswith('""" and ends with a backslash \\')


def test_enum_members_get_names_and_keep_values(generated: Path) -> None:
    events = load_package(generated, "hostile_dc")
    choice = events.import_.WeirdNamesV1Choice
    assert [m.value for m in choice] == ["a b", "A-B", "a_b", "", "class", "None", "日本",
                                         "'\"\"\"", "1st"]
    assert all(m.name.isidentifier() and m.name.isupper() for m in choice)


def test_recursive_schemas(generated: Path) -> None:
    events = load_package(generated, "hostile_dc")
    payload = {
        "root": {"name": "a", "children": [{"name": "b", "children": [{"name": "c"}]}]},
        "chain": {"value": 1, "next": {"value": 2, "next": None}},
        "nested": ["x", ["y", ["z", []]]],
        "itself": {"root": {"name": "inner"}, "chain": None},
    }
    tree = events.TreeChanged.from_dict(payload)
    assert tree.root.children[0].children[0].name == "c"
    assert tree.chain.next_.next_ is None
    assert isinstance(tree.itself, events.TreeChanged)
    assert same(tree.to_dict(), payload)
    with pytest.raises(events.ValidationError) as caught:
        events.TreeChanged.from_dict({"root": {"name": "a", "children": [{"name": 1}]}})
    assert caught.value.path == "$.root.children[0].name"
    with pytest.raises(events.ValidationError) as caught:
        events.TreeChanged.from_dict({"root": {"name": "a"}, "nested": ["x", [1]]})
    assert caught.value.path.startswith("$.nested[1]")


def test_unions_extras_and_formats(generated: Path) -> None:
    events = load_package(generated, "hostile_dc")
    base = {name: "v" for name in JSON_NAMES}
    base.update({"list": [], "2fa": False, "a-b": 3, "a_b": 0.5})
    loaded = events.WeirdNames.from_dict({
        **base, "tagged": {"kind": "circle", "radius": 1}, "open": {"known": "k", "x": [1]},
        "amount": "12.50", "mixed": None, "nullable_any": None})
    assert type(loaded.tagged).__name__ == "WeirdNamesV1TaggedOption1"
    assert loaded.open_.extra == {"x": [1]}
    assert isinstance(loaded.amount, decimal.Decimal) and str(loaded.amount) == "12.50"
    assert loaded.mixed is None and loaded.anything is events.ABSENT
    with pytest.raises(events.ValidationError) as caught:
        events.WeirdNames.from_dict({**base, "tagged": {"kind": "hexagon"}})
    assert (caught.value.path, caught.value.rule) == ("$.tagged", "oneOf")
    with pytest.raises(events.ValidationError) as caught:
        events.WeirdNames.from_dict({**base, "list": ["a", "a"]})
    assert (caught.value.path, caught.value.rule) == ("$.list", "uniqueItems")
    with pytest.raises(events.ValidationError) as caught:
        events.WeirdNames.from_dict({**base, "my field": None})
    assert (caught.value.path, caught.value.rule) == ("$['my field']", "type")
