"""`accord tap` catches a producer that sends an invalid event, on every engine."""

from __future__ import annotations

import json
import re
import time

import pytest

from accord.broker.adapters import connect
from accord.cli import main
from accord.interop.cloudevents import schema_uri, wrap
from accord.registry import load_registry

CONTRACT = """\
event: shop.OrderPlaced
summary: An order.
owner: team-orders
channel: {channel}
producers: [order-service]
consumers: [email-service]
versions:
  1:
    schema:
      type: object
      required: [order_id]
      properties:
        order_id: {{type: string}}
  2:
    schema:
      type: object
      additionalProperties: false
      required: [order_id, total]
      properties:
        order_id: {{type: string}}
        total: {{type: integer, minimum: 0}}
"""


def _tap(capsys: pytest.CaptureFixture[str], url: str, channel: str, *extra: str
         ) -> tuple[int, str, str]:
    code = main(["tap", "--broker", url, "--channel", channel, "--from", "earliest",
                 "--duration", "3", *extra])
    out, err = capsys.readouterr()
    return code, out, err


def test_tap_reports_valid_invalid_and_unmatched(capsys, write_tree, engine, unique):  # type: ignore[no-untyped-def]
    root = write_tree({"contracts/shop/order_placed.yaml": CONTRACT.format(channel=unique)})
    contract = load_registry(root / "contracts").contracts[0]
    broker = connect(engine)
    broker.create_topic(unique)
    broker.publish(unique, {"order_id": "a", "total": 3})  # v2
    broker.publish(unique, {"order_id": "b", "note": "x"})  # v1 (open content model)
    # Invalid under both versions, one violation each: the tie goes to the newest.
    broker.publish(unique, {"order_id": 5, "total": 3})
    broker.publish(unique, wrap(contract, contract.versions[1], {"order_id": "d"}, id="1"))
    broker.publish(unique, {"specversion": "1.0", "id": "2", "source": "x", "type": "no.Such"})
    broker.publish(unique, {"hello": "world"})  # none of the contract's fields
    broker.close()
    code, out, err = _tap(capsys, engine, unique, "--format", "json", "--max-events", "6")
    report = json.loads(out)
    assert code == 1, err
    assert report["events"] == 6
    assert {(c["event"], c["version"], c["valid"], c["invalid"]) for c in report["counts"]} == {
        ("shop.OrderPlaced", 1, 1, 0), ("shop.OrderPlaced", 2, 1, 2)}
    positions = [v["position"] for v in report["violations"]]
    assert all(re.fullmatch(r"\d+-\d+" if engine.startswith("redis") else r"\d+", p)
               for p in positions)  # as XRANGE or the stream sequence names them
    pointers = {(v["version"], v["pointer"]) for v in report["violations"]}
    assert (2, "/order_id") in pointers
    assert (2, "/") in pointers  # the CloudEvent's v2 data lacks total
    assert report["unmatched"]["count"] == 2
    reasons = [u["reason"] for u in report["unmatched"]["samples"]]
    assert "no.Such" in reasons[0] and "shares no property" in reasons[1]
    assert schema_uri(contract, contract.versions[1]).endswith(":v2")


def test_tap_clean_traffic_exits_0_text(capsys, write_tree, engine, unique):  # type: ignore[no-untyped-def]
    write_tree({"contracts/shop/order_placed.yaml": CONTRACT.format(channel=unique)})
    broker = connect(engine)
    broker.create_topic(unique)
    broker.publish(unique, {"order_id": "a", "total": 3})
    broker.close()
    code, out, _ = _tap(capsys, engine, unique, "--max-events", "1")
    assert code == 0
    assert "shop.OrderPlaced v2: 1 valid, 0 invalid" in out


