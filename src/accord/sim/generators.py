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

from accord.registry import Registry
from accord.samples.stream import Compiler, SampleStream
from accord.sim.scenario import ProducerSpec, Scenario, topic_of
from accord.sim.validation import Validators, canonical

POOL = 48
JSON = Any


@dataclass(frozen=True, slots=True)
class SimEvent:
    """One event a producer publishes: the unit the shrinker removes."""

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

    def to_json(self) -> dict[str, JSON]:
        return {"id": self.id, "at": self.at, "event": self.event, "version": self.version,
                "key": self.key, "valid": self.valid, "payload": self.payload}


class _Source:
    """Pools and keys of one producer."""

    def __init__(self, spec: ProducerSpec, registry: Registry, validators: Validators,
                 seed: int) -> None:
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
        self.numbers = [n for n, _ in spec.versions]
        self.cumulative = list(itertools.accumulate(w for _, w in spec.versions))
        self.total = self.cumulative[-1]
        self.keys = self._keys(contract, seed)
        # (version, pool sample, key) -> the event's payload and its canonical text: events
        # share them (nobody changes a published payload), so memory and encoding stay
        # bounded by the pool, not the run.
        self.shared: dict[tuple[int, int, str | None], tuple[JSON, str]] = {}

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
        pool = self.pools[number]
        index = rng.randrange(len(pool))
        key = self.keys[rng.randrange(len(self.keys))]
        slot = (number, index, key)
        shared = self.shared.get(slot)
        if shared is None:
            payload = pool[index]
            if self.key_field and isinstance(payload, dict):
                payload = {**payload, self.key_field: key}
            shared = self.shared[slot] = (payload, canonical(payload))
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


def generate(scenario: Scenario, validators: Validators) -> Iterator[SimEvent]:
    """The producers' events in publish order, up to the scenario's count or duration."""
    sources = [_Source(p, scenario.registry, validators, scenario.seed)
               for p in scenario.producers]
    # Each producer ticks at its own rate; a heap merges them by time, then producer order.
    heap = [(0.0, i) for i in range(len(sources))]
    limit, until = scenario.events, scenario.duration_ms
    n = 0
    while heap:
        when, i = heapq.heappop(heap)
        at = int(when)
        if (limit is not None and n >= limit) or (until is not None and at >= until):
            return
        yield sources[i].make(f"e{n}", at)
        n += 1
        heapq.heappush(heap, (when + 1 / sources[i].spec.per_ms, i))
