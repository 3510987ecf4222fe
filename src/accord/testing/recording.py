"""Events that note which fields the consumer's code reads.

A sample is a real `dict` (so `isinstance`, `json.dumps` and `==` behave), whose nested
objects and arrays are wrapped in turn. Reading a key (`[]`, `.get`, `.items()`...) adds
its field path, such as `items[].sku`, to a shared set. Testing a key with `in` is not a
read: guarding an optional field is not relying on it.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

JSON = Any


def wrap(value: JSON, path: str, log: set[str]) -> JSON:
    if type(value) is dict:
        return RecordingDict(value, path, log)
    if type(value) is list:
        return RecordingList(value, path, log)
    return value


def _child(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class RecordingDict(dict[str, JSON]):
    """A JSON object that records reads of its keys."""

    __slots__ = ("_log", "_path")

    def __init__(self, data: dict[str, JSON], path: str = "", log: set[str] | None = None
                 ) -> None:
        self._path = path
        self._log = log if log is not None else set()
        super().__init__({k: wrap(v, _child(path, k), self._log) for k, v in data.items()})

    def __getitem__(self, key: str) -> JSON:
        self._log.add(_child(self._path, key))
        return super().__getitem__(key)

    def get(self, key: str, default: JSON = None) -> JSON:
        self._log.add(_child(self._path, key))
        return super().get(key, default)

    def items(self) -> Any:
        self._log.update(_child(self._path, k) for k in self.keys())
        return super().items()

    def values(self) -> Any:
        self._log.update(_child(self._path, k) for k in self.keys())
        return super().values()

    def pop(self, key: str, *default: JSON) -> JSON:
        self._log.add(_child(self._path, key))
        return super().pop(key, *default)

    def __copy__(self) -> dict[str, JSON]:
        return dict(super().items())

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, JSON]:
        return {k: copy.deepcopy(v, memo) for k, v in super().items()}

    def __reduce__(self) -> Any:
        return (dict, (plain(self),))


class RecordingList(list[JSON]):
    """A JSON array whose items record reads under `path[]`."""

    __slots__ = ()

    def __init__(self, data: list[JSON], path: str, log: set[str]) -> None:
        super().__init__(wrap(v, path + "[]", log) for v in data)

    def __copy__(self) -> list[JSON]:
        return list(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> list[JSON]:
        return [copy.deepcopy(v, memo) for v in self]

    def __reduce__(self) -> Any:
        return (list, (plain(self),))


def plain(value: JSON) -> JSON:
    """The same data as plain dicts and lists, without recording anything."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in dict.items(value)}
    if isinstance(value, list):
        return [plain(v) for v in list.__iter__(value)]
    return value


class Sample(RecordingDict):
    """One event handed to a consumer test; ``tolerant`` marks the extra-property variant."""

    __slots__ = ("index", "tolerant")

    def __init__(self, data: dict[str, JSON], log: set[str], *, index: int,
                 tolerant: bool) -> None:
        super().__init__(data, "", log)
        self.index = index
        self.tolerant = tolerant


def prune(paths: set[str]) -> list[str]:
    """Drop paths implied by a longer one (`customer` when `customer.email` was read)."""
    ordered = sorted(paths)
    out = []
    for i, path in enumerate(ordered):
        later = ordered[i + 1:]
        if any(p.startswith(path + ".") or p.startswith(path + "[") for p in later):
            continue
        out.append(path)
    return out


def iter_paths(value: JSON, path: str = "") -> Iterator[tuple[str, JSON]]:
    """Every (field path, value) in a plain event, `[]` for array items."""
    if isinstance(value, dict):
        for k, v in value.items():
            sub = _child(path, k)
            yield sub, v
            yield from iter_paths(v, sub)
    elif isinstance(value, list):
        for v in value:
            yield from iter_paths(v, path + "[]")
