"""The provider side: `accord.provider(name).verify(event, produce)`.

Each produced event must satisfy the schema, and every consumer's declared fields for that
event version. Observed reads add nothing here: a consumer's passing test shows it copes
with every event the schema allows, and the schema check covers those fields' types.
"""

from __future__ import annotations

import dataclasses
import json
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from accord.testing.checks import problems
from accord.testing.consumer import check_name
from accord.testing.contract import errors, in_data
from accord.testing.envelopes import has_envelope, is_binary, unwrap
from accord.testing.errors import ContractTestError, VerificationError
from accord.testing.expectations import for_event
from accord.testing.matchers import from_json

if TYPE_CHECKING:
    from accord.testing.fixture import Session

JSON = Any


def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return ""
    last = frames[-1]
    return f" at {Path(last.filename).name}:{last.lineno}"


def to_payload(item: object) -> JSON:
    """A JSON payload from what a producer emits: dict, JSON text, or a generated class."""
    if isinstance(item, dict):
        return json.loads(json.dumps(item, default=str))
    if isinstance(item, str | bytes | bytearray):
        return json.loads(item)
    for method in ("to_dict", "model_dump"):
        dump = getattr(item, method, None)
        if callable(dump):
            # pydantic: JSON mode and aliases give the wire form; unset optionals stay absent.
            data = dump(mode="json", by_alias=True, exclude_unset=True) \
                if method == "model_dump" else dump()
            return json.loads(json.dumps(data, default=str))
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        return json.loads(json.dumps(dataclasses.asdict(item), default=str))
    raise TypeError(f"cannot turn a {type(item).__name__} into an event: produce dicts, JSON "
                    "text, or classes from `accord gen` (to_dict())")


def _is_single(value: object, envelope: bool = False) -> bool:
    return isinstance(value, dict | str | bytes | bytearray) or not isinstance(value, Iterable) \
        or (envelope and is_binary(value)) \
        or dataclasses.is_dataclass(value) or hasattr(value, "to_dict") \
        or hasattr(value, "model_dump")


class Provider:
    """A producer service under test."""

    def __init__(self, session: Session, name: str) -> None:
        self.name = check_name(name, "provider")
        self._session = session

    def _produce(self, produce: Callable[[], object], n: int, envelope: bool = False
                 ) -> list[object]:
        if not callable(produce):
            raise ContractTestError(f"produce must be a function taking no arguments, not "
                                    f"{produce!r}")
        out: list[object] = []
        for _ in range(n):
            try:
                result = produce()
                out.extend([result] if _is_single(result, envelope)
                           else list(result))  # type: ignore[call-overload]
            except Exception as exc:
                raise ContractTestError(
                    f"{self.name}: produce() raised {type(exc).__name__}: {exc}{_where(exc)}"
                ) from exc
        return out

    def verify(self, event: str, produce: Callable[[], object], version: int | None = None,
               n: int = 1) -> list[JSON]:
        """Check what ``produce()`` emits; fail with one line per problem. Returns the events
        (for an `envelope: cloudevents` contract, their data: CloudEvents in either mode).
        """
        __tracebackhide__ = True
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ContractTestError(f"verify(n=...): n must be a positive integer, not {n!r}")
        view = self._session.contract(event, version)
        consumers = [
            (consumer, entry, {path: [from_json(m) for m in matchers]
                               for path, matchers in entry["fields"].items()})
            for consumer, entry in for_event(self._session.expectations_dir, view.event,
                                             view.version)
        ]
        produced = self._produce(produce, n, has_envelope(view.contract))
        if not produced:
            raise VerificationError(f"{self.name}: produce() gave no events")
        found: list[str] = []
        payloads = []
        for i, item in enumerate(produced, 1):
            label = f"event {i}" if len(produced) > 1 else "the event"
            if has_envelope(view.contract):
                # Consumers' fields are about the data; the envelope is checked on its own.
                payload, problem = unwrap(view.contract, view.version_info, item)
                if problem is not None:
                    found.append(f"{label} is not a {view.event} v{view.version} CloudEvent: "
                                 f"{problem}")
                    continue
            else:
                try:
                    payload = to_payload(item)
                except (TypeError, ValueError) as exc:
                    found.append(f"{label}: {exc}")
                    continue
            payloads.append(payload)
            for error in errors(view.schema, payload):
                if has_envelope(view.contract):
                    error = in_data(error)
                found.append(f"{label} breaks {view.event} v{view.version}: {error}")
            for consumer, entry, fields in consumers:
                for path, matchers in fields.items():
                    for matcher, raw in zip(matchers, entry["fields"][path], strict=True):
                        for problem in problems(payload, path, matcher):
                            tests = ", ".join(raw["tests"])
                            found.append(f"{label}: {consumer} expects {path} "
                                         f"{matcher.describe()}, but {problem} (relied on by "
                                         f"{tests})")
        if found:
            raise VerificationError(
                f"{self.name}'s {view.event} v{view.version} events fail {len(found)} "
                "check(s):\n  - " + "\n  - ".join(found)
            )
        return payloads
