"""`accord sim run --broker`: the same scenarios on NATS JetStream and Redis Streams.

Each run is checked against the same scenario on the embedded broker where the two must
agree (what is dead-lettered), and against the engine's own mechanisms where they differ
(redelivery after a crash comes from AckWait or XAUTOCLAIM, never from the simulator).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from accord.cli import main
from accord.sim import Simulation, invariants
from accord.sim.engine import Engine, Outcome
from accord.sim.faults import Fault, Faults
from accord.sim.live import LiveTarget
from tests.sim.sim_support import REPO, registry, scenario

ACK_TIMEOUT = "1s"


def _simulation(spec: dict[str, Any], broker: str | None = None, **kwargs: Any) -> Simulation:
    return Simulation(spec, registry=registry(), base=REPO, broker=broker, **kwargs)


def _run_engine(spec: dict[str, Any], engine: str | None,
                wrap: Callable[[Any], Any] | None = None) -> Outcome:
    """One run of the engine loop, on ``engine`` or embedded; ``wrap`` wraps subscriptions."""
    sim = _simulation(spec)
    s = sim.scenario
    faults = Faults(s.faults, s.seed, sim.schedule)
    if engine is None:
        return Engine(s, sim.events(), faults, sim.validators).run()
    target = LiveTarget.open(engine, s.seed)
    if wrap is not None:
        subscribe = target.broker.subscribe
        target.broker.subscribe = lambda *a, **k: wrap(subscribe(*a, **k))  # type: ignore[method-assign]
    try:
        return Engine(s, sim.events(), faults, sim.validators, target=target).run()
    finally:
        target.close()


def test_no_loss_and_dead_letters_match_the_embedded_run(engine: str) -> None:
    spec = scenario({"service": "analytics", "group": "analytics", "model": "recorder",
                     "max_deliveries": 3},
                    events=120,
                    producer={"service": "order-service", "event": "orders.OrderPlaced",
                              "rate": "400/s", "keys": 10, "invalid": 0.1},
                    faults={"duplicate": 0.05, "ack_timeout": ACK_TIMEOUT},
                    invariants=["no-loss", "invalid-dead-lettered", "valid-accepted",
                                "idempotent", "per-key-order"])
    live = _simulation(spec, engine).run()
    embedded = _simulation(spec).run()
    assert live.ok, live.text()
    assert embedded.ok, embedded.text()
    dead = live.metrics["dead_lettered"]
    # Invalid records go through the engine's own max-deliveries path, all of them.
    assert set(dead) == {"max-deliveries"}
    assert dead["max-deliveries"] == embedded.metrics["dead_lettered"]["rejected"] > 0
    assert live.metrics["redelivered"] == 2 * dead["max-deliveries"]  # 3 attempts each
    assert live.metrics["published"] == embedded.metrics["published"]
    # The very same events, by id, end in the dead letters on the engine as embedded.
    on_engine = set(_run_engine(spec, engine).dead["analytics"])
    assert on_engine == set(_run_engine(spec, None).dead["analytics"])
    assert on_engine
    assert live.metrics["broker"] == engine and live.metrics["elapsed_ms"] > 0
    # Kafka has key partitions, so per-key order is checked there; NATS and Redis have none.
    assert list(live.unchecked) == ([] if engine.startswith("kafka") else ["per-key-order"])


def test_crash_is_redelivered_by_the_engine(engine: str) -> None:
    spec = scenario({"service": "analytics", "group": "analytics",
                     "handler": "tests.sim.sim_support:records_attempts"},
                    events=40,
                    producer={"service": "order-service", "event": "orders.OrderPlaced",
                              "rate": "200/s", "keys": 10},
                    faults={"ack_timeout": ACK_TIMEOUT},
                    invariants=["no-loss", "valid-accepted"])
    sim = _simulation(spec, engine, schedule=[Fault("crash", "e5", "analytics")])
    report = sim.run()
    assert report.ok, report.text()
    assert [f.kind for f in report.faults] == ["crash"]
    # The member crashed after handling e5 and before acking it; the simulator never
    # publishes it again, so a second attempt can only be the engine's redelivery.
    assert report.metrics["redelivered"] >= 1
    assert report.metrics["elapsed_ms"] >= 1000  # it waited out the ack timeout
    # A run without the crash sees every event exactly once.
    clean = _simulation(spec, engine, schedule=[]).run()
    assert clean.ok and clean.metrics["redelivered"] == 0


def test_crash_attempts_as_the_handler_saw_them(engine: str) -> None:
    spec = scenario({"service": "analytics", "group": "analytics",
                     "handler": "tests.sim.sim_support:records_attempts"},
                    events=20,
                    producer={"service": "order-service", "event": "orders.OrderPlaced",
                              "rate": "200/s", "keys": 5},
                    faults={"ack_timeout": ACK_TIMEOUT}, invariants=["no-loss"])
    sim = _simulation(spec)
    target = LiveTarget.open(engine, sim.scenario.seed)
    try:
        outcome = Engine(sim.scenario, sim.events(), Faults(sim.scenario.faults, 3, [
            Fault("crash", "e3", "analytics")]), sim.validators, target=target).run()
    finally:
        target.close()
    attempts = outcome.states["analytics"].snapshot()
    assert attempts["attempt/e3"] == 2
    assert outcome.drained and outcome.handled["analytics"] == 20


def test_shop_scenario_on_the_engine_as_the_readme_shows(engine: str, capsys: Any,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    monkeypatch.chdir(REPO)
    page = tmp_path / "sim.html"
    code = main(["sim", "run", "scenarios/shop.yaml", "--events", "150", "--broker", engine,
                 "--format", "json", "--html", str(page)])
    report = json.loads(capsys.readouterr().out)
    # Every invariant holds. The SLOs (p99 latency, lag) are wall-clock figures of a
    # real-time run: on a loaded machine they may be missed, and the suite holds no
    # wall-clock asserts, so a miss there is reported, not failed on.
    broken = [v for v in report["violations"] if not v["invariant"].startswith("slo:")]
    assert not broken, broken
    assert code == (0 if report["ok"] else 1)
    assert report["error"] is None and report["repro"] is None
    assert report["metrics"]["broker"] == engine
    assert report["metrics"]["follow_ups"] > 0  # handlers published through the engine
    assert ("per-key-order" in report["unchecked"]) == (not engine.startswith("kafka"))
    # The projection reads orders, where the order service's follow-ups land in real time:
    # not comparable with the virtual-time run without faults, and said so, not failed on.
    assert "idempotent: analytics-orders" in report["unchecked"]
    assert "idempotent: crm-sync" not in report["unchecked"]  # no follow-ups on its topic
    assert not list(Path(REPO, "scenarios").glob("*.repro.yaml"))
    text = page.read_text()
    assert "run time (s, real)</text>" in text and "virtual" not in text


class _Swallowing:
    """A subscription whose first message is acked behind the handler's back: to the
    engine it is settled, to the simulator it never arrived. A lost record."""

    def __init__(self, inner: Any) -> None:
        self._inner, self._done = inner, False
        self.member_id = inner.member_id

    def poll(self, max_records: int = 500, timeout_ms: int = 0) -> list[Any]:
        batch = list(self._inner.poll(max_records, timeout_ms))
        if batch and not self._done:
            self._done = True
            batch.pop(0).ack()
        return batch

    def close(self) -> None:
        self._inner.close()

    def crash(self) -> None:
        self._inner.crash()


def test_a_lost_record_fails_no_loss_on_the_engine(engine: str) -> None:
    spec = scenario({"service": "analytics", "group": "analytics", "model": "recorder"},
                    events=30, invariants=["no-loss"],
                    producer={"service": "order-service", "event": "orders.OrderPlaced",
                              "rate": "300/s", "keys": 5})
    outcome = _run_engine(spec, engine, wrap=_Swallowing)
    assert outcome.drained  # the engine is settled: the loss shows only in the ids
    sim = _simulation(spec)
    found = invariants.check(sim.scenario, outcome, None, sim.validators)
    assert [(v.invariant, v.group) for v in found] == [("no-loss", "analytics")]
    assert "1 event(s) neither handled nor dead-lettered" in found[0].message


def _streams(nats_url: str) -> set[str]:
    return set(_streams_messages(nats_url))


def _streams_messages(nats_url: str) -> dict[str, int]:
    """Stream name -> messages it holds."""
    import asyncio

    import nats

    async def names() -> dict[str, int]:
        client = await nats.connect(nats_url)
        try:
            return {info.config.name: int(info.state.messages)
                    for info in await client.jetstream().streams_info()}
        finally:
            await client.close()

    return asyncio.run(names())


def test_run_leaves_nothing_behind(redis_url: str, nats_url: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    before = set(client.keys("accord-sim.*"))
    streams = {n for n in _streams(nats_url) if n.startswith("accord-sim")}
    spec = scenario({"service": "analytics", "group": "analytics", "model": "recorder"},
                    events=10, invariants=["no-loss"],
                    producer={"service": "order-service", "event": "orders.OrderPlaced",
                              "rate": "300/s", "keys": 5, "invalid": 0.3})
    assert _simulation(spec, redis_url).run().ok  # with dead letters: <topic>.dlq too
    assert _simulation(spec, nats_url).run().ok
    assert set(client.keys("accord-sim.*")) == before
    assert {n for n in _streams(nats_url) if n.startswith("accord-sim")} == streams
    client.close()


@pytest.mark.parametrize("url", ["nats://127.0.0.1:1", "redis://127.0.0.1:1/0",
                                 "kafka://127.0.0.1:9092", "kafka://127.0.0.1",
                                 "kafka://h:1?enable.auto.commit=true", "amqp://h:5672"])
def test_unusable_broker_is_one_clear_error(url: str, capsys: Any,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    code = main(["sim", "run", "scenarios/shop.yaml", "--events", "5", "--broker", url])
    out, err = capsys.readouterr()
    assert code == 2 and not out
    assert err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err


@pytest.mark.parametrize(("name", "extra"), [("redis", ("--requirepass", "s3cret")),
                                             ("nats", ("--user", "app", "--pass", "s3cret"))])
def test_refused_authentication_exits_2(name: str, extra: tuple[str, ...], capsys: Any,
                                        private_server: Callable[..., Any],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    url, _ = private_server(name, *extra)
    monkeypatch.chdir(REPO)
    code = main(["sim", "run", "scenarios/shop.yaml", "--events", "5", "--broker", url])
    _, err = capsys.readouterr()
    assert code == 2 and "authentication" in err.lower()


def _wait_for_traffic(name: str, url: str) -> None:
    """Until the run's topics on the engine hold records, then a little longer."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if _records(name, url) > 0:
            time.sleep(0.5)
            return
        time.sleep(0.1)
    raise AssertionError("the run published nothing in 30 s")


