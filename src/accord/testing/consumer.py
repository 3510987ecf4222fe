"""The consumer side: `accord.consumer(name).expects(event, version, fields)`."""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from accord.samples.fields import ITEMS, join_path, lookup, parse_path
from accord.samples.nodes import Node, Nothing, Union
from accord.samples.stream import UNDECLARED, Compiler, SampleStream, tolerant_variant
from accord.testing.checks import declare, problems
from accord.testing.contract import ContractView
from accord.testing.envelopes import envelope, has_envelope
from accord.testing.errors import ContractTestError
from accord.testing.expectations import Record
from accord.testing.matchers import Matcher, Present, coerce
from accord.testing.recording import Sample, plain, prune

if TYPE_CHECKING:
    from accord.testing.fixture import Session

JSON = Any
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
CONFORM_TRIES = 60
"""Draws per sample to find one that has what the consumer declared it relies on."""


def check_name(name: object, role: str) -> str:
    if not isinstance(name, str) or not NAME.match(name):
        raise ContractTestError(
            f"{role} name {name!r} must be letters, digits, '.', '_' or '-' (it names the "
            "expectation file), e.g. 'email-service'"
        )
    return name


class Consumer:
    """A consumer service under test."""

    def __init__(self, session: Session, name: str, test: str) -> None:
        self.name = check_name(name, "consumer")
        self._session = session
        self._test = test

    def expects(self, event: str, version: int | None = None,
                fields: Mapping[str, Matcher | JSON] | Iterable[str] | None = None
                ) -> Expectation:
        """Declare reliance on ``event`` (``version``, default the latest active one).

        ``fields`` maps field paths to matchers (a plain value means like(value)); a list of
        paths means present() for each.
        """
        view = self._session.contract(event, version)
        if fields is None:
            declared: dict[str, Matcher] = {}
        elif isinstance(fields, Mapping):
            declared = {path: coerce(m) for path, m in fields.items()}
        elif isinstance(fields, Iterable) and not isinstance(fields, str):
            declared = {path: Present() for path in fields}
        else:
            raise ContractTestError(f"fields must map field paths to matchers, not {fields!r}")
        for path in declared:
            if not isinstance(path, str):
                raise ContractTestError(f"field path {path!r} must be a string")
        declare(view.schema, f"{view.event} v{view.version}", declared)
        expectation = Expectation(self._session, self.name, view, declared, self._test)
        self._session.expectations.append(expectation)
        return expectation


