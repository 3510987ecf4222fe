"""What a consumer expects of a field: like, regex, each_like, one_of, present.

Every matcher means "the field is there"; on top of that it says what the value looks like.
Each one round-trips through JSON, because expectation files store them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from accord.samples.fields import json_type
from accord.testing.errors import ContractTestError

JSON = Any
MISSING: Any = object()


def _shape(example: JSON, value: JSON, where: str) -> str | None:
    """Why ``value`` has not the shape of ``example`` (Pact's type matching), or None."""
    expected, actual = json_type(example), json_type(value)
    if expected == "number" and actual == "integer":
        return None
    if expected != actual:
        return f"{where or 'value'} is {actual} {_show(value)}, expected {expected} like " \
               f"{_show(example)}"
    if isinstance(example, dict):
        for key, sub in example.items():
            if key not in value:
                return f"{where}.{key} is missing" if where else f"{key} is missing"
            reason = _shape(sub, value[key], f"{where}.{key}" if where else key)
            if reason:
                return reason
    if isinstance(example, list) and example:
        for i, item in enumerate(value):
            reason = _shape(example[0], item, f"{where}[{i}]")
            if reason:
                return reason
    return None


def _show(value: JSON, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class Matcher:
    """Base: a check on a present value, and its JSON form."""

    kind = ""

    def check(self, value: JSON) -> str | None:
        """Why ``value`` does not match (a short reason), or None when it does."""
        raise NotImplementedError

    def to_json(self) -> dict[str, JSON]:
        raise NotImplementedError

    def samples(self) -> list[JSON]:
        """Values that match, to check against the schema when the expectation is declared."""
        return []

    def describe(self) -> str:
        raise NotImplementedError

    def __repr__(self) -> str:
        return self.describe()


@dataclass(frozen=True, eq=True, repr=False)
class Like(Matcher):
    example: JSON
    kind = "like"

    def check(self, value: JSON) -> str | None:
        return _shape(self.example, value, "")

    def to_json(self) -> dict[str, JSON]:
        return {"matcher": self.kind, "example": self.example}

    def samples(self) -> list[JSON]:
        return [self.example]

    def describe(self) -> str:
        return f"like({_show(self.example)})"


@dataclass(frozen=True, eq=True, repr=False)
class Regex(Matcher):
    pattern: str
    example: str
    kind = "regex"

    def __post_init__(self) -> None:
        try:
            compiled = re.compile(self.pattern)
        except (re.error, TypeError) as exc:
            raise ContractTestError(f"regex({self.pattern!r}, ...): not a regular expression: "
                                    f"{exc}") from None
        if not isinstance(self.example, str) or not compiled.fullmatch(self.example):
            raise ContractTestError(
                f"regex({self.pattern!r}, {self.example!r}): the example does not match its own "
                "pattern (matchers use re.fullmatch); fix the pattern or the example"
            )

    def check(self, value: JSON) -> str | None:
        if not isinstance(value, str):
            return f"is {json_type(value)} {_show(value)}, expected a string matching " \
                   f"{self.pattern!r}"
        if not re.fullmatch(self.pattern, value):
            return f"is {_show(value)}, which does not match {self.pattern!r}"
        return None

    def to_json(self) -> dict[str, JSON]:
        return {"matcher": self.kind, "pattern": self.pattern, "example": self.example}

    def samples(self) -> list[JSON]:
        return [self.example]

    def describe(self) -> str:
        return f"regex({self.pattern!r}, {_show(self.example)})"


@dataclass(frozen=True, eq=True, repr=False)
class EachLike(Matcher):
    example: JSON
    min: int = 1
    kind = "each_like"

    def __post_init__(self) -> None:
        if not isinstance(self.min, int) or isinstance(self.min, bool) or self.min < 0:
            raise ContractTestError(f"each_like(..., min={self.min!r}): min must be an integer "
                                    ">= 0")

    def check(self, value: JSON) -> str | None:
        if not isinstance(value, list):
            return f"is {json_type(value)} {_show(value)}, expected an array"
        if len(value) < self.min:
            return f"has {len(value)} item(s), expected at least {self.min}"
        for i, item in enumerate(value):
            reason = _shape(self.example, item, f"[{i}]")
            if reason:
                return reason
        return None

    def to_json(self) -> dict[str, JSON]:
        return {"matcher": self.kind, "example": self.example, "min": self.min}

    def samples(self) -> list[JSON]:
        return [[self.example] * max(self.min, 1)]

    def describe(self) -> str:
        return f"each_like({_show(self.example)}, min={self.min})"


@dataclass(frozen=True, eq=True, repr=False)
class OneOf(Matcher):
    values: tuple[JSON, ...]
    kind = "one_of"

    def __post_init__(self) -> None:
        if not self.values:
            raise ContractTestError("one_of() needs at least one value")

    def check(self, value: JSON) -> str | None:
        if any(json_type(value) == json_type(v) and value == v for v in self.values):
            return None
        return f"is {_show(value)}, expected one of {_show(list(self.values))}"

    def to_json(self) -> dict[str, JSON]:
        return {"matcher": self.kind, "values": list(self.values)}

    def samples(self) -> list[JSON]:
        return list(self.values)

    def describe(self) -> str:
        return f"one_of({', '.join(_show(v) for v in self.values)})"


@dataclass(frozen=True, eq=True, repr=False)
class Present(Matcher):
    kind = "present"

    def check(self, value: JSON) -> str | None:
        return "is null, expected a value" if value is None else None

    def to_json(self) -> dict[str, JSON]:
        return {"matcher": self.kind}

    def describe(self) -> str:
        return "present()"


def like(example: JSON) -> Matcher:
    """The field is present and has the same JSON type (and, for objects, keys) as ``example``."""
    return Like(example)


def regex(pattern: str, example: str) -> Matcher:
    """The field is a string that fully matches ``pattern`` (Python `re`); ``example`` must too."""
    return Regex(pattern, example)


def each_like(example: JSON, min: int = 1) -> Matcher:
    """The field is an array of at least ``min`` items, each like ``example``."""
    return EachLike(example, min)


def one_of(*values: JSON) -> Matcher:
    """The field is present and equals one of ``values``."""
    return OneOf(tuple(values))


def present() -> Matcher:
    """The field is present and not null."""
    return Present()


def from_json(data: JSON) -> Matcher:
    """A matcher from its expectation-file form; ContractTestError when the form is wrong."""
    try:
        kind = data["matcher"]
        if kind == "like":
            return Like(data["example"])
        if kind == "regex":
            return Regex(data["pattern"], data["example"])
        if kind == "each_like":
            return EachLike(data["example"], data.get("min", 1))
        if kind == "one_of":
            return OneOf(tuple(data["values"]))
        if kind == "present":
            return Present()
    except (KeyError, TypeError) as exc:
        raise ContractTestError(f"matcher {_show(data)} lacks {exc}") from None
    raise ContractTestError(f"unknown matcher {_show(data)}")


def coerce(value: JSON) -> Matcher:
    """A matcher as given in ``fields=``: a Matcher, or a plain example meaning like(example)."""
    return value if isinstance(value, Matcher) else Like(value)
