"""Realistic values for JSON Schema `format`s.

`format` is only an annotation to validators, but consumers parse these fields (a date-time
goes to `datetime.fromisoformat`), so samples must look like the real thing.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable

_NAMES = ("ada", "grace", "linus", "zoë", "renée", "jürgen", "小明", "o'brien", "x")
_LOCALS = ("ada.lovelace", "grace", "j.doe+orders", "user_42", "a", "o'brien", "first.last")
_DOMAINS = ("example.com", "example.org", "mail.example.co.uk", "ex-ample.io", "a.de")
_PATHS = ("", "/", "/orders/42", "/search?q=caf%C3%A9&page=2", "/a/b/c.html#top", "/%E2%9C%93")


def _datetime(rng: random.Random) -> str:
    year = rng.choice((1970, 2000, 2024, 2026, 2038, 2099, rng.randint(2001, 2035)))
    month = rng.randint(1, 12)
    day = 29 if month == 2 and year % 4 == 0 and rng.random() < 0.5 else rng.randint(1, 28)
    clock = f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    fraction = rng.choice(("", "", f".{rng.randint(0, 999):03d}", f".{rng.randint(0, 999999):06d}"))
    zone = rng.choice(("Z", "Z", "+00:00", "+05:30", "-08:00"))
    return f"{year:04d}-{month:02d}-{day:02d}T{clock}{fraction}{zone}"


def _date(rng: random.Random) -> str:
    return _datetime(rng)[:10]


def _time(rng: random.Random) -> str:
    return _datetime(rng)[11:]


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _email(rng: random.Random) -> str:
    return f"{rng.choice(_LOCALS)}@{rng.choice(_DOMAINS)}"


def _hostname(rng: random.Random) -> str:
    return rng.choice(_DOMAINS)


def _uri(rng: random.Random) -> str:
    return f"https://{rng.choice(_DOMAINS)}{rng.choice(_PATHS)}"


def _ipv4(rng: random.Random) -> str:
    return ".".join(str(rng.randint(0, 255)) for _ in range(4))


def _ipv6(rng: random.Random) -> str:
    return rng.choice(("::1", "2001:db8::8a2e:370:7334",
                       ":".join(f"{rng.getrandbits(16):x}" for _ in range(8))))


def _duration(rng: random.Random) -> str:
    return rng.choice(("P1D", "PT15M", "P3DT4H", "P1Y2M", f"PT{rng.randint(1, 3600)}S"))


FORMATS: dict[str, Callable[[random.Random], str]] = {
    "date-time": _datetime,
    "date": _date,
    "time": _time,
    "uuid": _uuid,
    "email": _email,
    "idn-email": lambda rng: f"{rng.choice(_NAMES)}@{rng.choice(_DOMAINS)}",
    "hostname": _hostname,
    "idn-hostname": lambda rng: rng.choice(("bücher.example", *_DOMAINS)),
    "uri": _uri,
    "iri": _uri,
    "url": _uri,
    "uri-reference": lambda rng: rng.choice((_uri(rng), "/orders/42", "../a?b=c")),
    "iri-reference": lambda rng: rng.choice((_uri(rng), "/café")),
    "uri-template": lambda rng: "https://example.com/orders/{order_id}",
    "ipv4": _ipv4,
    "ipv6": _ipv6,
    "duration": _duration,
    "json-pointer": lambda rng: rng.choice(("", "/a", "/items/0/sku", "/a~1b")),
    "relative-json-pointer": lambda rng: rng.choice(("0", "1/a")),
    "regex": lambda rng: rng.choice(("^[a-z]+$", "a|b", ".*")),
}
