"""What every security test needs: a loopback listener that fails the test on any
connection, and the CLI run in a subprocess bounded in time and memory."""

from __future__ import annotations

import json
import os
import resource
import socket
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

MEMORY_BYTES = 2 * 1024**3
SECONDS = 60


@dataclass
class Listener:
    """A TCP listener on loopback; ``connections`` counts who knocked."""

    port: int
    connections: list[tuple[str, int]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
def listener() -> Iterator[Listener]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.settimeout(0.2)
    found = Listener(sock.getsockname()[1])
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, peer = sock.accept()
            except OSError:
                continue
            found.connections.append(peer)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield found
    stop.set()
    thread.join(timeout=5)
    sock.close()
    assert found.connections == [], f"something connected to the listener: {found.connections}"


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def accord(cwd: Path, *args: str) -> Run:
    """The CLI as a user runs it, in a process of its own, bounded in time and memory."""
    result = subprocess.run([sys.executable, "-m", "accord", *args], cwd=cwd, text=True,
                            capture_output=True, timeout=SECONDS, preexec_fn=_limits,
                            env={**os.environ, "PYTHONWARNINGS": "default"})
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    return Run(result.returncode, result.stdout, result.stderr)


CONTRACT = """\
event: orders.OrderPlaced
summary: A customer placed an order.
owner: team-orders
channel: orders
producers: [order-service]
consumers: [email-service]
versions:
  1:
    schema:
      type: object
      properties:
        order_id: {type: string, description: The order.}
        {extra}
    examples:
      - {{order_id: o-1}}
"""


def project(root: Path, extra: str = "", files: dict[str, str] | None = None) -> Path:
    """A registry folder with one contract; ``extra`` is one more property line."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text('[tool.accord]\nregistry = "contracts"\n')
    contract = root / "contracts/orders/order_placed.yaml"
    contract.parent.mkdir(parents=True, exist_ok=True)
    contract.write_text(CONTRACT.replace("{extra}", extra).replace("{{", "{").replace("}}", "}"))
    for rel, text in (files or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(textwrap.dedent(text))
    return root


def asyncapi(messages: dict[str, dict[str, object]]) -> str:
    """A minimal AsyncAPI 3.0 document with these messages on one channel."""
    return json.dumps({
        "asyncapi": "3.0.0", "info": {"title": "t", "version": "1"},
        "channels": {"orders": {"address": "orders", "messages": {
            k: {"$ref": f"#/components/messages/{k}"} for k in messages}}},
        "operations": {"send": {"action": "send", "channel": {"$ref": "#/channels/orders"}}},
        "components": {"messages": messages},
    })
