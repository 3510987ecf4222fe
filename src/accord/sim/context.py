"""What a handler gets besides the event: who it is, a state store, and ``publish``."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, MutableMapping
from typing import Any, Protocol

JSON = Any
_ATOMS = (str, int, float, bool, type(None))


def copy_json(value: JSON) -> JSON:
    """A deep copy of JSON-like data, several times faster than `copy.deepcopy` (no memo:
    JSON has no cycles); anything else is deep-copied the general way."""
    kind = type(value)
    if kind in _ATOMS:
        return value
    if kind is dict:
        return {k: v if type(v) in _ATOMS else copy_json(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _ATOMS else copy_json(v) for v in value]
    return copy.deepcopy(value)


class State(MutableMapping[str, JSON]):
    """A service's key-value store, owned by the simulator so it can be snapshot.

    One store per consumer group (a service's database), shared by its instances. It is a
    mapping (`ctx.state[k] = v`, `ctx.state.get(k)`, `setdefault`, `in`, `del`, iteration)
    with helpers (`set`, `incr`, `delete`). Values are copied on the way in and out, so a
    handler cannot change them behind its back; each value is copied on its own, so the
    cost of an access is the size of that value, not of the store.
    """

    __slots__ = ("_data",)

    def __init__(self) -> None:
        self._data: dict[str, JSON] = {}

    def __getitem__(self, key: str) -> JSON:
        return copy_json(self._data[key])

    def __setitem__(self, key: str, value: JSON) -> None:
        self._data[key] = copy_json(value)

    def __delitem__(self, key: str) -> None:
        del self._data[key]

    def get(self, key: str, default: JSON = None) -> JSON:
        return copy_json(self._data.get(key, default))

    def set(self, key: str, value: JSON) -> None:
        self._data[key] = copy_json(value)  # as ``self[key] = value``, a call less

    def incr(self, key: str, by: float = 1) -> float:
        value = self._data.get(key, 0) + by
        self._data[key] = value
        return value  # type: ignore[no-any-return]

    def delete(self, key: str) -> None:
        self._data.pop(key, None)

    def peek(self, key: str) -> JSON:
        """The stored value itself, not a copy: for the built-in models, which never let it
        out; a handler uses ``[]`` or ``get``."""
        return self._data.get(key)

    def put(self, key: str, value: JSON) -> None:
        """Store ``value`` itself, not a copy (the built-in models' counterpart of peek)."""
        self._data[key] = value

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._data))

    def __len__(self) -> int:
        return len(self._data)

    def snapshot(self) -> dict[str, JSON]:
        """A deep, key-sorted copy, comparable with ``==`` and printable as JSON."""
        data: dict[str, JSON] = json.loads(json.dumps(self._data, sort_keys=True, default=str))
        return data


class Sink(Protocol):
    """Where ``ctx.publish`` goes: the engine (or nowhere, when replaying a log)."""

    def emit(self, ctx: Context, event: str, payload: JSON, key: str | None,
             version: int | None) -> None: ...


class Context:
    """The ``ctx`` of ``handler(event, ctx)``."""

    __slots__ = ("_sink", "attempt", "emitted", "event", "group", "id", "key", "service", "state",
                 "version")

    def __init__(self, event: str, version: int, key: str | None, attempt: int, ident: str,
                 service: str, group: str, state: State, sink: Sink | None) -> None:
        self.event = event
        self.version = version
        self.key = key
        self.attempt = attempt
        self.id = ident
        self.service = service
        self.group = group
        self.state = state
        self._sink = sink
        self.emitted = 0  # how many follow-ups this handling published: their ids

    def publish(self, event: str, payload: JSON, *, key: str | None = None,
                version: int | None = None) -> None:
        """Emit a follow-up event; it is validated against its contract (latest by default)."""
        if self._sink is not None:
            self._sink.emit(self, event, payload, key, version)
