"""The validation layer's fast paths never change an answer: answers kept per text
(patterns, formats; long texts not kept), references compiled in place (and deferred
down a long chain of them)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from accord.validation import memo, regex, validator
from accord.validation.compiler import FORMATS

PATTERNS = ["^[A-Z0-9]{3,12}(-[A-Z0-9]{1,8})*$", "^[a-z]+$", "\\d", "^$", "é|\\u2028"]
TEXTS = st.text(alphabet=st.sampled_from("aZ09-é\n\u2028 T:.+"), max_size=24)


@settings(max_examples=200, deadline=None)
@given(texts=st.lists(TEXTS, min_size=1, max_size=40))
def test_a_kept_pattern_answer_is_the_answer_of_a_fresh_search(texts: list[str]) -> None:
    for pattern in PATTERNS:
        program = regex.compile_pattern(pattern)
        for text in texts + texts[::-1]:
            assert program.search(text) is program._search(text)


@settings(max_examples=200, deadline=None)
@given(texts=st.lists(st.one_of(TEXTS, st.sampled_from(
    ["2026-03-02T14:05:41.250Z", "2026-02-30T00:00:00Z", "2026-12-31T23:59:60Z",
     "0b7e9c1a-5d2f-4a8e-9c3b-7f6e5d4c3b2a", "12.50", "2026-03-02"])), min_size=1,
    max_size=30))
def test_a_kept_format_answer_is_the_answer_of_the_format_itself(texts: list[str]) -> None:
    for name, test in FORMATS.items():
        check = validator({"type": "string", "format": name})
        for text in texts + texts[::-1]:
            assert check.is_valid(text) is test(text)


def test_long_texts_are_answered_but_not_kept() -> None:
    calls: list[str] = []

    def test(text: str) -> bool:
        calls.append(text)
        return text.startswith("a")

    answer = memo.remembered(test)
    long = "a" * (memo.LONGEST + 1)
    assert answer(long) and answer(long) and answer("aaa") and answer("aaa")
    assert calls == [long, long, "aaa"]  # the long text asked twice, the short one once
    assert regex.compile_pattern("^a+$").search(long)


def test_references_compiled_in_place_and_a_long_chain_of_them_stay_compiled() -> None:
    for n in (3, 40, 600):  # in place, then deferred past EAGER_REFS
        defs: dict[str, object] = {f"a{i}": {"$ref": f"#/$defs/a{i + 1}"} for i in range(n)}
        defs[f"a{n}"] = {"type": "string", "pattern": "^x"}
        check = validator({"$defs": defs, "$ref": "#/$defs/a0"})
        assert check.engine == "compiled"
        assert check.is_valid("xy") and not check.is_valid("yx") and not check.is_valid(1)
    tree = validator({"$defs": {"node": {"type": "object", "properties": {
        "kids": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
        "additionalProperties": False}}, "$ref": "#/$defs/node"})
    assert tree.is_valid({"kids": [{"kids": []}, {}]})
    assert not tree.is_valid({"kids": [{"kids": [{"x": 1}]}]})
