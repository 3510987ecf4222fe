"""The loop: publish, poll, handle, settle, advance time.

On the embedded broker nothing here reads the wall clock or global randomness: the
broker's seed, the event list and the fault schedule decide everything, so one run can be
replayed exactly. On a real engine (`live.LiveTarget`) the same loop runs in real time:
events go out when their time comes, faults are the same schedule, and redelivery is the
engine's own (AckWait, XAUTOCLAIM).
"""

from __future__ import annotations

import gc
import heapq
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from accord.broker import (
    BrokerMetrics,
    DeadLetter,
    Delivery,
    EmbeddedBroker,
    PartitionOfflineError,
    PublishResult,
)
from accord.broker.adapters import AdapterError, PartialPublish
from accord.broker.errors import BrokerError
from accord.broker.protocol import Broker, Message, Subscription
from accord.interop.cloudevents import CloudEventError
from accord.sim.broker_faults import BrokerFaults
from accord.sim.context import Context, State
from accord.sim.envelopes import encode
from accord.sim.faults import Faults
from accord.sim.generators import SimEvent
from accord.sim.handler_errors import HandlerErrors
from accord.sim.lifecycles import Lifecycles
from accord.sim.live import LiveTarget, LogEntry
from accord.sim.scenario import ConsumerSpec, Scenario, topic_of
from accord.sim.validation import Validators, canonical

DEFAULT_PARTITIONS = 4
LAG_SAMPLE_MS = 1_000
MAX_VIOLATIONS_PER_KIND = 20
LIVE_IDLE_S = 0.01
"""On a real engine, a loop that found nothing to do sleeps this long before the next."""
DEAD_LETTER_WAIT_S = 10.0
"""How long a settled engine run waits for dead letters it knows are coming (NATS copies
them when the MAX_DELIVERIES advisory arrives, which may lag the consumer's state)."""


@dataclass(frozen=True, slots=True)
class Violation:
    """A broken invariant or SLO: which, what happened, and on which event and group."""

    invariant: str
    message: str
    event: str | None = None
    group: str | None = None
    detail: str | None = None
    """More than a line can say: a handler error's traceback (the user's frames)."""

    def to_json(self) -> dict[str, Any]:
        out = {"invariant": self.invariant, "message": self.message, "event": self.event,
               "group": self.group}
        if self.detail is not None:
            out["traceback"] = self.detail
        return out


@dataclass(slots=True)
class Meta:
    """What the simulator knows of one published record."""

    id: str
    event: str
    version: int
    key: str | None
    valid: bool
    seq: int
    flow: int = -1
    step: int = -1
    terminal: bool = False
    born: int = -1
    """When the producer made it (broker time): later than its offset's time when it
    waited for a partition's leader; latency counts from here."""


Lifecycle = tuple[int, int, bool]
"""A flow event's (flow, step, terminal), or NO_FLOW."""
NO_FLOW: Lifecycle = (-1, -1, False)


@dataclass
class Outcome:
    """Everything one run observed; invariants and the report read it.

    ``broker`` is the embedded broker, or the engine adapter of a live run (closed by the
    time the run's report is out). ``engine`` is ``embedded`` or the engine's URL.
    """

    broker: Broker
    events: list[SimEvent]
    """The producers' events, when the run kept them (a given list, or ``keep_log``)."""
    violations: list[Violation]
    states: dict[str, State]
    handled: dict[str, int]
    """How many events each group handled (each once, however often delivered)."""
    consumers: tuple[ConsumerSpec, ...]
    records: dict[tuple[str, int, int], Meta]
    """The records still in the log: every record with ``keep_log``, else those some group
    has not settled yet."""
    injected: list[Any]
    drained: bool
    max_lag: dict[str, int] = field(default_factory=dict)
    published: int = 0
    follow_ups: int = 0
    lag_series: list[tuple[int, dict[str, int]]] = field(default_factory=list)
    latency_series: dict[int, dict[int, int]] = field(default_factory=dict)
    dead_letters: dict[str, list[DeadLetter]] = field(default_factory=dict)
    final: BrokerMetrics | None = None
    log: Callable[[str], list[LogEntry]] | None = None
    engine: str = "embedded"
    unchecked: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    sent: int | None = None  # events published; fewer than ``events`` when a run stopped
    pending: dict[str, set[str]] = field(default_factory=dict)
    """Per group: ids of events published for it and neither handled nor dead-lettered."""
    dead: dict[str, list[str]] = field(default_factory=dict)
    """Per group: ids of the records it dead-lettered, in order (as many as the DLQ holds)."""
    dead_valid: dict[str, list[str]] = field(default_factory=dict)
    """Per group: ids of schema-valid events it dead-lettered (the first few)."""
    pending_invalid: dict[str, list[str]] = field(default_factory=dict)
    """Per group: ids of invalid events neither handled nor dead-lettered."""
    replayed: dict[str, State] | None = None
    """Per replayed group: its state rebuilt by folding its handler over the log as it was
    written (streamed on the embedded broker; ``None``: read the log back afterwards)."""
    fault_counts: dict[str, int] = field(default_factory=dict)
    dead_valid_count: dict[str, int] = field(default_factory=dict)
    replay_cpu: float = 0.0
    """CPU seconds the streamed replay of replay-equals-live took within the run."""


