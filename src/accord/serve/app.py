"""The ASGI application: routes a request to the catalog's answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, unquote

from accord.serve.catalog import Catalog, error

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

CONTENT_TYPE = b"application/vnd.schemaregistry.v1+json"
MAX_BODY = 4 * 1024 * 1024
"""A schema lookup carries one schema; more than this is refused, not buffered."""


def _path(scope: Scope) -> tuple[str, ...]:
    # Split the raw path before decoding, so that an encoded "/" inside a subject name
    # stays part of the name (clients quote subjects with safe='').
    raw = scope.get("raw_path") or scope["path"].encode()
    text = raw.decode("latin-1").split("?", 1)[0]
    return tuple(unquote(part) for part in text.split("/") if part)


async def _read(receive: Receive) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


class RegistryApp:
    """Confluent Schema Registry's REST API over one catalog, read-only."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        method = scope["method"]
        path = _path(scope)
        if method in ("GET", "HEAD"):
            status, body = self.catalog.get(path)
        elif method == "POST":
            raw = await _read(receive)
            if raw is None:
                status, body = error(413, 413, f"request body over {MAX_BODY} bytes")
            else:
                query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
                status, body = self.catalog.post(path, query, raw)
        else:
            status, body = self.catalog.read_only(f"{method} /{'/'.join(path)}")
        await send({
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", CONTENT_TYPE),
                        (b"content-length", str(len(body)).encode())],
        })
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body})
