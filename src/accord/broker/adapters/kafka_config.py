"""A ``kafka://`` URL as librdkafka configuration: servers, SASL, TLS, a properties file.

``kafka://[user:password@]host:port[,host:port][?key=value&...]``

- ``user:password@`` sets ``sasl.username`` and ``sasl.password`` (``sasl.mechanism``
  defaults to ``PLAIN`` and ``security.protocol`` to ``SASL_SSL``: a password is never
  sent in clear unless the URL says ``security.protocol=SASL_PLAINTEXT``).
- Every other query key is a librdkafka property (``security.protocol``,
  ``sasl.mechanism``, ``ssl.ca.location``, ``ssl.certificate.location``, ...).
- ``config=PATH`` reads a librdkafka/Java properties file (``key=value`` lines, ``#``
  comments) first; the URL's own keys win over it.

Anything the adapter sets for its own semantics (group ids, commits, idempotence) is not
taken from the URL, so a URL cannot weaken at-least-once delivery.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, unquote

from .base import AdapterError, redact

RESERVED = frozenset({
    "bootstrap.servers", "group.id", "enable.auto.commit", "enable.auto.offset.store",
    "enable.idempotence", "acks", "partition.assignment.strategy", "auto.offset.reset",
    "isolation.level", "partitioner"})
"""Keys the adapter owns: at-least-once and murmur2 partitioning depend on them."""


def _properties(path: str, shown: str) -> dict[str, str]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise AdapterError(f"kafka URL {shown}: cannot read config file {path!r}: "
                           f"{exc.strerror or exc}") from None
    out: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith(("#", "!")):
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise AdapterError(f"{path}:{number}: expected key=value, got {line[:60]!r}")
        out[key.strip()] = value.strip()
    return out


def parse(url: str) -> dict[str, str]:
    """librdkafka settings for ``url``: ``bootstrap.servers`` and the security keys."""
    shown = redact(url)
    rest = url.partition("://")[2]
    rest, _, query = rest.partition("?")
    rest = rest.rstrip("/")
    userinfo, at, servers = rest.rpartition("@")
    if not at:
        servers, userinfo = rest, ""
    if not servers:
        raise AdapterError(f"kafka URL {shown} names no server: use kafka://HOST:PORT")
    for server in servers.split(","):
        host, colon, port = server.rpartition(":")
        if not colon or not host or not port.isdigit():
            raise AdapterError(f"kafka URL {shown}: {server!r} is not HOST:PORT")
    settings: dict[str, str] = {}
    options = parse_qsl(query, keep_blank_values=True)
    for key, value in options:
        if key == "config":
            settings.update(_properties(value, shown))
    for key, value in options:
        if key != "config":
            settings[key] = value
    owned = sorted(RESERVED & settings.keys())
    if owned:
        raise AdapterError(f"kafka URL {shown}: {', '.join(owned)} is set by Accord itself "
                           "(at-least-once delivery and key partitioning depend on it)")
    if userinfo:
        user, _, password = userinfo.partition(":")
        settings.setdefault("sasl.username", unquote(user))
        settings.setdefault("sasl.password", unquote(password))
        settings.setdefault("sasl.mechanism", "PLAIN")
        settings.setdefault("security.protocol", "SASL_SSL")
    settings["bootstrap.servers"] = servers
    return settings
