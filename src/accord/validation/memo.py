"""Answers kept per text: the one bounded memo behind the validation layer's patterns and
formats (payloads repeat their codes, SKUs, ids and timestamps)."""

from __future__ import annotations

from collections.abc import Callable

SIZE = 1024
"""Distinct texts a memo keeps (then it starts again)..."""
LONGEST = 256
"""...each up to this long: a hostile long text is answered, not kept."""


def remembered(test: Callable[[str], bool]) -> Callable[[str], bool]:
    """``test`` with its answers kept for the last `SIZE` distinct short texts: a lookup
    costs a hash the string has already cached, where a test may parse or call into RE2."""
    answers: dict[str, bool] = {}

    def answer(text: str) -> bool:
        found = answers.get(text)
        if found is None:
            found = test(text)
            if len(text) <= LONGEST:
                if len(answers) >= SIZE:
                    answers.clear()
                answers[text] = found
        return found

    return answer