class Expectation:
    """One consumer's reliance on one event version, and the samples that exercise it."""

    def __init__(self, session: Session, consumer: str, view: ContractView,
                 fields: dict[str, Matcher], test: str) -> None:
        self.consumer = consumer
        self.contract = view
        self.fields = fields
        self.test = test
        self._session = session
        self._reads: set[str] = set()
        self._nodes: dict[str, Node] = {}
        self.current: Sample | None = None
        """The sample the consumer's code is handling now (for failure messages)."""

    @property
    def event(self) -> str:
        return self.contract.event

    @property
    def version(self) -> int:
        return self.contract.version

    def samples(self, n: int | None = None, *, tolerant: bool = True, wrapped: bool = True
                ) -> Iterator[JSON]:
        """``n`` varied, valid events (default: --accord-samples), each followed by its
        tolerant-reader variant (one undeclared extra property) unless ``tolerant=False``.

        Each event has what ``fields`` declares. Reads of each event are recorded. For an
        `envelope: cloudevents` contract each event comes as the `data` of a structured-mode
        CloudEvent from one of the contract's producers, unless ``wrapped=False``.
        """
        count = self._session.samples if n is None else n
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ContractTestError(f"samples(n): n must be a non-negative integer, not {n!r}")
        label = f"{self.event} v{self.version}"
        stream = SampleStream(self.contract.schema, seed=self._session.seed,
                              examples=self.contract.examples, label=label)
        extra = random.Random(f"accord-tolerant:{self._session.seed}:{label}")
        contract, version = self.contract.contract, self.contract.version_info
        wrap = wrapped and has_envelope(contract)
        for i in range(count):
            event = self._conforming(stream)
            self.current = Sample(event, self._reads, index=i, tolerant=False)
            yield envelope(contract, version, self.current, i) if wrap else self.current
            if tolerant:
                variant = tolerant_variant(event, extra)
                self.current = Sample(variant, self._reads, index=i, tolerant=True)
                yield envelope(contract, version, self.current, i) if wrap else self.current
        self.current = None

    def _conforming(self, stream: SampleStream) -> JSON:
        """The next event, with the declared fields made to hold where the draw missed them.

        Repairing only those fields keeps the rest of the event as varied as ever.
        """
        event: JSON = None
        for _ in range(CONFORM_TRIES):
            event = stream.next_event()
            if not self.unmet(event):
                return event
            for path, matcher in self.fields.items():
                self._repair(event, parse_path(path), matcher, [], stream)
            if not self.unmet(event) and stream.is_valid(event):
                return event
        raise ContractTestError(
            f"{self.consumer}: cannot generate {self.event} v{self.version} events that meet "
            f"the declared fields ({'; '.join(self.unmet(event))}); the contract rarely or "
            "never provides them: loosen the matchers"
        )

    def _repair(self, event: JSON, segments: list[str], matcher: Matcher, done: list[str],
                stream: SampleStream) -> None:
        if not segments:
            return
        head, rest = segments[0], segments[1:]
        if head == ITEMS:
            for item in event if isinstance(event, list) else ():
                self._repair(item, rest, matcher, [*done, head], stream)
            return
        if not isinstance(event, dict):
            return
        path = [*done, head]
        if not rest:
            if head not in event or matcher.check(event[head]):
                event[head] = self._value_at(path, matcher, stream)
            return
        wanted = list if rest[0] == ITEMS else dict
        if not isinstance(event.get(head), wanted):
            for _ in range(CONFORM_TRIES):
                value = self._draw_at(path, stream)
                if isinstance(value, wanted):
                    event[head] = value
                    break
        if head in event:
            self._repair(event[head], rest, matcher, path, stream)

    def _draw_at(self, path: list[str], stream: SampleStream) -> JSON:
        key = join_path(path)
        node = self._nodes.get(key)
        if node is None:
            info = lookup(self.contract.schema, path)
            schemas = info.schemas if info is not None else ()
            compiler = Compiler(self.contract.schema)
            node = self._nodes[key] = Union([compiler.compile(s) for s in schemas]) \
                if schemas else Nothing()
        return node.gen(stream.rng, 1)

    def _value_at(self, path: list[str], matcher: Matcher, stream: SampleStream) -> JSON:
        value: JSON = None
        for _ in range(CONFORM_TRIES):
            value = self._draw_at(path, stream)
            if matcher.check(value) is None:
                return value
        # The schema's own draws rarely match (a narrow regex, say): use the matcher's values.
        candidates = [v for v in matcher.samples() if matcher.check(v) is None]
        return stream.rng.choice(candidates) if candidates else value

    def unmet(self, event: JSON) -> list[str]:
        """What ``event`` lacks of the declared fields, one reason per place."""
        out = []
        for path, matcher in self.fields.items():
            out.extend(problems(plain(event), path, matcher))
        return out

    @property
    def observed(self) -> set[str]:
        """Field paths the consumer's code read, that the contract declares."""
        schema = self.contract.schema
        reads = set()
        for path in self._reads:
            if UNDECLARED in path:
                continue
            try:
                if lookup(schema, parse_path(path)) is not None:
                    reads.add(path)
            except ValueError:  # a key that cannot be written as a field path
                continue
        return set(prune(reads))

    def record(self) -> Record:
        return Record(self.consumer, self.event, self.version, self.test, dict(self.fields),
                      self.observed)

    def tolerant_failure(self) -> str | None:
        """The note to add to a failure raised while a tolerant-reader variant was handled."""
        sample = self.current
        if sample is None or not sample.tolerant:
            return None
        return (
            f"accord: {self.consumer} failed on the tolerant-reader variant of sample "
            f"{sample.index} of {self.event} v{self.version}: the same event plus the "
            f"undeclared property {UNDECLARED!r}. A consumer must ignore fields it does not "
            "know, because later versions of a contract add them."
        )