def test_tap_not_json_stops_with_exit_2(capsys, write_tree, engine, unique):  # type: ignore[no-untyped-def]
    write_tree({"contracts/shop/order_placed.yaml": CONTRACT.format(channel=unique)})
    broker = connect(engine)
    broker.create_topic(unique)
    broker.publish(unique, {"order_id": "a", "total": 3}, key="a")  # one key: one
    broker.publish(unique, b"\x00not json", key="a")                 # Kafka partition
    broker.close()
    code, out, err = _tap(capsys, engine, unique, "--max-events", "5")
    assert code == 2
    assert "1 valid" in out  # what was measured before still shows
    assert out.rstrip().endswith("STOPPED")  # not "ok": the run was cut short
    assert err.count("\n") == 1 and "is not JSON" in err and "Traceback" not in err
    code, out, _ = _tap(capsys, engine, unique, "--max-events", "5", "--format", "json")
    assert code == 2 and json.loads(out)["ok"] is False
    if not engine.startswith("kafka"):  # the mock cluster lists and deletes no groups
        assert _groups(engine, unique) == []  # a stopped tap still removes its own group


def _groups(url: str, topic: str) -> list[str]:
    """The consumer groups (NATS: durable consumers) on ``topic``."""
    if url.startswith("redis"):
        import redis

        client = redis.Redis.from_url(url)
        try:
            return [g["name"].decode() for g in client.xinfo_groups(topic)]
        finally:
            client.close()
    import asyncio

    import nats

    from accord.broker.adapters.nats_jetstream import stream_name

    async def names() -> list[str]:
        client = await nats.connect(url)
        try:
            infos = await client.jetstream().consumers_info(stream_name(topic))
            return [i.name for i in infos]
        finally:
            await client.close()

    return asyncio.run(names())


def test_tap_missing_stream_exits_2(capsys, write_tree, engine, unique):  # type: ignore[no-untyped-def]
    write_tree({"contracts/shop/order_placed.yaml": CONTRACT.format(channel="nowhere-" + unique)})
    code, _, err = _tap(capsys, engine, "nowhere-" + unique)
    assert code == 2 and "has no stream for channel" in err


def test_tap_an_empty_channel_exits_2_before_connecting(capsys, write_tree):  # type: ignore[no-untyped-def]
    write_tree({"contracts/shop/order_placed.yaml": CONTRACT.format(channel="orders")})
    code, out, err = _tap(capsys, "nats://127.0.0.1:1", " ")  # never reached
    assert code == 2 and not out and "--channel is empty" in err


def test_tap_a_channel_no_contract_has_warns_first(capsys, write_tree, engine, unique):  # type: ignore[no-untyped-def]
    write_tree({"contracts/shop/order_placed.yaml": CONTRACT.format(channel="orders")})
    broker = connect(engine)
    broker.create_topic(unique)
    broker.publish(unique, {"order_id": "a", "total": 3})
    broker.close()
    code, out, err = _tap(capsys, engine, unique, "--max-events", "1", "--format", "json")
    assert code == 1  # the message matches no contract
    warning = f"no contract has channel {unique!r} (channels: orders)"
    assert err.startswith(f"warning: {warning}")
    assert json.loads(out)["warnings"] == [warning + "; only CloudEvents, by their type, can match"]


@pytest.mark.parametrize("secret", ["redis://:s3cret@127.0.0.1:1/0",
                                    "redis://127.0.0.1:1/0?password=s3cret",
                                    "nats://app:s3cret@127.0.0.1:1", "nats://s3cret@127.0.0.1:1"])
def test_a_password_in_the_url_is_never_printed(capsys, write_tree, secret):  # type: ignore[no-untyped-def]
    write_tree({"contracts/shop/order_placed.yaml": CONTRACT.format(channel="c")})
    code, out, err = _tap(capsys, secret, "c")
    assert code == 2 and "cannot reach" in err and "***" in err
    assert "s3cret" not in out + err


