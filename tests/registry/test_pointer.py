"""JSON pointers: one escaping, one resolution, shared by registry and governance."""

from hypothesis import given
from hypothesis import strategies as st

from accord.registry.pointer import MISSING, escape, join, resolve, unescape


@given(st.text())
def test_unescape_undoes_escape(token: str) -> None:
    assert unescape(escape(token)) == token
    assert "/" not in escape(token)


def test_escape_order_matters() -> None:
    assert escape("a/b~c") == "a~1b~0c"
    assert unescape("~01") == "~1"


def test_join_and_resolve() -> None:
    doc = {"a/b": [{"~": 1}], "": 2}
    assert join(["a/b", 0, "~"]) == "/a~1b/0/~0"
    assert resolve(doc, join(["a/b", 0, "~"])) == 1
    assert resolve(doc, "/") == 2
    assert resolve(doc, "") is doc


def test_missing() -> None:
    doc = {"a": [1, 2]}
    assert resolve(doc, "/b") is MISSING
    assert resolve(doc, "/a/2") is MISSING
    assert resolve(doc, "/a/-") is MISSING
    assert resolve(doc, "/a/0/x") is MISSING


def test_non_ascii_digit_is_not_an_index() -> None:
    # "²".isdigit() is true but int("²") raises: it must name nothing, not crash.
    assert resolve({"a": [1, 2, 3]}, "/a/²") is MISSING
