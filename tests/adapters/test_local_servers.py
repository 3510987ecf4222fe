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
    with pytest.raises(local.ServerUnavailable, match="rabbitmq-server is not installed"):
        local.start("rabbitmq")


def test_the_kafka_mock_cluster_serves_then_stops(kafka_url: str) -> None:
    # kafka_url proves confluent-kafka is installed (or skips, or fails under CI)
    server = local.start("kafka")
    try:
        assert server.url.startswith("kafka://127.0.0.1:") and server.url.count(",") == 2
        broker = connect(server.url)
        assert broker.mock  # type: ignore[attr-defined]
        broker.publish("pings", {"n": 1}, key="k")
        assert broker.exists("pings")
        broker.close()
    finally:
        server.stop()
    assert server.proc.returncode is not None