@pytest.mark.parametrize("url", ["nats://127.0.0.1:1", "redis://127.0.0.1:1/0"])
def test_tap_unreachable_exits_2(capsys, write_tree, url):  # type: ignore[no-untyped-def]
    write_tree({"contracts/shop/order_placed.yaml": CONTRACT.format(channel="c")})
    code, _, err = _tap(capsys, url, "c")
    assert code == 2 and "cannot reach" in err and "Traceback" not in err


def test_an_open_ended_tap_reports_progress_and_ends_on_ctrl_c(write_tree, engine, unique):  # type: ignore[no-untyped-def]
    from accord.tap import TapOptions, TapReport, tap

    root = write_tree({"contracts/shop/order_placed.yaml": CONTRACT.format(channel=unique)})
    broker = connect(engine)
    broker.create_topic(unique)
    for n in range(3):
        broker.publish(unique, {"order_id": str(n), "total": n})
    broker.close()
    seen: list[int] = []

    def progress(report: TapReport) -> None:  # the user presses Ctrl-C once 3 are in
        seen.append(report.events)
        if report.events >= 3 and seen.count(3) == 1:
            raise KeyboardInterrupt

    report = tap(load_registry(root / "contracts"),
                 TapOptions(engine, unique, start="earliest"), progress)  # no bound at all
    assert report.events == 3 and report.exit_code == 0 and report.stopped is None
    assert seen[-2:] == [3, 3] and seen == sorted(seen)  # the last: the final counts
    assert report.seconds > 0


def test_a_cloudevent_naming_an_unknown_version_says_so() -> None:
    from pathlib import Path

    from accord.tap import Identifier

    registry = load_registry(Path(__file__).resolve().parents[2] / "contracts")
    contract = registry.get("iot.SensorReadingRecorded")
    assert contract is not None
    message = wrap(contract, contract.versions[-1], {"zzz": 1}, id="1")
    message["dataschema"] = message["dataschema"].rsplit(":", 1)[0] + ":v9"
    verdict = Identifier(registry, str(contract.channel)).judge(
        json.dumps(message).encode(), {}, "test")
    assert verdict.event is None
    assert "names no version of iot.SensorReadingRecorded (it has v1" in verdict.reason


def test_tapping_in_an_existing_group_warns_first(capsys, write_tree, engine, unique):  # type: ignore[no-untyped-def]
    write_tree({"contracts/shop/order_placed.yaml": CONTRACT.format(channel=unique)})
    broker = connect(engine)
    broker.create_topic(unique)
    broker.publish(unique, {"order_id": "a", "total": 3}, key="a")
    service = broker.subscribe(unique, "email")  # a service's group, which has read one
    deadline = time.monotonic() + 10
    while not (got := service.poll(10, timeout_ms=100)) and time.monotonic() < deadline:
        pass
    for message in got:
        message.ack()
    service.close()
    broker.publish(unique, {"order_id": "b", "total": 3}, key="a")
    broker.close()
    code, out, err = _tap(capsys, engine, unique, "--group", "email", "--max-events", "1")
    assert code == 0 and "1 valid" in out
    assert err.startswith("warning: group 'email' already exists") and "acking" in err
    code, _, err = _tap(capsys, engine, unique, "--group", "mine", "--max-events", "1")
    assert code == 0 and "warning" not in err  # a new group of one's own: nothing to warn


@pytest.mark.parametrize(("url", "shown"), [
    ("redis://:s3cret@h:1/0", "redis://:***@h:1/0"),
    ("nats://tok3n@h", "nats://***@h"),
    ("nats://u:s3cret@h1,nats://u:s3cret@h2", "nats://u:***@h1,nats://u:***@h2"),
    ("redis://h:1/0?password=s3cret&db=1", "redis://h:1/0?password=***&db=1"),
    ("user:s3cret@h:1", "user:***@h:1"),
    ("redis://h:1/0?a=b@c", "redis://h:1/0?a=b@c"),
    ("nats://[::1]:4222", "nats://[::1]:4222"),
])
def test_redact(url: str, shown: str) -> None:
    from accord.broker.adapters.base import redact

    assert redact(url) == shown
