"""Refused authentication and a connection dropped mid-run: one clear error, exit 2."""

from __future__ import annotations

import json
import threading

import pytest

from accord.broker.adapters import AdapterError, connect
from accord.cli import main

CONTRACT = """\
event: shop.Ping
summary: A ping.
owner: team-ops
channel: pings
producers: [ops]
consumers: [ops]
versions:
  1:
    schema: {type: object, required: [n], properties: {n: {type: integer}}}
"""


@pytest.mark.parametrize(("engine", "extra", "url"), [
    ("redis", ("--requirepass", "s3cret"), "{}"),
    ("nats", ("--user", "app", "--pass", "s3cret"), "{}"),
    ("nats", ("--user", "app", "--pass", "s3cret"), "nats://app:wrong@{}"),
])
def test_refused_authentication(private_server, engine, extra, url):  # type: ignore[no-untyped-def]
    served, _ = private_server(engine, *extra)
    target = url.format(served.partition("://")[2]) if "@" in url else served
    with pytest.raises(AdapterError) as caught:
        broker = connect(target, timeout=1.0)
        broker.publish("pings", {"n": 1})  # redis checks the password on first command
    assert "authentication" in str(caught.value) or "Authorization" in str(caught.value)


@pytest.mark.parametrize("engine", ["nats", "redis", "kafka"])
def test_connection_dropped_mid_tap(capsys, write_tree, private_server, engine):  # type: ignore[no-untyped-def]
    write_tree({"contracts/shop/ping.yaml": CONTRACT})
    url, proc = private_server(engine)
    broker = connect(url)
    broker.create_topic("pings")
    for n in range(3):
        broker.publish("pings", {"n": n}, key="one")  # one Kafka partition: one order
    broker.close()
    result: list[int] = []
    thread = threading.Thread(target=lambda: result.append(main(
        ["tap", "--broker", url, "--channel", "pings", "--from", "earliest", "--duration", "8",
         "--format", "json"])))
    thread.start()
    # Let the tap read the three events first (a Kafka group takes 3 s to form).
    threading.Event().wait(5.0 if engine == "kafka" else 1.0)
    proc.kill()
    thread.join(timeout=15)
    out, err = capsys.readouterr()
    assert result == [2]
    report = json.loads(out)
    assert report["counts"][0]["valid"] == 3 and report["stopped"]
    assert err.startswith("error: ") and "Traceback" not in err
