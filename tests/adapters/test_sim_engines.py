"""`accord sim run --broker`: the same scenarios on NATS JetStream and Redis Streams.

Each run is checked against the same scenario on the embedded broker where the two must
agree (what is dead-lettered), and against the engine's own mechanisms where they differ
(redelivery after a crash comes from AckWait or XAUTOCLAIM, never from the simulator).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from accord.cli import main
from accord.sim import Simulation
from accord.sim.engine import Engine
from accord.sim.faults import Fault, Faults
from accord.sim.live import LiveTarget
from tests.sim.sim_support import REPO, registry, scenario

ACK_TIMEOUT = "1s"


def _simulation(spec: dict[str, Any], broker: str | None = None, **kwargs: Any) -> Simulation:
    return Simulation(spec, registry=registry(), base=REPO, broker=broker, **kwargs)


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
    assert live.metrics["broker"] == engine and live.metrics["elapsed_ms"] > 0
    assert list(live.unchecked) == ["per-key-order"]


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
    assert outcome.drained and len(outcome.handled["analytics"]) == 20


def test_shop_scenario_on_the_engine_as_the_readme_shows(engine: str, capsys: Any,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    monkeypatch.chdir(REPO)
    page = tmp_path / "sim.html"
    code = main(["sim", "run", "scenarios/shop.yaml", "--events", "150", "--broker", engine,
                 "--format", "json", "--html", str(page)])
    report = json.loads(capsys.readouterr().out)
    assert code == 0, report["violations"]
    assert report["ok"] and report["error"] is None and report["repro"] is None
    assert report["metrics"]["broker"] == engine
    assert report["metrics"]["follow_ups"] > 0  # handlers published through the engine
    assert "per-key-order" in report["unchecked"]
    assert not list(Path(REPO, "scenarios").glob("*.repro.yaml"))
    assert "s (real time)</text>" in page.read_text() and "(virtual)" not in page.read_text()


def test_run_leaves_nothing_behind(redis_url: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    before = {k for k in client.keys("accord-sim.*")}
    spec = scenario({"service": "analytics", "group": "analytics", "model": "recorder"},
                    events=10, invariants=["no-loss"])
    assert _simulation(spec, redis_url).run().ok
    assert {k for k in client.keys("accord-sim.*")} == before
    client.close()


@pytest.mark.parametrize("url", ["nats://127.0.0.1:1", "redis://127.0.0.1:1/0",
                                 "kafka://127.0.0.1:9092"])
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


@pytest.mark.parametrize("name", ["nats", "redis"])
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
    threading.Event().wait(2.0)  # about 300 events in
    proc.kill()
    thread.join(timeout=60)
    out, err = capsys.readouterr()
    assert result == [2]
    report = json.loads(out)
    assert report["error"] and not report["ok"]
    assert 0 < report["metrics"]["published"] < 3000
    assert err.startswith("error: ") and "Traceback" not in err
