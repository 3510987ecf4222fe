"""Real nats-server, redis-server and a Kafka-protocol cluster for the adapter tests,
started once per session.

ACCORD_NATS_URL / ACCORD_REDIS_URL / ACCORD_KAFKA_URL point at servers already running.
Otherwise `accord.broker.adapters.local` starts the binaries from PATH on a free loopback
port, and librdkafka's mock cluster from the installed confluent-kafka wheel in a process
of its own; without them the tests skip, except under CI (env CI set), where a missing
engine is a failure.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from accord.broker.adapters import local
from accord.broker.adapters.local import LocalServer


def _missing(binary: str) -> None:
    reason = (f"{binary} not on PATH (apt-get install {binary}); adapter tests need it"
              if binary != "kafka-server" else
              "confluent-kafka is not installed (its wheel carries the mock Kafka cluster)")
    if os.environ.get("CI"):
        pytest.fail(reason + " and CI is set", pytrace=False)
    pytest.skip(reason)


def _start(engine: str, *extra: str) -> LocalServer:
    if local.binary(engine) is None:
        _missing(f"{engine}-server")
    return local.start(engine, *extra)


def _session_server(engine: str) -> Iterator[str]:
    variable = f"ACCORD_{engine.upper()}_URL"
    if os.environ.get(variable):
        yield os.environ[variable]
        return
    server = _start(engine)
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def nats_url() -> Iterator[str]:
    yield from _session_server("nats")


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    yield from _session_server("redis")


@pytest.fixture(scope="session")
def kafka_url() -> Iterator[str]:
    """librdkafka's mock cluster (3 brokers) from the confluent-kafka wheel."""
    yield from _session_server("kafka")


@pytest.fixture(params=["nats", "redis", "kafka"])
def engine(request: pytest.FixtureRequest) -> str:
    """The URL of each engine in turn."""
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def unique() -> str:
    """A name no other test uses: the servers live for the whole session."""
    return f"t{time.time_ns() % 10**12}"


@pytest.fixture
def private_server() -> Iterator[Callable[..., tuple[str, subprocess.Popen[bytes]]]]:
    """Start a server of one's own (to stop it mid-run, or with a password)."""
    servers: list[LocalServer] = []

    def start(engine: str, *extra: str) -> tuple[str, subprocess.Popen[bytes]]:
        server = _start(engine, *extra)
        servers.append(server)
        return server.url, server.proc

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def engine_connect() -> Iterator[Callable[..., Any]]:
    """``accord.broker.adapters.connect`` whose brokers are closed after the test."""
    from accord.broker.adapters import connect

    opened: list[Any] = []

    def open_(url: str, **kwargs: Any) -> Any:
        broker = connect(url, **kwargs)
        opened.append(broker)
        return broker

    yield open_
    for broker in opened:
        broker.close()