def _records(name: str, url: str) -> int:
    """Records in the run's topics (a Redis group's MKSTREAM makes an empty one)."""
    if name == "kafka":
        from confluent_kafka import Consumer, TopicPartition

        reader = Consumer({"bootstrap.servers": url.partition("://")[2], "group.id": "count"})
        try:
            topics = reader.list_topics(timeout=5).topics
            return sum(reader.get_watermark_offsets(TopicPartition(t, p), timeout=5)[1]
                       for t, meta in topics.items() if t.startswith("accord-sim")
                       for p in meta.partitions)
        finally:
            reader.close()
    if name == "redis":
        import redis

        client = redis.Redis.from_url(url)
        try:
            return sum(int(client.xlen(k)) for k in client.keys("accord-sim.*"))
        finally:
            client.close()
    return sum(n for name_, n in _streams_messages(url).items()
               if name_.startswith("accord-sim"))


@pytest.mark.parametrize("name", ["nats", "redis", "kafka"])
def test_engine_lost_mid_run_reports_what_it_measured(name: str, capsys: Any,
                                                      private_server: Callable[..., Any],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    url, proc = private_server(name)
    monkeypatch.chdir(REPO)
    result: list[int] = []
    thread = threading.Thread(target=lambda: result.append(main(
        ["sim", "run", "scenarios/shop.yaml", "--events", "3000", "--broker", url,
         "--format", "json"])))
    thread.start()
    _wait_for_traffic(name, url)
    proc.kill()
    # A bound on a hang, not a timing assert: on a loaded machine a client can take a
    # while to give up on every broker (librdkafka retries links by itself).
    thread.join(timeout=180)
    out, err = capsys.readouterr()
    assert result == [2]
    report = json.loads(out)
    assert report["error"] and not report["ok"]
    assert 0 < report["metrics"]["published"] < 3000
    assert 0 < report["metrics"]["events"] < 3000  # what was sent, not what was asked
    assert err.startswith("error: ") and "Traceback" not in err


@pytest.mark.parametrize(("url", "module", "client"), [
    ("nats://127.0.0.1:1", "accord.broker.adapters.nats_jetstream", "nats"),
    ("redis://127.0.0.1:1/0", "accord.broker.adapters.redis_streams", "redis"),
    ("kafka://127.0.0.1:1", "accord.broker.adapters.kafka", "confluent_kafka")])
def test_without_the_engines_extra_is_one_clear_error(url: str, module: str, client: str,
                                                      capsys: Any,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.delitem(sys.modules, module, raising=False)
    monkeypatch.setitem(sys.modules, client, None)  # as if not installed
    monkeypatch.chdir(REPO)
    for argv in (["sim", "run", "scenarios/shop.yaml", "--events", "5", "--broker", url],
                 ["tap", "--broker", url, "--channel", "orders", "--max-events", "1"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "pip install 'accord[engines]'" in err, err


def test_a_refused_publish_stops_the_run_counting_what_went_out(engine: str) -> None:
    from accord.broker.adapters import PartialPublish

    spec = scenario({"service": "analytics", "group": "analytics", "model": "recorder"},
                    events=40, invariants=["no-loss"],
                    producer={"service": "order-service", "event": "orders.OrderPlaced",
                              "rate": "10000/s", "keys": 5})
    sim = _simulation(spec)
    target = LiveTarget.open(engine, sim.scenario.seed)
    real = target.broker.publish_many

    def half(topic: str, items: list[Any]) -> Any:  # the engine takes 10, refuses the rest
        done = real(topic, items[:10])
        raise PartialPublish("refused: stream full", dict(enumerate(done)))

    target.broker.publish_many = half  # type: ignore[method-assign]
    try:
        outcome = Engine(sim.scenario, sim.events(), Faults(sim.scenario.faults, 3, []),
                         sim.validators, target=target).run()
    finally:
        target.close()
    assert outcome.error is not None and "stream full" in outcome.error
    assert outcome.sent == 10 and outcome.published == 10
    assert len(outcome.records) == 10  # each stored record known by its offset


def test_the_report_never_shows_the_password(capsys: Any, private_server: Callable[..., Any],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    url, _ = private_server("redis", "--requirepass", "s3cret")
    secret = url.replace("redis://", "redis://:s3cret@")
    monkeypatch.chdir(REPO)
    code = main(["sim", "run", "scenarios/shop.yaml", "--events", "20", "--broker", secret,
                 "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert json.loads(out)["metrics"]["broker"] == url.replace("redis://", "redis://:***@")
    assert "s3cret" not in out + err
    code = main(["sim", "run", "scenarios/shop.yaml", "--events", "5", "--broker",
                 "nats://app:s3cret@127.0.0.1:1"])
    out, err = capsys.readouterr()
    assert code == 2 and "app:***@" in err and "s3cret" not in out + err


class _Interrupted(_Swallowing):
    """A member whose third poll is where the user presses Ctrl-C."""

    def __init__(self, inner: Any) -> None:
        super().__init__(inner)
        self._polls = 0

    def poll(self, max_records: int = 500, timeout_ms: int = 0) -> list[Any]:
        self._polls += 1
        if self._polls == 3:
            raise KeyboardInterrupt
        return list(self._inner.poll(max_records, timeout_ms))


def test_ctrl_c_stops_an_engine_run_with_what_it_measured(engine: str) -> None:
    spec = scenario({"service": "analytics", "group": "analytics", "model": "recorder"},
                    events=400, invariants=["no-loss"],
                    producer={"service": "order-service", "event": "orders.OrderPlaced",
                              "rate": "200/s", "keys": 5})
    outcome = _run_engine(spec, engine, wrap=_Interrupted)
    assert outcome.error == "interrupted (Ctrl-C)" and not outcome.drained
    assert outcome.sent is not None and 0 < outcome.sent < 400


def test_ctrl_c_from_the_cli_exits_2_with_figures_and_cleans_up(
        redis_url: str, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import examples.sim_handlers.shop as shop
    import redis

    real = shop.order_service
    calls = [0]

    def handled(event: dict[str, Any], ctx: Any) -> None:
        """The tour's order service, with Ctrl-C pressed while it handles its 5th event
        (the engine's own methods may be compiled: a handler is the user's code)."""
        calls[0] += 1
        if calls[0] == 5:
            raise KeyboardInterrupt
        real(event, ctx)

    monkeypatch.setattr(shop, "order_service", handled)
    monkeypatch.chdir(REPO)
    client = redis.Redis.from_url(redis_url)
    before = set(client.keys("accord-sim.*"))
    code = main(["sim", "run", "scenarios/shop.yaml", "--events", "500", "--broker", redis_url])
    out, err = capsys.readouterr()
    assert code == 2 and "STOPPED: interrupted (Ctrl-C)" in out and "events" in out
    assert err.strip().endswith("error: interrupted (Ctrl-C)")
    assert set(client.keys("accord-sim.*")) == before  # the run's topics went
    client.close()
