"""Stateful property test: the broker against a small reference model.

The model predicts, for every call, what a correct broker must do: which deliveries are
still live, what each ack/nack must raise, which attempt a redelivery carries, which
records a group still owes, and when a poll may come back short. Invariants run after
each step; the teardown drains every group and replays the calls for determinism.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from accord.broker import (
    AlreadySettledError,
    ConsumerClosedError,
    CrashedError,
    EmbeddedBroker,
    InvalidOffsetError,
    SettlementError,
    StaleDeliveryError,
    partition_for,
)
from accord.broker.consumer import Consumer
from accord.broker.records import OFFSET, Delivery

TOPIC = "t"
PARTITIONS = 3
GROUPS = {"g1": "partitioned", "g2": "shared"}
MAX_DELIVERIES = 3
ACK_TIMEOUT = 100
MAX_IN_FLIGHT = 4
KEYS = [None, "a", "b", "c"]

Op = tuple[object, ...]


class Runner:
    """Applies recorded operations to a broker; used live and again for the replay."""

    def __init__(self, seed: int) -> None:
        self.broker = EmbeddedBroker(seed=seed, trace=True)
        self.broker.create_topic(TOPIC, partitions=PARTITIONS)
        self.consumers: list[Consumer] = []
        self.deliveries: list[Delivery] = []
        self.outcomes: list[object] = []

    def apply(self, op: Op) -> object:
        b = self.broker
        kind = op[0]
        try:
            if kind == "publish":
                r = b.publish(TOPIC, op[2], key=op[1], msg_id=op[3])  # type: ignore[arg-type]
                out: object = (r.partition, r.offset, r.duplicate)
            elif kind == "join":
                group = str(op[1])
                self.consumers.append(
                    b.subscribe(
                        TOPIC,
                        group,
                        max_deliveries=MAX_DELIVERIES,
                        ack_timeout_ms=ACK_TIMEOUT,
                        max_in_flight=MAX_IN_FLIGHT,
                        mode=GROUPS[group],  # type: ignore[arg-type]
                    )
                )
                out = self.consumers[-1].member_id
            elif kind == "poll":
                batch = self.consumers[op[1]].poll(op[2])  # type: ignore[call-overload]
                self.deliveries.extend(batch)
                out = [(d.partition, d.offset, d.attempt) for d in batch]
            elif kind == "ack":
                self.deliveries[op[1]].ack()  # type: ignore[call-overload]
                out = "ok"
            elif kind == "nack":
                self.deliveries[op[1]].nack(delay_ms=op[2], error="boom")  # type: ignore
                out = "ok"
            elif kind == "crash":
                self.consumers[op[1]].crash()  # type: ignore[call-overload]
                out = "ok"
            elif kind == "leave":
                self.consumers[op[1]].close()  # type: ignore[call-overload]
                out = "ok"
            elif kind == "seek":
                out = b.seek(str(op[1]), TOPIC, **{str(op[2]): op[3]})  # type: ignore[arg-type]
            elif kind == "advance":
                out = b.advance(op[1])  # type: ignore[arg-type]
            else:  # pragma: no cover
                raise AssertionError(kind)
        except (SettlementError, InvalidOffsetError) as exc:
            out = type(exc)
        self.outcomes.append(out)
        return out


@dataclass
class MDelivery:
    group: str
    consumer: int
    key: tuple[int, int]  # (partition, offset)
    attempt: int
    deadline: int
    fate: str = "live"  # live | acked | dead | returned


@dataclass
class MGroup:
    mode: str
    members: list[int] = field(default_factory=list)  # consumer indexes, join order
    status: dict[tuple[int, int], str] = field(default_factory=dict)  # owed|done|skipped
    attempts: dict[tuple[int, int], int] = field(default_factory=dict)
    next: list[int] = field(default_factory=lambda: [0] * PARTITIONS)
    live: dict[tuple[int, int], int] = field(default_factory=dict)  # record -> delivery idx
    returned: dict[tuple[int, int], int] = field(default_factory=dict)  # record -> ready at
    last_key_offset: dict[str, int] = field(default_factory=dict)  # per-key order, per epoch
    owner: dict[int, int | None] = field(default_factory=dict)
    acked: int = 0
    dead: int = 0


class BrokerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.runner = Runner(0)
        self.ops: list[Op] = []

    @initialize(seed=st.integers(0, 3))
    def start(self, seed: int) -> None:
        self.seed = seed
        self.runner = Runner(seed)
        self.now = 0
        self.end = [0] * PARTITIONS
        self.times: dict[tuple[int, int], int] = {}
        self.keys: dict[tuple[int, int], str | None] = {}
        self.msg_ids: dict[str, tuple[int, int, int]] = {}
        self.groups = {g: MGroup(mode) for g, mode in GROUPS.items()}
        self.consumer_group: list[str] = []
        self.consumer_state: list[str] = []
        self.deliveries: list[MDelivery] = []

    def run(self, *op: object) -> object:
        self.ops.append(op)
        return self.runner.apply(op)

    # -- model helpers -------------------------------------------------------------------

    def give_back(self, g: MGroup, d: MDelivery, delay: int) -> None:
        d.fate = "returned"
        del g.live[d.key]
        if d.attempt >= MAX_DELIVERIES:
            d.fate = "dead"
            g.status[d.key] = "done"
            g.dead += 1
        else:
            g.returned[d.key] = self.now + delay

    def live_of(self, ci: int) -> list[MDelivery]:
        return [d for d in self.deliveries if d.consumer == ci and d.fate == "live"]

    def rebalance(self, gname: str) -> None:
        g = self.groups[gname]
        g.last_key_offset.clear()
        if g.mode == "shared":
            return
        for p in range(PARTITIONS):
            new = g.members[p % len(g.members)] if g.members else None
            old = g.owner.get(p)
            if old is not None and old != new and self.consumer_state[old] == "open":
                for d in self.live_of(old):
                    if d.key[0] == p:
                        self.give_back(g, d, 0)
            g.owner[p] = new

    def assigned(self, ci: int) -> list[int]:
        g = self.groups[self.consumer_group[ci]]
        if g.mode == "shared":
            return list(range(PARTITIONS))
        return [p for p in range(PARTITIONS) if g.owner.get(p) == ci]

    def expected_error(self, d: MDelivery) -> type:
        state = self.consumer_state[d.consumer]
        if d.fate == "acked":
            return AlreadySettledError
        if state == "crashed":
            return CrashedError
        if state == "closed":
            return ConsumerClosedError
        if d.fate == "dead":
            return AlreadySettledError
        return StaleDeliveryError

    # -- rules ---------------------------------------------------------------------------

    @rule(
        key=st.sampled_from(KEYS),
        value=st.integers(0, 9),
        msg_id=st.none() | st.sampled_from(["m1", "m2"]),
    )
    def publish(self, key: str | None, value: int, msg_id: str | None) -> None:
        out = self.run("publish", key, value, msg_id)
        assert isinstance(out, tuple)
        p, offset, duplicate = out
        if msg_id is not None and msg_id in self.msg_ids:
            first_p, first_offset, at = self.msg_ids[msg_id]
            if self.now < at + 120_000:
                assert (p, offset, duplicate) == (first_p, first_offset, True)
                return
        assert not duplicate
        if key is not None:
            assert p == partition_for(key, PARTITIONS)
        assert offset == self.end[p]
        self.end[p] += 1
        self.times[(p, offset)] = self.now
        self.keys[(p, offset)] = key
        if msg_id is not None:
            self.msg_ids[msg_id] = (p, offset, self.now)
        for g in self.groups.values():
            g.status[(p, offset)] = "owed"

    @rule(group=st.sampled_from(sorted(GROUPS)))
    def join(self, group: str) -> None:
        if sum(1 for s in self.consumer_state if s == "open") < 4:
            self.join_group(group)

    def join_group(self, group: str) -> None:
        self.run("join", group)
        ci = len(self.consumer_group)
        self.consumer_group.append(group)
        self.consumer_state.append("open")
        self.groups[group].members.append(ci)
        self.rebalance(group)

    def choose_consumer(self, which: int) -> int | None:
        """Mostly an open consumer; now and then any, to poll closed ones too."""
        open_ones = [i for i, s in enumerate(self.consumer_state) if s == "open"]
        if not self.consumer_group:
            return None
        if open_ones and which % 8:
            return open_ones[which % len(open_ones)]
        return which % len(self.consumer_group)

    @rule(which=st.integers(0, 50), n=st.integers(1, 5))
    def poll(self, which: int, n: int) -> None:
        ci = self.choose_consumer(which)
        if ci is None:
            return
        self.poll_consumer(ci, n)

    def poll_consumer(self, ci: int, n: int) -> None:
        out = self.run("poll", ci, n)
        state = self.consumer_state[ci]
        if state != "open":
            assert out is (CrashedError if state == "crashed" else ConsumerClosedError)
            return
        assert isinstance(out, list)
        gname = self.consumer_group[ci]
        g = self.groups[gname]
        budget = min(n, MAX_IN_FLIGHT - len(self.live_of(ci)))
        assert len(out) <= max(budget, 0)
        parts = self.assigned(ci)
        for p, offset, attempt in out:
            key = (p, offset)
            assert p in parts
            assert g.status[key] == "owed" and key not in g.live
            previous = g.attempts.get(key, 0)
            assert attempt == previous + 1 <= MAX_DELIVERIES
            if previous == 0:
                assert offset == g.next[p]  # new records come in log order
                g.next[p] += 1
                rkey = self.keys[key]
                if rkey is not None and g.mode == "partitioned":
                    # per-key order within a group between rebalances (and seeks)
                    assert g.last_key_offset.get(rkey, -1) < offset
                    g.last_key_offset[rkey] = offset
            else:
                assert g.returned.pop(key) <= self.now
            g.attempts[key] = attempt
            g.live[key] = len(self.deliveries)
            self.deliveries.append(MDelivery(gname, ci, key, attempt, self.now + ACK_TIMEOUT))
        if len(out) < budget:  # a short poll means nothing else was available
            for p in parts:
                assert g.next[p] == self.end[p]
                assert not [k for k, at in g.returned.items() if k[0] == p and at <= self.now]

    def pick(self, k: int) -> int | None:
        """Mostly a live delivery; now and then a recent one, live or not."""
        if not self.deliveries:
            return None
        live = [i for i, d in enumerate(self.deliveries) if d.fate == "live"]
        if live and k % 4:
            return live[k % len(live)]
        return len(self.deliveries) - 1 - k % min(8, len(self.deliveries))

    @rule(k=st.integers(0, 50))
    def ack(self, k: int) -> None:
        i = self.pick(k)
        if i is not None:
            self.ack_delivery(i)

    def ack_delivery(self, i: int) -> None:
        out = self.run("ack", i)
        d = self.deliveries[i]
        if d.fate != "live":
            assert out is self.expected_error(d)
            return
        assert out == "ok"
        g = self.groups[d.group]
        d.fate = "acked"
        del g.live[d.key]
        g.status[d.key] = "done"
        g.acked += 1

    @rule(k=st.integers(0, 50), delay=st.sampled_from([0, 0, 10, 50]))
    def nack(self, k: int, delay: int) -> None:
        i = self.pick(k)
        if i is None:
            return
        out = self.run("nack", i, delay)
        d = self.deliveries[i]
        if d.fate != "live":
            assert out is self.expected_error(d)
            return
        assert out == "ok"
        self.give_back(self.groups[d.group], d, delay)

    def leave_or_crash(self, which: int, kind: str) -> None:
        ci = self.choose_consumer(which)
        if ci is None:
            return
        assert self.run(kind, ci) == "ok"
        if self.consumer_state[ci] != "open":
            return
        gname = self.consumer_group[ci]
        g = self.groups[gname]
        for d in self.live_of(ci):
            self.give_back(g, d, 0)
        self.consumer_state[ci] = "crashed" if kind == "crash" else "closed"
        g.members.remove(ci)
        self.rebalance(gname)

    @precondition(lambda self: len(self.ops) % 2 == 0)
    @rule(which=st.integers(0, 50))
    def crash(self, which: int) -> None:
        self.leave_or_crash(which, "crash")

    @precondition(lambda self: len(self.ops) % 2 == 1)
    @rule(which=st.integers(0, 50))
    def leave(self, which: int) -> None:
        self.leave_or_crash(which, "leave")

    @precondition(lambda self: len(self.ops) % 4 == 3)  # rarer: a seek resets a lot
    @rule(
        group=st.sampled_from(sorted(GROUPS)),
        how=st.sampled_from(["to", "offset", "timestamp"]),
        arg=st.integers(0, 400),
    )
    def seek(self, group: str, how: str, arg: int) -> None:
        value: object = ("earliest" if arg % 2 else "latest") if how == "to" else arg % 8
        if how == "timestamp":
            value = arg
        out = self.run("seek", group, how, value)
        if how == "offset" and any(int(str(value)) > e for e in self.end):
            assert out is InvalidOffsetError
            return
        g = self.groups[group]
        targets = {}
        for p in range(PARTITIONS):
            if how == "to":
                targets[p] = 0 if value == "earliest" else self.end[p]
            elif how == "offset":
                targets[p] = int(str(value))
            else:
                later = [o for o in range(self.end[p]) if self.times[(p, o)] >= arg]
                targets[p] = min(later) if later else self.end[p]
        assert out == targets
        for p, target in targets.items():
            for d in self.deliveries:
                if d.group == group and d.key[0] == p and d.fate == "live":
                    d.fate = "returned"
                    del g.live[d.key]
            for key in [k for k in g.returned if k[0] == p]:
                del g.returned[key]
            for key in [k for k in g.attempts if k[0] == p]:
                del g.attempts[key]
            for o in range(self.end[p]):
                if o >= target:
                    g.status[(p, o)] = "owed"
                elif g.status[(p, o)] == "owed":
                    g.status[(p, o)] = "skipped"
            g.next[p] = target
        g.last_key_offset.clear()

    @rule(ms=st.sampled_from([0, 1, 30, 60, 150]))
    def advance(self, ms: int) -> None:
        self.run("advance", ms)
        self.now += ms
        for d in self.deliveries:
            if d.fate == "live" and d.deadline <= self.now:
                self.give_back(self.groups[d.group], d, 0)

    # -- invariants ----------------------------------------------------------------------

    @invariant()
    def no_record_lost(self) -> None:
        """Every record a group owes is in flight, pending redelivery or not yet read."""
        if not hasattr(self, "groups"):
            return
        topic = self.runner.broker._topics[TOPIC]
        total_acked = total_dead = 0
        for gname, g in self.groups.items():
            owed = {k for k, s in g.status.items() if s == "owed"}
            total_acked += g.acked
            total_dead += g.dead
            state = topic.groups.get(gname)
            if state is None:
                assert owed == {k for k in g.status}
                continue
            held: set[tuple[int, int]] = set()
            for ps in state.parts:
                held |= {(ps.partition, o) for o in ps.unsettled}
                held |= {(ps.partition, row[OFFSET]) for row in ps.log.read(ps.next_offset, 10**9)}
                mine = [k[1] for k in owed if k[0] == ps.partition]
                assert ps.committed == (min(mine) if mine else g.next[ps.partition])
            assert held == owed
            assert len(g.status) == sum(self.end)  # published = done + owed + skipped
            assert {k: s for k, s in g.status.items()} == g.status
            assert all(a <= MAX_DELIVERIES for a in g.attempts.values())
        stats = topic.stats
        assert stats.acked == total_acked
        assert sum(stats.dead_lettered.values()) == total_dead
        assert len(self.runner.broker.dead_letters(TOPIC)) == total_dead

    @invariant()
    def lags_agree_with_metrics(self) -> None:
        """`lags()`, the simulator's cheap per-second sample, says what `metrics()` says."""
        if not hasattr(self, "groups"):
            return
        expected: dict[str, tuple[int, bool]] = {}
        for p in self.runner.broker.metrics().partitions:
            lag, settled = expected.get(p.group, (0, True))
            expected[p.group] = (lag + p.lag, settled and p.lag == 0 and p.in_flight == 0)
        assert self.runner.broker.lags() == expected

    def teardown(self) -> None:
        if not hasattr(self, "groups"):
            return
        # Drain: every group must end up having settled every record it still owes.
        for gname, g in self.groups.items():
            if not g.members:
                self.join_group(gname)
            for _ in range(200):
                if not any(s == "owed" for s in g.status.values()):
                    break
                self.advance(150)
                for ci in list(g.members):
                    before = len(self.deliveries)
                    self.poll_consumer(ci, 5)
                    for i in range(before, len(self.deliveries)):
                        self.ack_delivery(i)
                self.no_record_lost()
            assert not any(s == "owed" for s in g.status.values()), gname
            seen = {d.key for d in self.deliveries if d.group == gname}
            for key, status in g.status.items():
                assert status == "skipped" or key in seen  # each record seen at least once
        metrics = self.runner.broker.metrics()
        assert all(metrics.lag(g, TOPIC) == 0 for g in self.groups)
        # Determinism: the same seed and calls give the same outcomes and trace bytes.
        replay = Runner(self.seed)
        for op in self.ops:
            replay.apply(op)
        assert replay.outcomes == self.runner.outcomes
        assert replay.broker.trace_bytes() == self.runner.broker.trace_bytes()


TestBrokerMachine = BrokerMachine.TestCase
TestBrokerMachine.settings = settings(
    max_examples=300,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
