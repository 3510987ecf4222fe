"""The deterministic loop: publish, poll, handle, settle, advance virtual time.

Nothing here reads the wall clock or global randomness: the broker's seed, the event
list and the fault schedule decide everything, so one run can be replayed exactly.
"""

from __future__ import annotations

import contextlib
import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from accord.broker import Consumer, Delivery, EmbeddedBroker
from accord.broker.errors import BrokerError
from accord.interop.cloudevents import CloudEventError
from accord.registry.model import Contract
from accord.sim.context import Context, State
from accord.sim.envelopes import encode
from accord.sim.faults import Faults
from accord.sim.generators import SimEvent
from accord.sim.scenario import ConsumerSpec, Scenario, topic_of
from accord.sim.validation import Validators, canonical

DEFAULT_PARTITIONS = 4
LAG_SAMPLE_MS = 1_000
MAX_VIOLATIONS_PER_KIND = 20


@dataclass(frozen=True, slots=True)
class Violation:
    """A broken invariant or SLO: which, what happened, and on which event and group."""

    invariant: str
    message: str
    event: str | None = None
    group: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"invariant": self.invariant, "message": self.message, "event": self.event,
                "group": self.group}


@dataclass(slots=True)
class Meta:
    """What the simulator knows of one published record."""

    id: str
    event: str
    version: int
    key: str | None
    valid: bool
    seq: int


@dataclass
class Outcome:
    """Everything one run observed; invariants and the report read it."""

    broker: EmbeddedBroker
    events: list[SimEvent]
    violations: list[Violation]
    states: dict[str, State]
    handled: dict[str, set[str]]
    consumers: tuple[ConsumerSpec, ...]
    records: dict[tuple[str, int, int], Meta]
    injected: list[Any]
    drained: bool
    max_lag: dict[str, int] = field(default_factory=dict)
    published: int = 0
    follow_ups: int = 0
    lag_series: list[tuple[int, dict[str, int]]] = field(default_factory=list)
    latency_series: dict[int, dict[int, int]] = field(default_factory=dict)


