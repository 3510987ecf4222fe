"""Running the registry API on uvicorn: in the foreground, or in a thread for tests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from accord.errors import UsageError
from accord.serve.app import RegistryApp
from accord.serve.catalog import Catalog


def _uvicorn() -> Any:
    try:
        import uvicorn
    except ImportError:
        raise UsageError(
            "serving the registry needs uvicorn: pip install 'accord[serve]'"
        ) from None
    return uvicorn


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(2048)
    sock.setblocking(False)
    return sock


def _config(catalog: Catalog) -> Any:
    uvicorn = _uvicorn()
    return uvicorn.Config(RegistryApp(catalog), lifespan="off", access_log=False,
                          log_level="warning", server_header=False, date_header=False)


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def serve_forever(catalog: Catalog, host: str, port: int,
                  ready: Callable[[str], None] | None = None) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM)."""
    sock = _bind(host, port)
    server = _uvicorn().Server(_config(catalog))
    if ready is not None:
        ready(url_of(sock))
    server.run(sockets=[sock])


class BackgroundServer:
    """The API on a free loopback port, in a daemon thread; ``with`` stops it."""

    def __init__(self, catalog: Catalog, host: str = "127.0.0.1", port: int = 0) -> None:
        self._sock = _bind(host, port)
        self.url = url_of(self._sock)
        self._server = _uvicorn().Server(_config(catalog))
        self._thread = threading.Thread(target=self._server.run,
                                        kwargs={"sockets": [self._sock]}, daemon=True,
                                        name="accord-registry-server")

    def start(self) -> BackgroundServer:
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise UsageError(f"the registry server on {self.url} did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
