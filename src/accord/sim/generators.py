"""Producer traffic: timed events with keys, a version mix and a share of poison.

Each (event, version) gets a pool of varied, schema-valid samples from the pytest
plugin's `SampleStream`; an event is a pool sample with its key field set to one of the
producer's keys. Drawing from a pool keeps generation far faster than the broker, and
the pool is large enough to meet every enum value and optional field the stream covers.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from accord.errors import Location
from accord.registry import Registry
from accord.samples.stream import Compiler, SampleStream
from accord.sim.scenario import (
    FlowSpec,
    ProducerSpec,
    Scenario,
    ScenarioError,
    StepSpec,
    topic_of,
)
from accord.sim.validation import KeyedText, Validators, canonical

POOL = 48
JSON = Any


@dataclass(slots=True)
class SimEvent:
    """One event a producer publishes: the unit the shrinker removes. Not changed once
    made (not frozen: a frozen dataclass's ``__init__`` costs five times as much, and one
    is made per event)."""

    id: str
    at: int
    event: str
    version: int
    key: str | None
    topic: str
    payload: JSON
    valid: bool
    text: str | None = None
    """The payload as canonical JSON, when the generator already has it (pooled samples
    share one text per key); not part of a reproducer."""
    flow: int = -1
    """The flow (its index among the scenario's flows) this event is a step of, or -1."""
    step: int = -1
    """How many steps of its entity's lifecycle came before this one."""
    terminal: bool = False
    """The last step of its entity's lifecycle."""

    def to_json(self) -> dict[str, JSON]:
        out = {"id": self.id, "at": self.at, "event": self.event, "version": self.version,
               "key": self.key, "valid": self.valid, "payload": self.payload}
        if self.flow >= 0:
            out.update(flow=self.flow, step=self.step, terminal=self.terminal)
        return out


class _Source:
    """Pools and keys of one producer."""

    def __init__(self, spec: ProducerSpec, registry: Registry, validators: Validators,
                 seed: int, pools: dict[str, list[str | None]]) -> None:
        contract = registry.get(spec.event)
        assert contract is not None
        self.spec = spec
        self.topic = topic_of(contract)
        self.key_field = contract.key
        self.rng = random.Random(f"accord-sim:{seed}:{spec.service}:{spec.event}")
        self.validators = validators
        self.pools: dict[int, list[JSON]] = {}
        for number, _ in spec.versions:
            version = contract.version(number)
            assert version is not None
            stream = SampleStream(version.resolved, seed=seed, examples=version.examples,
                                  label=f"{spec.event} v{number}")
            self.pools[number] = stream.take(POOL)
            validators.prime(spec.event, number, self.pools[number], self.key_field)
        self.indices = {number: range(len(pool)) for number, pool in self.pools.items()}
        self.numbers = [n for n, _ in spec.versions]
        self.cumulative = list(itertools.accumulate(w for _, w in spec.versions))
        self.total = self.cumulative[-1]
        if spec.pool is not None and spec.pool in pools:
            base = self.pools[self.numbers[-1]][0]
            self.keys = [k for k in pools[spec.pool] if not self.key_field or
                         self.validators.is_valid(spec.event, self.numbers[-1],
                                                  {**base, self.key_field: k})]
            if not self.keys:
                raise ScenarioError(f"no key of pool {spec.pool!r} is valid for "
                                    f"{spec.event}'s {self.key_field}",
                                    Location("<scenario>"))
        else:
            self.keys = self._keys(contract, seed)
            if spec.pool is not None:
                pools[spec.pool] = self.keys
        # (version, pool sample, key) -> the event's payload and its canonical text: events
        # share them (nobody changes a published payload), so memory and encoding stay
        # bounded by the pool, not the run.
        self.shared: dict[tuple[int, int, str | None], tuple[JSON, str]] = {}
        # Per pool sample, its text with a hole for the key (made with the pools).
        self.texts = {(number, i): KeyedText(sample, self.key_field)
                      for number, pool in self.pools.items() for i, sample in enumerate(pool)
                      if self.key_field and isinstance(sample, dict)}

    def _keys(self, contract: Any, seed: int) -> list[str | None]:
        if not self.key_field:
            return [None]
        number = self.numbers[-1]
        schema = contract.version(number).resolved
        field_schema = (schema.get("properties") or {}).get(self.key_field, True)
        node = Compiler(schema).compile(field_schema)
        rng = random.Random(f"accord-sim-keys:{seed}:{contract.event}")
        base = self.pools[number][0]
        keys: list[str | None] = []
        seen: set[str] = set()
        for _ in range(self.spec.keys * 5):
            value = node.gen(rng, 0)
            if isinstance(value, str) and value not in seen and self.validators.is_valid(
                    contract.event, number, {**base, self.key_field: value}):
                seen.add(value)
                keys.append(value)
                if len(keys) == self.spec.keys:
                    break
        return keys or [base.get(self.key_field)]

    def make(self, ident: str, at: int) -> SimEvent:
        rng = self.rng
        number = self.numbers[0]
        if len(self.numbers) > 1:
            number = self.numbers[bisect.bisect(self.cumulative, rng.random() * self.total)]
        # choice(seq) is seq[randrange(len(seq))], the same draw with less on the way.
        index = rng.choice(self.indices[number])
        key = rng.choice(self.keys)
        slot = (number, index, key)
        shared = self.shared.get(slot)
        if shared is None:
            payload = self.pools[number][index]
            if self.key_field and isinstance(payload, dict):
                shared = ({**payload, self.key_field: key}, self.texts[(number, index)](key))
            else:
                shared = (payload, canonical(payload))
            self.shared[slot] = shared
        payload, text = shared
        if self.spec.invalid and rng.random() < self.spec.invalid:
            poison = poison_of(payload, rng, lambda p: self.validators.is_valid(
                self.spec.event, number, p))
            if poison is not None:
                return SimEvent(ident, at, self.spec.event, number, key, self.topic, poison,
                                False)
        return SimEvent(ident, at, self.spec.event, number, key, self.topic, payload, True,
                        text)


def poison_of(payload: JSON, rng: random.Random, is_valid: Any) -> JSON | None:
    """A mutation of ``payload`` the validator rejects: a field dropped or mistyped."""
    if not isinstance(payload, dict) or not payload:
        return None
    names = sorted(payload)
    for _ in range(8):
        name = names[rng.randrange(len(names))]
        mutated = dict(payload)
        if rng.random() < 0.5:
            del mutated[name]
        else:
            value = mutated[name]
            mutated[name] = 12345 if isinstance(value, str) else "not-a-" + type(value).__name__
        if not is_valid(mutated):
            return mutated
    return None


class _Flow:
    """The entities of one flow: each with a fresh key, walking its steps in time."""

    def __init__(self, spec: FlowSpec, index: int, scenario: Scenario,
                 validators: Validators, injected: dict[str, int]) -> None:
        self.spec = spec
        self.index = index
        self.faults = scenario.faults
        self.injected = injected
        self.validators = validators
        seed = scenario.seed
        self.rng = random.Random(f"accord-sim-flow:{seed}:{index}:{spec.start}")
        self.samples: dict[str, tuple[int, str, str | None, list[JSON]]] = {}
        for name in spec.steps:
            contract = scenario.registry.get(name)
            assert contract is not None
            version = contract.latest_active() or contract.latest
            stream = SampleStream(version.resolved, seed=seed, examples=version.examples,
                                  label=f"{name} v{version.number}")
            pool = stream.take(POOL)
            validators.prime(name, version.number, pool, contract.key)
            self.samples[name] = (version.number, topic_of(contract), contract.key, pool)
        number, _, field_, _ = self.samples[spec.start]
        start = scenario.registry.get(spec.start)
        assert start is not None
        schema = start.version(number).resolved  # type: ignore[union-attr]
        self.key_node = Compiler(schema).compile(
            (schema.get("properties") or {}).get(field_, True)) if field_ else None
        # Per step: whether a key is valid there (with the step's first pool sample).
        self.key_ok = [self.validators.with_key(name, number, pool[0], field_)
                       for name, (number, _, field_, pool) in self.samples.items() if field_]
        self.texts = {(name, i): KeyedText(sample, field_)  # per pool sample, as above
                      for name, (_, _, field_, pool) in self.samples.items() if field_
                      for i, sample in enumerate(pool) if isinstance(sample, dict)}
        self.used: set[str] = set()
        self.counter = 0
        # (at, order, key, step name, steps before, late): due steps of live entities.
        self.heap: list[tuple[int, int, str | None, str, int, bool]] = []
        self.order = 0

    def _fresh_key(self) -> str | None:
        """A key no entity of this flow had, valid for every step's event."""
        if self.key_node is None:
            self.counter += 1
            return None
        for _ in range(50):
            value = self.key_node.gen(self.rng, 0)
            if isinstance(value, str) and value not in self.used and all(
                    ok(value) for ok in self.key_ok):
                self.used.add(value)
                return value
        raise ScenarioError(f"flow from {self.spec.start}: cannot draw a fresh key (50 draws "
                            "gave only used or invalid ones); the key field's schema allows "
                            "too few values for this many entities", Location("<scenario>"))

    def _push(self, at: int, key: str | None, name: str, before: int, late: bool) -> None:
        self.order += 1
        heapq.heappush(self.heap, (at, self.order, key, name, before, late))

    def start(self, at: int) -> None:
        self._push(at, self._fresh_key(), self.spec.start, 0, False)

    @property
    def next_at(self) -> float:
        return self.heap[0][0] if self.heap else float("inf")

    def _schedule_next(self, at: int, key: str | None, step: StepSpec, before: int) -> int:
        """Draw the entity's next step and when it comes; returns that time."""
        rng = self.rng
        low, high = step.after_ms
        when = at + (low if low == high else rng.randint(low, high))
        total = sum(w for _, w in step.next)
        pick, acc = rng.random() * total, 0.0
        target = step.next[-1][0]
        for name, weight in step.next:
            acc += weight
            if pick < acc:
                target = name
                break
        self._push(when, key, target, before + 1, False)
        return when

    def emit(self, ident: str) -> SimEvent | None:
        """The step due first, as an event (None: a missing-step fault ate it)."""
        at, _, key, name, before, late = heapq.heappop(self.heap)
        step = self.spec.steps[name]
        if not late:
            rng = self.rng
            if self.faults.missing_step and rng.random() < self.faults.missing_step:
                self.injected["missing-step"] = self.injected.get("missing-step", 0) + 1
                if not step.terminal:
                    self._schedule_next(at, key, step, before)
                return None
            if not step.terminal:
                when = self._schedule_next(at, key, step, before)
                if self.faults.out_of_order and rng.random() < self.faults.out_of_order:
                    self.injected["out-of-order"] = self.injected.get("out-of-order", 0) + 1
                    self._push(when + 1, key, name, before, True)  # after its successor
                    return None
        number, topic, field_, pool = self.samples[name]
        index = self.rng.randrange(len(pool))
        payload, text = pool[index], None
        if field_ and isinstance(payload, dict):
            payload, text = {**payload, field_: key}, self.texts[(name, index)](key)
        return SimEvent(ident, at, name, number, key, topic, payload, True, text,
                        self.index, before, step.terminal)


def generate(scenario: Scenario, validators: Validators,
             injected: dict[str, int] | None = None) -> Iterator[SimEvent]:
    """The producers' events in publish order, up to the scenario's count or duration.

    Flows' faults (missing and out-of-order steps) are decided here, from the seed, and
    counted by kind in ``injected``.
    """
    pools: dict[str, list[str | None]] = {}
    sources = [_Source(p, scenario.registry, validators, scenario.seed, pools)
               for p in scenario.producers]
    flows = [_Flow(f, i, scenario, validators, {} if injected is None else injected)
             for i, f in enumerate(scenario.flows)]
    return _merged(scenario, sources, flows)


def _merged(scenario: Scenario, sources: list[_Source], flows: list[_Flow]
            ) -> Iterator[SimEvent]:
    rates = [s.spec.per_ms for s in sources] + [f.spec.per_ms for f in flows]
    ticks = [1 / rate for rate in rates]
    # Each producer (and each flow's entity starts) ticks at its own rate; a heap merges
    # them by time, then producer order. Flows' due steps come from their own heaps.
    heap = [(0.0, i) for i in range(len(rates))]
    limit, until = scenario.events, scenario.duration_ms
    n = 0
    makers = [s.make for s in sources]
    count = len(sources)
    while heap:
        flow, due = None, float("inf")  # the flow with the earliest due step (first on ties)
        for f in flows:
            if f.heap and f.heap[0][0] < due:
                flow, due = f, float(f.heap[0][0])
        if flow is not None and due <= heap[0][0]:
            at = int(due)
            if (limit is not None and n >= limit) or (until is not None and at >= until):
                return
            event = flow.emit(f"e{n}")
            if event is not None:
                yield event
                n += 1
            continue
        when, i = heapq.heappop(heap)
        at = int(when)
        if (limit is not None and n >= limit) or (until is not None and at >= until):
            return
        if i < count:
            yield makers[i](f"e{n}", at)
            n += 1
        else:
            flows[i - count].start(at)
        heapq.heappush(heap, (when + ticks[i], i))