def embedded_log(broker: EmbeddedBroker) -> Callable[[str], list[LogEntry]]:
    def read(topic: str) -> list[LogEntry]:
        return [LogEntry(partition, r.offset, r.value, r.headers)
                for partition in range(broker.topic_config(topic).partitions)
                for r in broker.records(topic, partition)]

    return read


def _reject(d: Message, error: str) -> None:
    """Dead-letter now where the broker can (embedded); a real engine's own path otherwise.

    Neither engine can dead-letter on demand, so an invalid record is nacked until its
    max deliveries run out and the engine's max-deliveries path takes it (advisory or
    XAUTOCLAIM).
    """
    if isinstance(d, Delivery):
        d.reject(error=error)
    else:
        d.nack(0, error)


def replayed(c: ConsumerSpec) -> bool:
    """Whether ``replay-equals-live`` rebuilds this group's state from the log."""
    return c.event_sourced or c.handler_name == "model:projection"


def replay(c: ConsumerSpec, meta: Meta, value: bytes, headers: Any, state: State,
           validators: Validators) -> None:
    """Apply one record of the log to a rebuilt state, as a replay from offset 0 would."""
    ctx = Context(meta.event, meta.version, meta.key, 1, meta.id, c.service, c.group, state,
                  None)
    try:
        payload = validators.parsed(meta.event, value) if c.reads_only else None
        if payload is None:
            payload = validators.decode(meta.event, meta.version, value, c.as_class, headers,
                                        c.as_envelope)
        c.handler(payload, ctx)
    except Exception:  # valid-accepted reports handler errors
        return


