"""Real nats-server and redis-server for the adapter tests, started once per session.

ACCORD_NATS_URL / ACCORD_REDIS_URL point at servers already running. Otherwise the
binaries come from PATH and listen on a free loopback port; without them the tests skip,
except under CI (env CI set), where a missing engine is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

START_TIMEOUT_S = 10.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_listening(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server did not listen on port {port} in {START_TIMEOUT_S} s")


def _missing(binary: str) -> None:
    reason = f"{binary} not on PATH (apt-get install {binary}); adapter tests need it"
    if os.environ.get("CI"):
        pytest.fail(reason + " and CI is set", pytrace=False)
    pytest.skip(reason)


def _serve(argv: list[str], port: int) -> Iterator[None]:
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_listening(port, proc)
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@pytest.fixture(scope="session")
def nats_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if os.environ.get("ACCORD_NATS_URL"):
        yield os.environ["ACCORD_NATS_URL"]
        return
    binary = shutil.which("nats-server")
    if binary is None:
        _missing("nats-server")
    port = _free_port()
    store: Path = tmp_path_factory.mktemp("jetstream")
    yield from _wrap(_serve([str(binary), "-js", "-a", "127.0.0.1", "-p", str(port),
                             "-sd", str(store)], port), f"nats://127.0.0.1:{port}")


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    if os.environ.get("ACCORD_REDIS_URL"):
        yield os.environ["ACCORD_REDIS_URL"]
        return
    binary = shutil.which("redis-server")
    if binary is None:
        _missing("redis-server")
    port = _free_port()
    yield from _wrap(_serve([str(binary), "--port", str(port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no"], port),
                     f"redis://127.0.0.1:{port}/0")


def _wrap(server: Iterator[None], url: str) -> Iterator[str]:
    next(server)
    try:
        yield url
    finally:
        next(server, None)


@pytest.fixture(params=["nats", "redis"])
def engine(request: pytest.FixtureRequest) -> str:
    """The URL of each engine in turn."""
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def unique() -> str:
    """A name no other test uses: the servers live for the whole session."""
    return f"t{time.time_ns() % 10**12}"


@pytest.fixture
def private_server(tmp_path: Path) -> Iterator[Callable[..., tuple[str, subprocess.Popen[bytes]]]]:
    """Start a server of one's own (to stop it mid-run, or with a password)."""
    procs: list[subprocess.Popen[bytes]] = []

    def start(engine: str, *extra: str) -> tuple[str, subprocess.Popen[bytes]]:
        binary = shutil.which(f"{engine}-server")
        if binary is None:
            _missing(f"{engine}-server")
        port = _free_port()
        if engine == "nats":
            argv = [str(binary), "-js", "-a", "127.0.0.1", "-p", str(port),
                    "-sd", str(tmp_path / f"js{port}"), *extra]
            url = f"nats://127.0.0.1:{port}"
        else:
            argv = [str(binary), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                    "--appendonly", "no", *extra]
            url = f"redis://127.0.0.1:{port}/0"
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(proc)
        _wait_listening(port, proc)
        return url, proc

    yield start
    for proc in procs:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()


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
