"""`accord.broker.adapters.local`: throwaway servers for tests, benchmarks and the tour."""

from __future__ import annotations

import pytest

from accord.broker.adapters import connect, local


def test_a_server_serves_then_leaves_nothing(nats_url: str) -> None:
    # nats_url proves nats-server is installed (or skips, or fails under CI)
    server = local.start("nats")
    try:
        broker = connect(server.url)
        broker.create_topic("pings")
        assert broker.publish("pings", {"n": 1}).offset == 1
        broker.close()
        store = server.store
        assert store is not None and store.is_dir()
    finally:
        server.stop()
    assert server.proc.returncode is not None and not store.exists()


def test_unknown_engine_is_one_clear_error() -> None:
    with pytest.raises(local.ServerUnavailable, match="kafka-server is not installed"):
        local.start("kafka")