class Engine:
    """One run of a scenario over the producers' events and a fault source."""

    def __init__(self, scenario: Scenario, events: Iterable[SimEvent], faults: Faults,
                 validators: Validators, *, publish_outputs: bool = True,
                 progress: Callable[[int], None] | None = None,
                 target: LiveTarget | None = None, keep_log: bool = False) -> None:
        self.s = scenario
        self.events = events
        # Summaries, not every record: on the embedded broker the log is released as the
        # groups commit, unless asked to keep it (user invariants may read it).
        lossy = bool(scenario.faults.lost_writes[0])
        self.keep_log = keep_log or target is not None or bool(scenario.user_invariants) \
            or lossy  # with lost writes, the replay reads the log as it ends up
        self.kept: list[SimEvent] = events if isinstance(events, list) else []
        self.faults = faults
        self.validators = validators
        self.progress = progress
        self.publish_outputs = publish_outputs
        self.target = target
        self.embedded: EmbeddedBroker | None = None
        self.broker: Broker
        if target is None:
            self.broker = self.embedded = EmbeddedBroker(seed=scenario.seed)
        else:
            self.broker = target.broker
        self._created: set[str] = set()
        self._t0 = self.broker.now
        self._check_order = target is None or "per-key-order" not in target.unchecked(
            ["per-key-order"])
        self.records: dict[tuple[str, int, int], Meta] = {}
        self.violations: list[Violation] = []
        self._counts: dict[str, int] = {}
        self.states = {c.group: State() for c in scenario.consumers}
        self.handled: dict[str, int] = {c.group: 0 for c in scenario.consumers}
        self.pending: dict[str, set[str]] = {c.group: set() for c in scenario.consumers}
        self.dead: dict[str, list[str]] = {c.group: [] for c in scenario.consumers}
        self.dead_valid: dict[str, list[str]] = {c.group: [] for c in scenario.consumers}
        self.dead_valid_count: dict[str, int] = {c.group: 0 for c in scenario.consumers}
        self._absorbed: dict[str, int] = {}
        # Which groups a record of (topic, event) is for; filled as records are published.
        self._audience: dict[tuple[str, str], tuple[ConsumerSpec, ...]] = {}
        self.replays: dict[str, State] | None = None
        self.replay_cpu = 0.0  # CPU seconds spent rebuilding replayed states
        if target is None and "replay-equals-live" in scenario.invariants and not lossy:
            self.replays = {c.group: State() for c in scenario.consumers if replayed(c)}
        self._last: dict[str, dict[tuple[str, str], int]] = {c.group: {}
                                                              for c in scenario.consumers}
        self.handler_errors = HandlerErrors()
        self._busy_until: int | None = None
        self._acks: list[tuple[int, int, Message]] = []
        self._n = 0
        self._seq = 0
        self.follow_ups = 0
        self._follow_up_topics: set[str] = set()  # topics handlers published follow-ups to
        self.drained = False
        self.sent = 0
        self._dead_expected = 0
        # Per topic: (value, key, headers, meta, first): ``first`` is False for a duplicate.
        self._outbox: dict[str, list[tuple[object, str | None, Any,
                                           tuple[str, str, int, str | None, bool], bool]]] = {}
        self._key_fields: dict[str, str | None] = {}
        # CloudEvents: who sends each produced event, and in which content mode.
        self._senders: dict[str, tuple[str, str]] = {}
        for p in scenario.producers:
            self._senders.setdefault(p.event, (p.service, p.mode))
        self.lag_series: list[tuple[int, dict[str, int]]] = []
        self.latency_series: dict[int, dict[int, int]] = {}
        self._second = -1  # the second of the run of the last ack noted, and its bucket
        self._bucket: dict[int, int] = {}
        self._handler_names = {c.group: c.handler_name for c in scenario.consumers}
        for f in scenario.flows:
            for step in f.steps.values():
                self._senders.setdefault(step.event, (step.service, "structured"))
        self.lifecycles = Lifecycles([c.group for c in scenario.consumers],
                                     "causal-order" in scenario.invariants and bool(scenario.flows),
                                     "terminal-last" in scenario.invariants
                                     and bool(scenario.flows), self.violate)
        self.broker_faults = BrokerFaults(scenario.faults, faults, self.embedded) \
            if self.embedded is not None and scenario.faults.broker_side else None
        self.max_lag: dict[str, int] = {c.group: 0 for c in scenario.consumers}
        topics = set(scenario.partitions) | {e.topic for e in self.kept}
        for name in scenario.produced:
            contract = scenario.registry.get(name)
            if contract is not None:
                topics.add(topic_of(contract))
        for c in scenario.consumers:
            topics.update(c.topics)
        for name in sorted(topics):
            self._topic(name)
        self.members: list[tuple[ConsumerSpec, str, list[Subscription]]] = []
        for c in scenario.consumers:
            for topic in c.topics:
                self.members.append((c, topic, [self._join(c, topic)
                                                 for _ in range(c.instances)]))
        if target is not None:
            target.broker.ready()  # every member in its group before the first event

    def _key_field(self, event: str) -> str | None:
        field_ = self._key_fields.get(event, "")
        if field_ == "":
            contract = self.s.registry.get(event)
            field_ = self._key_fields[event] = contract.key if contract else None
        return field_

    @property
    def now(self) -> int:
        """Ms since the run began: virtual on the embedded broker, real on an engine."""
        return self.broker.now - self._t0

    def _name(self, topic: str) -> str:
        return topic if self.target is None else self.target.name(topic)

    def _topic(self, name: str) -> None:
        if name in self._created:
            return
        self._created.add(name)
        if self.target is not None:
            self.target.create(name)
        else:
            self.broker.create_topic(name, self.s.partitions.get(name, DEFAULT_PARTITIONS))

    def _join(self, c: ConsumerSpec, topic: str) -> Subscription:
        if self.embedded is None:
            return self.broker.subscribe(self._name(topic), c.group,
                                         max_deliveries=c.max_deliveries,
                                         ack_timeout_ms=self.s.faults.ack_timeout_ms,
                                         max_in_flight=500)
        return self.embedded.subscribe(topic, c.group, max_deliveries=c.max_deliveries,
                                       ack_timeout_ms=self.s.faults.ack_timeout_ms,
                                       max_in_flight=500, mode=c.mode)  # type: ignore[arg-type]

    def violate(self, invariant: str, message: str, event: str | None = None,
                group: str | None = None, detail: str | None = None) -> None:
        n = self._counts.get(invariant, 0)
        self._counts[invariant] = n + 1
        if n < MAX_VIOLATIONS_PER_KIND:
            self.violations.append(Violation(invariant, message, event, group, detail))

    def _publish(self, ident: str, event: str, version: int, key: str | None, topic: str,
                 text: str, valid: bool, source: str | None = None, *,
                 defer: bool = False, first: bool = True, life: Lifecycle = NO_FLOW,
                 payload: Any = None) -> None:
        """Publish one record; ``defer`` (an engine's producer events) queues it for
        `_flush`, which publishes the queue with the engine's acks awaited together.
        ``payload``, when given, is what ``text`` encodes, and is never changed after: the
        built-in models read it instead of parsing the record again."""
        # Published as bytes: the text is already canonical JSON (and the memo's key), so
        # the broker need not encode it again. Handlers get it decoded afresh, per delivery.
        value, headers = text.encode(), None
        contract = self.validators.enveloped(event)
        if contract is not None:
            # A producer's events go as the scenario says it sends them; follow-ups from
            # handlers (`source` given) in structured mode.
            fallback = contract.producers[0] if contract.producers else str(contract.owner)
            sender, mode = (source, "structured") if source is not None else self._senders.get(
                event, (fallback, "structured"))
            value, headers = encode(contract, version, ident, text, sender, mode)
        elif payload is not None:
            self.validators.share(value, payload)
        meta = (ident, event, version, key, valid)
        if first:
            self._expect(meta, topic, value, headers)
        if defer and self.target is not None:
            self._outbox.setdefault(topic, []).append((value, key, headers, meta, first))
            return
        self._send(topic, value, key, headers, meta, life, self.broker.now)

    def _send(self, topic: str, value: bytes, key: str | None, headers: Any,
              meta: tuple[str, str, int, str | None, bool], life: Lifecycle,
              born: int) -> None:
        """One publish; to a partition without a leader, held by the producer and sent
        again (in order) when it is back."""
        try:
            result = self.broker.publish(topic if self.target is None else self.target.name(topic),
                                         value, key=key, headers=headers)
        except PartitionOfflineError as exc:
            assert self.broker_faults is not None
            self.broker_faults.hold(exc.until, lambda: self._send(topic, value, key, headers,
                                                                   meta, life, born))
            return
        self._note(topic, result, meta, life, born)

    def _retry_later(self, ident: str, event: str, version: int, key: str | None, topic: str,
                     text: str, valid: bool, source: str | None, life: Lifecycle) -> None:
        """``producer_retry``: the publish's ack timed out, so the producer sends the same
        event again later (after the events that followed it, for all it knows)."""
        if self.broker_faults is None:
            return
        ms = self.faults.timed("producer-retry", self.s.faults.producer_retry, ident)
        if ms:
            self.broker_faults.hold(self.broker.now + ms, lambda: self._publish(
                ident, event, version, key, topic, text, valid, source, first=False,
                life=life))

    def _expect(self, meta: tuple[str, str, int, str | None, bool], topic: str,
                value: bytes, headers: Any) -> None:
        """Note a first publish as pending for each group it is for, and fold it into the
        replayed state of the groups whose log replay is checked (the log as written)."""
        ident, event, version, key, valid = meta
        audience = self._audience.get((topic, event))
        if audience is None:
            audience = self._audience[(topic, event)] = tuple(
                c for c in self.s.consumers if topic in c.topics and event in c.events)
        replays = self.replays
        for c in audience:
            self.pending[c.group].add(ident)
            if valid and replays is not None and c.group in replays:
                started = time.process_time()
                replay(c, Meta(ident, event, version, key, valid, 0), value, headers,
                       replays[c.group], self.validators)
                self.replay_cpu += time.process_time() - started

    def _note(self, topic: str, result: PublishResult,
              meta: tuple[str, str, int, str | None, bool], life: Lifecycle = NO_FLOW,
              born: int = -1) -> None:
        self._seq += 1
        self.records[(topic, result.partition, result.offset)] = Meta(
            *meta, self._seq, *life, result.timestamp if born < 0 else born)

    def _flush(self) -> None:
        if not self._outbox:
            return
        assert self.target is not None
        outbox, self._outbox = self._outbox, {}
        broker = self.target.broker
        for topic, items in outbox.items():
            batch = [(value, key, headers) for value, key, headers, _, _ in items]
            try:
                results = dict(enumerate(broker.publish_many(self._name(topic), batch)))
            except PartialPublish as exc:
                self._noted(topic, items, exc.results)  # what did go out still counts
                raise
            self._noted(topic, items, results)

    def _noted(self, topic: str, items: list[tuple[object, str | None, Any,
                                                   tuple[str, str, int, str | None, bool],
                                                   bool]],
               results: dict[int, PublishResult]) -> None:
        for i, result in sorted(results.items()):
            _, _, _, meta, first = items[i]
            self._note(topic, result, meta)
            self.sent += first

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
        if not self.validators.is_valid_fields(event, number, payload, text):
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
        self._follow_up_topics.add(topic)
        self._publish(ident, event, number, key, topic, text, True, ctx.service)
        if self.faults.duplicate(ident):  # the handler's service retried its publish
            self._publish(ident, event, number, key, topic, text, True, ctx.service,
                          first=False)
        self._retry_later(ident, event, number, key, topic, text, True, ctx.service, NO_FLOW)

    def _handle(self, c: ConsumerSpec, topic: str, members: list[Subscription], index: int,
                d: Message, meta: Meta) -> bool:
        """Run the handler on one delivery of an event it takes; False when the member
        crashed."""
        event = meta.event
        validators = self.validators
        if not meta.valid:
            why = validators.why(event, meta.version,
                                 validators.payload(event, d.value, d.headers))
            self._last_attempt(c, d)
            _reject(d, f"schema: {why}")
            return True
        group = c.group
        ident = meta.id
        pending = self.pending[group]
        first = ident in pending
        ctx = Context(event, meta.version, meta.key, d.attempt, ident, c.service, group,
                      self.states[group], self)
        try:
            payload = validators.parsed(event, d.value) if c.reads_only else None
            if payload is None:
                payload = validators.decode(event, meta.version, d.value, c.as_class,
                                            d.headers, c.as_envelope)
        except CloudEventError as exc:  # the envelope is wrong, whatever its data
            self._last_attempt(c, d)
            _reject(d, f"cloudevents: {exc}")
            return True
        try:
            c.handler(payload, ctx)
        except Exception as exc:  # the handler's bug is the finding, not ours
            error = f"{type(exc).__name__}: {exc}"
            self.handler_errors.note(group, c.handler_name, exc,
                                     f"{event} v{meta.version}", ident, meta.key,
                                     d.attempt)
            try:
                self._last_attempt(c, d)
                d.nack(delay_ms=c.retry_delay_ms, error=error)
            except BrokerError:
                pass
            return True
        if first:
            pending.discard(ident)
            self.handled[group] += 1
            key = meta.key
            if meta.flow >= 0 and key is not None and self.lifecycles.active:
                self.lifecycles.handled(group, meta.flow, key, meta.step, meta.terminal,
                                        event, ident, self.now)
            if key is not None and self._check_order:
                last = self._last[group]
                slot = (topic, key)
                if meta.seq < last.get(slot, 0):
                    self.violate("per-key-order", f"{group} handled {ident} after a later "
                                 f"event of key {key!r} on {topic}", ident, group)
                else:
                    last[slot] = meta.seq
            delay = self.faults.after_handling(ident, group)
            if delay < 0:  # crashed
                self._last_attempt(c, d)  # never acked: past its last attempt, a dead letter
                members[index].crash()
                members[index] = self._join(c, topic)
                return False
            if self._busy_until:  # a slow member: its acks come when it is done
                delay = max(delay, self._busy_until - self.now)
            if delay >= self.s.faults.ack_timeout_ms:
                self._last_attempt(c, d)  # the ack comes too late: as good as none
            if delay:
                self._n += 1
                heapq.heappush(self._acks, (self.now + delay, self._n, d))
                return True
        # Timed out or revoked meanwhile: the broker redelivers it.
        try:
            d.ack()
        except BrokerError:
            return True
        self._note_latency(d, meta)
        return True

    def _busy(self, m: int, i: int) -> int | None:
        """A slow member takes one batch and acks it only when done, polling nothing
        meanwhile; its group drops it past the ack timeout (its records go to the others)
        and it joins again when it is done."""
        assert self.broker_faults is not None
        c, topic, members = self.members[m]

        def kick() -> None:
            members[i].crash()

        def rejoin() -> None:
            members[i] = self._join(c, topic)

        return self.broker_faults.busy(m, i, self.now, kick, rejoin)

    def _last_attempt(self, c: ConsumerSpec, d: Message) -> None:
        """Count a give-up on a final attempt: an engine will dead-letter that record."""
        if d.attempt >= c.max_deliveries:
            self._dead_expected += 1

    def _poll_all(self) -> int:
        polled = 0
        bf = self.broker_faults
        slow = bf is not None and bf.slow
        handle, records, note_latency = self._handle, self.records, self._note_latency
        for m, (c, topic, members) in enumerate(self.members):
            for i in range(len(members)):
                busy = self._busy_until = self._busy(m, i) if slow else None
                if busy == 0:
                    continue
                batch = members[i].poll(500)
                if not batch:
                    if busy:  # nothing taken: not slow with it yet
                        assert bf is not None
                        bf.slow[(m, i)].took = False
                    continue
                polled += len(batch)
                events = c.events
                for d in batch:
                    meta = records[(topic, d.partition, d.offset)]
                    if meta.event not in events:
                        d.ack()  # not addressed to this service: a real consumer skips it
                        note_latency(d, meta)
                    elif not handle(c, topic, members, i, d, meta):
                        break
        return polled

    def _due_acks(self) -> None:
        now = self.now
        while self._acks and self._acks[0][0] <= now:
            _, _, d = heapq.heappop(self._acks)
            # Too late (ack timeout) or its member crashed: the broker redelivers it.
            try:
                d.ack()
            except BrokerError:
                continue
            self._note_latency(d, self.records.get((d.topic, d.partition, d.offset)))

    def _note_latency(self, d: Message, meta: Meta | None) -> None:
        """Produce-to-ack time of a settled record, bucketed per second of the run (plots):
        from when the producer made it (which may be before its partition had a leader
        to take it), else from its publish."""
        now = self.broker.now
        second = (now - self._t0) // 1000
        if second != self._second:
            self._second = second
            self._bucket = self.latency_series.setdefault(second, {})
        bucket = self._bucket
        born = meta.born if meta is not None and meta.born >= 0 else d.timestamp
        ms = now - born if now > born else 0  # an engine's clock may be a ms ahead of ours
        bucket[ms] = bucket.get(ms, 0) + 1

    def _metrics(self) -> BrokerMetrics:
        if self.target is not None:
            return self.target.metrics(self.now)
        return self.broker.metrics()

    def _lags(self) -> tuple[int, dict[str, tuple[int, bool]]]:
        """(broker time, per group: its lag and whether it settled everything)."""
        if self.embedded is not None:
            return self.embedded.now, self.embedded.lags()
        metrics = self._metrics()
        lags: dict[str, tuple[int, bool]] = {}
        for p in metrics.partitions:
            lag, settled = lags.get(p.group, (0, True))
            lags[p.group] = (lag + p.lag, settled and p.lag == 0 and p.in_flight == 0)
        return metrics.now, lags

    def _sample_lag(self, record: bool = False) -> bool:
        """Record lag per group; True when every group has settled everything."""
        now, found = self._lags()
        settled = True
        lags: dict[str, int] = {}
        for group, (lag, done) in found.items():
            if group in self.max_lag:
                lags[group] = lag
                settled = settled and done
                self.max_lag[group] = max(self.max_lag[group], lag)
        if record:
            self.lag_series.append((now, dict(sorted(lags.items()))))
        return settled

    def run(self) -> Outcome:
        """Run to the end; on an engine, a dropped link ends the run with what was seen."""
        # What exists before the run (the registry, the compiled validators, the pools, the
        # handlers' modules) outlives it: frozen, the collector's passes skip it. Not when
        # the process has frozen objects of its own: thawing would thaw those too.
        freeze = gc.get_freeze_count() == 0
        if freeze:
            gc.freeze()
        try:
            return self._run()
        finally:
            if freeze:
                gc.unfreeze()

    def _run(self) -> Outcome:
        error = None
        try:
            published = self._loop()
        except AdapterError as exc:
            if self.target is None:
                raise
            error, published = str(exc), -1
        except KeyboardInterrupt:
            if self.target is None:  # virtual time: a run is seconds; nothing to keep
                raise
            error, published = "interrupted (Ctrl-C)", -1
        if self.progress is not None and published >= 0:
            self.progress(published % self._progress_every)
        return self._outcome(error)

    @property
    def _progress_every(self) -> int:
        return 1000 if self.target is None else 10

    def _loop(self) -> int:
        """Publish, poll and settle until drained or out of time; events published."""
        step, every = self.s.step_ms, self._progress_every
        self._t0 = self.broker.now  # on an engine, setting up took real time
        events = iter(self.events)
        keep = self.keep_log and not isinstance(self.events, list)
        upcoming = next(events, None)
        i, last_at = 0, 0
        f = self.s.faults
        drain = (f.ack_timeout_ms + f.delay_max_ms + 1_000) * (
            max((c.max_deliveries for c in self.s.consumers), default=1) + 1) + max(
            f.leader_loss[1], f.slow_consumer[1], f.producer_retry[1])
        next_sample = LAG_SAMPLE_MS
        bf = self.broker_faults
        while True:
            now = self.now
            if bf is not None and bf.held:
                bf.release()  # before new records: a producer keeps its order
            while upcoming is not None and upcoming.at <= now:
                e = upcoming
                if keep:
                    self.kept.append(e)
                # The check a consumer's deserializer makes; it decides valid-accepted
                # and invalid-dead-lettered, whatever the generator meant the event to be.
                text = e.text if e.text is not None else canonical(e.payload)
                valid = self.validators.is_valid_keyed(e.event, e.version, e.payload, text,
                                                       self._key_field(e.event))
                life = (e.flow, e.step, e.terminal) if e.flow >= 0 else NO_FLOW
                self._publish(e.id, e.event, e.version, e.key, e.topic, text, valid,
                              defer=True, life=life, payload=e.payload if valid else None)
                if self.faults.duplicate(e.id):
                    self._publish(e.id, e.event, e.version, e.key, e.topic, text, valid,
                                  defer=True, first=False, life=life)
                self._retry_later(e.id, e.event, e.version, e.key, e.topic, text, valid, None,
                                  life)
                i += 1
                last_at = e.at
                if self.progress is not None and i % every == 0:
                    self.progress(every)
                upcoming = next(events, None)
            if self.target is None:
                self.sent = i
            else:
                self._flush()  # counts what went out in ``sent``
            self._due_acks()
            polled = self._poll_all()
            if now >= next_sample:
                next_sample = now + LAG_SAMPLE_MS
                self._sample_lag(record=True)
                self._release()
                if self.lifecycles.active:
                    self.lifecycles.forget_before(now - drain)
                if bf is not None and upcoming is not None:
                    bf.strike(now, {t: self.embedded.topic_config(t).partitions  # type: ignore[union-attr]
                                    for t in self._created}, self.members)
            if upcoming is None and not polled and not self._acks and self._sample_lag() \
                    and self._settled() and not (bf is not None and (bf.held or bf.slow)):
                self.drained = True
                return i
            if upcoming is None and now > last_at + drain:
                return i
            if self.embedded is not None:
                target = now + step
                if not polled and upcoming is not None and not self._acks and not (
                        bf is not None and (bf.held or bf.slow)) \
                        and upcoming.at > target:
                    target = upcoming.at  # nothing to do until the next event: jump
                self.embedded.advance(target - now)
            elif not polled:
                time.sleep(LIVE_IDLE_S)

    def _release(self) -> None:
        """On the embedded broker, without ``keep_log``: note new dead letters (they need
        the records' meta), then drop what every group has committed, log and meta alike,
        so memory follows what is in flight, not the length of the run."""
        if self.embedded is None:
            return
        for topic in sorted(self._created):
            self._absorb(topic, self.embedded.dead_letters(topic, self._absorbed.get(topic, 0)))
            if self.keep_log:
                continue
            records = self.records
            for partition, first, upto in self.embedded.release_consumed(topic):
                for offset in range(first, upto):
                    records.pop((topic, partition, offset), None)

    def _absorb(self, topic: str, letters: list[DeadLetter]) -> None:
        """Settle dead-lettered records: no longer pending for their group."""
        self._absorbed[topic] = self._absorbed.get(topic, 0) + len(letters)
        for dl in letters:
            meta = self.records.get((topic, dl.partition, dl.offset))
            if meta is None or dl.group not in self.pending:
                continue
            self.pending[dl.group].discard(meta.id)
            self.dead[dl.group].append(meta.id)
            if meta.valid:
                self.dead_valid_count[dl.group] += 1
                if len(self.dead_valid[dl.group]) < MAX_VIOLATIONS_PER_KIND:
                    self.dead_valid[dl.group].append(meta.id)

    def _settled(self) -> bool:
        """On an engine, dead letters may land after the lag drops to 0 (NATS copies each
        when the MAX_DELIVERIES advisory arrives): settled once every record given up on a
        final attempt is in the dead letters (waiting up to DEAD_LETTER_WAIT_S), and a
        last poll finds nothing."""
        if self.target is None:
            return True
        deadline = time.monotonic() + DEAD_LETTER_WAIT_S
        while self._dead_count() < self._dead_expected and time.monotonic() < deadline:
            time.sleep(0.05)
        return not self._poll_all() and self._sample_lag()

    def _dead_count(self) -> int:
        assert self.target is not None
        return sum(len(self.target.dead_letters(t)) for t in self._created)

    def _interleaved(self) -> dict[str, str]:
        """On a real engine, the groups `idempotent` cannot compare: their topics carry
        other services' follow-ups, which reach them in real time, so their order against
        the producers' events is not the order of the run without faults (on the embedded
        broker, in virtual time) they are compared with. Keyed `idempotent: <group>`."""
        return {f"idempotent: {c.group}": (
            f"on a real engine, follow-ups published to {', '.join(sorted(shared))} reach "
            "it in real time, in another order than in the run without faults it is "
            "compared with; checked on the embedded broker")
            for c in self.s.consumers
            if (shared := set(c.topics) & self._follow_up_topics)}

    def _outcome(self, error: str | None) -> Outcome:
        if self.target is None:
            assert self.embedded is not None
            self._release()
            final = self.embedded.metrics()
            dead = {t: self.embedded.dead_letters(t) for t in sorted(self._created)}
            log, engine = embedded_log(self.embedded), "embedded"
            unchecked: dict[str, str] = {}
            if not self.s.flows:
                unchecked = {name: "the scenario has no flows (entity lifecycles)"
                             for name in ("causal-order", "terminal-last")
                             if name in self.s.invariants}
        else:
            dead = {}
            if error is None:
                try:
                    dead = {t: self.target.dead_letters(t) for t in sorted(self._created)}
                except AdapterError as exc:
                    error = str(exc)
            for topic, letters in dead.items():
                self._absorb(topic, letters)
            final = self.target.metrics(self.now, last_known=True)
            log, engine = self.target.read_log, self.target.url
            unchecked = self.target.unchecked(self.s.invariants)
            if "idempotent" in self.s.invariants and "idempotent" not in unchecked:
                unchecked.update(self._interleaved())
        for found, message in self.handler_errors.messages():
            self.violate("valid-accepted", message, found.ident, found.group, found.traceback)
        records = self.records
        bad = {m.id for m in records.values() if not m.valid}  # unsettled ones are still here
        invalid = {group: sorted(ids & bad) for group, ids in self.pending.items()}
        return Outcome(self.broker, self.kept, self.violations, self.states, self.handled,
                       self.s.consumers, records, list(self.faults.injected),
                       self.drained, self.max_lag, self._seq, self.follow_ups, self.lag_series,
                       self.latency_series, dead, final, log, engine, unchecked, error,
                       self.sent, self.pending, self.dead, self.dead_valid, invalid,
                       self.replays, dict(self.faults.counts),
                       dead_valid_count=self.dead_valid_count, replay_cpu=self.replay_cpu)