class Engine:
    """One run of a scenario over a fixed event list and a fault source."""

    def __init__(self, scenario: Scenario, events: list[SimEvent], faults: Faults,
                 validators: Validators, *, publish_outputs: bool = True,
                 progress: Callable[[int], None] | None = None) -> None:
        self.s = scenario
        self.events = events
        self.faults = faults
        self.validators = validators
        self.progress = progress
        self.publish_outputs = publish_outputs
        self.broker = EmbeddedBroker(seed=scenario.seed)
        self.records: dict[tuple[str, int, int], Meta] = {}
        self.violations: list[Violation] = []
        self._counts: dict[str, int] = {}
        self.states = {c.group: State() for c in scenario.consumers}
        self.handled: dict[str, set[str]] = {c.group: set() for c in scenario.consumers}
        self._last: dict[str, dict[tuple[str, str], int]] = {c.group: {}
                                                              for c in scenario.consumers}
        self._raised: set[tuple[str, str]] = set()
        self._acks: list[tuple[int, int, Delivery]] = []
        self._n = 0
        self._seq = 0
        self.follow_ups = 0
        self._key_fields: dict[str, str | None] = {}
        # CloudEvents: who sends each produced event, and in which content mode.
        self._senders: dict[str, tuple[str, str]] = {}
        for p in scenario.producers:
            self._senders.setdefault(p.event, (p.service, p.mode))
        self._enveloped: dict[str, Contract | None] = {}
        self.lag_series: list[tuple[int, dict[str, int]]] = []
        self.latency_series: dict[int, dict[int, int]] = {}
        self._handler_names = {c.group: c.handler_name for c in scenario.consumers}
        self.max_lag: dict[str, int] = {c.group: 0 for c in scenario.consumers}
        topics = {e.topic for e in events} | set(scenario.partitions)
        for c in scenario.consumers:
            topics.update(c.topics)
        for name in sorted(topics):
            self._topic(name)
        self.members: list[tuple[ConsumerSpec, str, list[Consumer]]] = []
        for c in scenario.consumers:
            for topic in c.topics:
                self.members.append((c, topic, [self._join(c, topic)
                                                 for _ in range(c.instances)]))

    def _key_field(self, event: str) -> str | None:
        field_ = self._key_fields.get(event, "")
        if field_ == "":
            contract = self.s.registry.get(event)
            field_ = self._key_fields[event] = contract.key if contract else None
        return field_

    def _topic(self, name: str) -> None:
        if name not in self.broker.topics:
            self.broker.create_topic(name, self.s.partitions.get(name, DEFAULT_PARTITIONS))

    def _join(self, c: ConsumerSpec, topic: str) -> Consumer:
        return self.broker.subscribe(topic, c.group, max_deliveries=c.max_deliveries,
                                     ack_timeout_ms=self.s.faults.ack_timeout_ms,
                                     max_in_flight=500, mode=c.mode)  # type: ignore[arg-type]

    def violate(self, invariant: str, message: str, event: str | None = None,
                group: str | None = None) -> None:
        n = self._counts.get(invariant, 0)
        self._counts[invariant] = n + 1
        if n < MAX_VIOLATIONS_PER_KIND:
            self.violations.append(Violation(invariant, message, event, group))

    def _envelope(self, event: str) -> Contract | None:
        if event not in self._enveloped:
            contract = self.s.registry.get(event)
            self._enveloped[event] = contract if contract is not None and \
                contract.envelope == "cloudevents" else None
        return self._enveloped[event]

    def _publish(self, ident: str, event: str, version: int, key: str | None, topic: str,
                 text: str, valid: bool, source: str | None = None) -> None:
        # Published as bytes: the text is already canonical JSON (and the memo's key), so
        # the broker need not encode it again. Handlers get it decoded afresh, per delivery.
        value, headers = text.encode(), None
        contract = self._envelope(event)
        if contract is not None:
            # A producer's events go as the scenario says it sends them; follow-ups from
            # handlers (`source` given) in structured mode.
            fallback = contract.producers[0] if contract.producers else str(contract.owner)
            sender, mode = (source, "structured") if source is not None else self._senders.get(
                event, (fallback, "structured"))
            value, headers = encode(contract, version, ident, text, sender, mode)
        result = self.broker.publish(topic, value, key=key, headers=headers)
        self._seq += 1
        self.records[(topic, result.partition, result.offset)] = Meta(
            ident, event, version, key, valid, self._seq)

    def emit(self, ctx: Context, event: str, payload: Any, key: str | None,
             version: int | None) -> None:
        """``ctx.publish``: validate a follow-up event against its contract, then publish."""
        ctx.emitted += 1
        ident = f"{ctx.id}>{ctx.group}.{ctx.emitted}"
        handler = self._handler_names[ctx.group]
        contract = self.s.registry.get(event)
        if contract is None:
            self.violate("contract-valid-outputs", f"{handler} published unknown event "
                         f"{event!r}", ctx.id, ctx.group)
            return
        number = version or (contract.latest_active() or contract.latest).number
        text = canonical(payload)
        if not self.validators.is_valid(event, number, payload, text):
            self.violate("contract-valid-outputs", f"{handler} published an invalid {event} "
                         f"v{number}: {self.validators.why(event, number, payload)}",
                         ctx.id, ctx.group)
            return
        if contract.envelope == "cloudevents" and contract.producers and \
                ctx.service not in contract.producers:
            self.violate("contract-valid-outputs", f"{handler} published {event} as source "
                         f"{ctx.service!r}, which is not one of its producers "
                         f"({', '.join(contract.producers)})", ctx.id, ctx.group)
            return
        if not self.publish_outputs:
            return
        if key is None and contract.key and isinstance(payload, dict):
            found = payload.get(contract.key)
            key = found if isinstance(found, str) else None
        topic = topic_of(contract)
        self._topic(topic)
        self.follow_ups += 1
        self._publish(ident, event, number, key, topic, text, True, ctx.service)

    def _handle(self, c: ConsumerSpec, topic: str, members: list[Consumer], index: int,
                d: Delivery) -> bool:
        """Run the handler on one delivery; False when the member crashed."""
        meta = self.records[(topic, d.partition, d.offset)]
        if meta.event not in c.events:
            d.ack()  # not addressed to this service: a real consumer skips it
            return True
        if not meta.valid:
            why = self.validators.why(meta.event, meta.version,
                                      self.validators.payload(meta.event, d.value, d.headers))
            d.reject(error=f"schema: {why}")
            return True
        group = c.group
        handled = self.handled[group]
        first = meta.id not in handled
        ctx = Context(meta.event, meta.version, meta.key, d.attempt, meta.id, c.service, group,
                      self.states[group], self)
        try:
            payload = self.validators.decode(meta.event, meta.version, d.value, c.as_class,
                                             d.headers, c.as_envelope)
        except CloudEventError as exc:  # the envelope is wrong, whatever its data
            d.reject(error=f"cloudevents: {exc}")
            return True
        try:
            c.handler(payload, ctx)
        except Exception as exc:  # the handler's bug is the finding, not ours
            error = f"{type(exc).__name__}: {exc}"
            if (group, meta.id) not in self._raised:
                self._raised.add((group, meta.id))
                self.violate("valid-accepted", f"{c.handler_name} raised {error} on a valid "
                             f"{meta.event} v{meta.version} (key {meta.key!r})", meta.id, group)
            with contextlib.suppress(BrokerError):
                d.nack(delay_ms=c.retry_delay_ms, error=error)
            return True
        if first:
            handled.add(meta.id)
            if meta.key is not None:
                last = self._last[group]
                slot = (topic, meta.key)
                before = last.get(slot, 0)
                if meta.seq < before:
                    self.violate("per-key-order", f"{group} handled {meta.id} after a later "
                                 f"event of key {meta.key!r} on {topic}", meta.id, group)
                else:
                    last[slot] = meta.seq
            if self.faults.crash(meta.id, group):
                members[index].crash()
                members[index] = self._join(c, topic)
                return False
            delay = self.faults.delay(meta.id, group)
            if delay:
                self._n += 1
                heapq.heappush(self._acks, (self.broker.now + delay, self._n, d))
                return True
        # Timed out or revoked meanwhile: the broker redelivers it.
        with contextlib.suppress(BrokerError):
            d.ack()
            self._note_latency(d)
        return True

    def _poll_all(self) -> int:
        polled = 0
        for c, topic, members in self.members:
            for i in range(len(members)):
                batch = members[i].poll(500)
                polled += len(batch)
                for d in batch:
                    if not self._handle(c, topic, members, i, d):
                        break
        return polled

    def _due_acks(self) -> None:
        now = self.broker.now
        while self._acks and self._acks[0][0] <= now:
            _, _, d = heapq.heappop(self._acks)
            # Too late (ack timeout) or its member crashed: the broker redelivers it.
            with contextlib.suppress(BrokerError):
                d.ack()
                self._note_latency(d)

    def _note_latency(self, d: Delivery) -> None:
        """Publish-to-ack time of a handled record, bucketed per virtual second (plots)."""
        now = self.broker.now
        bucket = self.latency_series.setdefault(now // 1000, {})
        ms = now - d.timestamp
        bucket[ms] = bucket.get(ms, 0) + 1

    def _sample_lag(self, record: bool = False) -> bool:
        """Record lag per group; True when every group has settled everything."""
        metrics = self.broker.metrics()
        settled = True
        lags: dict[str, int] = {}
        for p in metrics.partitions:
            if p.group in self.max_lag:
                lags[p.group] = lags.get(p.group, 0) + p.lag
                settled = settled and p.lag == 0 and p.in_flight == 0
        for group, lag in lags.items():
            self.max_lag[group] = max(self.max_lag[group], lag)
        if record:
            self.lag_series.append((metrics.now, dict(sorted(lags.items()))))
        return settled

    def run(self) -> Outcome:
        step = self.s.step_ms
        broker, events = self.broker, self.events
        i, n = 0, len(events)
        last_at = events[-1].at if events else 0
        drain = (self.s.faults.ack_timeout_ms + self.s.faults.delay_max_ms + 1_000) * (
            max((c.max_deliveries for c in self.s.consumers), default=1) + 1)
        deadline = last_at + drain
        next_sample = LAG_SAMPLE_MS
        drained = False
        while True:
            now = broker.now
            while i < n and events[i].at <= now:
                e = events[i]
                # The check a consumer's deserializer makes; it decides valid-accepted
                # and invalid-dead-lettered, whatever the generator meant the event to be.
                text = canonical(e.payload)
                valid = self.validators.is_valid_keyed(e.event, e.version, e.payload, text,
                                                       self._key_field(e.event))
                self._publish(e.id, e.event, e.version, e.key, e.topic, text, valid)
                if self.faults.duplicate(e.id):
                    self._publish(e.id, e.event, e.version, e.key, e.topic, text, valid)
                i += 1
                if self.progress is not None and i % 1000 == 0:
                    self.progress(1000)
            self._due_acks()
            polled = self._poll_all()
            if now >= next_sample:
                next_sample = now + LAG_SAMPLE_MS
                self._sample_lag(record=True)
            if i >= n and not polled and not self._acks and self._sample_lag():
                drained = True
                break
            if now > deadline:
                break
            target = now + step
            if not polled and i < n and not self._acks and events[i].at > target:
                target = events[i].at  # nothing to do until the next event: jump
            broker.advance(target - now)
        if self.progress is not None:
            self.progress(i % 1000)
        return Outcome(broker, events, self.violations, self.states, self.handled,
                       self.s.consumers, self.records, list(self.faults.injected), drained,
                       self.max_lag, self._seq, self.follow_ups, self.lag_series,
                       self.latency_series)
