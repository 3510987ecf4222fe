"""Throwaway engine servers for tests, benchmarks and the tour.

``nats-server`` (with JetStream) or ``redis-server`` from PATH (and Debian's ``/usr/sbin``),
on a free loopback port, with storage that goes away with it; for ``kafka``, librdkafka's
mock cluster from the installed confluent-kafka wheel (`kafka_mock`), in a process of its
own. Your own suite can use it the way Accord's does::

    with serve("nats") as url:
        broker = connect(url)
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .base import AdapterError

START_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 5.0
ENGINES = ("nats", "redis", "kafka")


class ServerUnavailable(AdapterError):
    """The server binary is not installed, or did not start listening."""


def binary(engine: str) -> str | None:
    """The path of ``<engine>-server``, or None when it is not installed (for ``kafka``:
    this Python, when the confluent-kafka wheel is installed)."""
    if engine == "kafka":
        import importlib.util

        return sys.executable if importlib.util.find_spec("confluent_kafka") else None
    path = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
    return shutil.which(f"{engine}-server", path=path)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LocalServer:
    """One running server; ``stop`` ends it and removes its storage."""

    engine: str
    url: str
    proc: subprocess.Popen[bytes]
    _store: tempfile.TemporaryDirectory[str] | None = field(default=None, repr=False)

    @property
    def store(self) -> Path | None:
        """Where a NATS server keeps its streams (removed by ``stop``)."""
        return Path(self._store.name) if self._store is not None else None

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=STOP_TIMEOUT_S)
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()
        if self._store is not None:
            self._store.cleanup()
            self._store = None


def start(engine: str, *extra: str) -> LocalServer:
    """Start ``engine``'s server with ``extra`` arguments (a password, say) and wait for it."""
    path = binary(engine)
    if engine == "kafka":
        if path is None:
            raise ServerUnavailable("the Kafka mock cluster needs confluent-kafka: "
                                    "pip install 'accord[engines]'")
        return _start_mock(path, *extra)
    if engine not in ENGINES or path is None:
        raise ServerUnavailable(f"{engine}-server is not installed "
                                f"(Debian: apt-get install {engine}-server)")
    port = free_port()
    store = None
    if engine == "nats":
        store = tempfile.TemporaryDirectory(prefix="accord-jetstream-")
        argv = [path, "-js", "-a", "127.0.0.1", "-p", str(port), "-sd", store.name, *extra]
        url = f"nats://127.0.0.1:{port}"
    else:
        argv = [path, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", *extra]
        url = f"redis://127.0.0.1:{port}/0"
    server = LocalServer(engine, url, subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), store)
    try:
        _wait_listening(port, server.proc)
    except BaseException:
        server.stop()
        raise
    return server


def _start_mock(python: str, *extra: str) -> LocalServer:
    """librdkafka's mock cluster in a child process; its first line is its URL."""
    proc = subprocess.Popen([python, "-m", "accord.broker.adapters.kafka_mock", "--stdin",
                             *extra], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    server = LocalServer("kafka", "", proc)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().decode().strip()
        if not line.startswith("kafka://"):
            raise ServerUnavailable(f"the Kafka mock cluster did not start "
                                    f"(exit {proc.poll()})")
        server.url = line
        port = line[len("kafka://"):].split(",")[0].rpartition(":")[2]
        _wait_listening(int(port), proc)
    except BaseException:
        server.stop()
        raise
    return server


def _wait_listening(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ServerUnavailable(f"the server exited with {proc.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise ServerUnavailable(f"the server did not listen on port {port} in {START_TIMEOUT_S} s")


@contextmanager
def serve(engine: str, *extra: str) -> Iterator[str]:
    """A server for the ``with`` block; yields its URL."""
    server = start(engine, *extra)
    try:
        yield server.url
    finally:
        server.stop()
