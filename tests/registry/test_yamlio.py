import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from accord.errors import LoadError
from accord.registry.yamlio import MAX_DEPTH, dump_yaml, load_yaml


def test_values_and_marks():
    value, source = load_yaml(b"a: 1\nb:\n  - x\n  - {c: yes, d: '2026-01-01'}\n", "f.yaml")
    assert value == {"a": 1, "b": ["x", {"c": "yes", "d": "2026-01-01"}]}  # YAML 1.2
    assert source.marks["/a"] == (1, 1)
    assert source.marks["/b/1/c"] == (4, 6)
    assert str(source.locate("/b/1/nothing/here")) == "f.yaml:4:5"


def test_keys_stay_as_written_and_dates_stay_strings():
    value, _ = load_yaml(b"versions:\n  1: {on: 2026-03-01}\n", "f.yaml")
    assert value == {"versions": {"1": {"on": "2026-03-01"}}}


def test_anchors_and_merge_keys():
    value, _ = load_yaml(b"base: &b {p: 1, q: 2}\nm:\n  <<: *b\n  q: 3\nn: *b\n", "f.yaml")
    assert value["m"] == {"p": 1, "q": 3}
    assert value["n"] == {"p": 1, "q": 2}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"a: 1\nb: 2\na: 3\n", "f.yaml:3:1: duplicate key 'a' (first at line 1)"),
        (b"a: [1\n", "f.yaml:2:1: invalid YAML: did not find expected ',' or ']'"),
        (b"", "f.yaml: empty file: expected a YAML mapping"),
        (b"# just a comment\n", "f.yaml: empty file: expected a YAML mapping"),
        (b"a: 1\n\xff\xfe\n", "f.yaml:2: not UTF-8: byte 0xff cannot be decoded"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "f.yaml: binary file: not a YAML document"),
        (b"a: !!python/object:os.system x\n", "f.yaml:1:4: unsupported YAML tag"),
        (b"a: 1\n---\nb: 2\n", "f.yaml:2:1: more than one YAML document in the file"),
        (b"a: *nope\n", "f.yaml:1:4: unknown alias *nope"),
        (b"? [a, b]\n: 1\n", "f.yaml:1:3: mapping keys must be scalars"),
    ],
)
def test_bad_input_is_one_located_message(data, expected):
    with pytest.raises(LoadError) as info:
        load_yaml(data, "f.yaml")
    assert str(info.value).startswith(expected)


def test_alias_bomb_is_refused_quickly():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    with pytest.raises(LoadError, match="alias bomb"):
        load_yaml("\n".join(lines).encode(), "bomb.yaml")


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 20_000])
def test_deep_nesting_is_refused(depth):
    with pytest.raises(LoadError, match=r"nesting|depth"):
        load_yaml(b"[" * depth + b"]" * depth, "deep.yaml")


def test_nesting_within_limit_loads():
    value, _ = load_yaml(b"[" * 100 + b"]" * 100, "ok.yaml")
    for _ in range(99):
        value = value[0]
    assert value == []


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(st.dictionaries(st.text(min_size=1), json_values, min_size=1, max_size=5))
def test_what_accord_writes_reads_the_same_in_yaml_1_1_and_1_2(document):
    # Accord reads YAML 1.2; what it writes (dump_yaml) must also read back unchanged in
    # PyYAML's YAML 1.1 loader, so that other tools in a pipeline agree.
    text = dump_yaml(document)
    value, _ = load_yaml(text.encode(), "f.yaml")
    assert value == document
    assert yaml.load(text, Loader=yaml.CSafeLoader) == document
