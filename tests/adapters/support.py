"""What the per-engine adapter tests share."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

Connect = Callable[..., Any]


def poll_until(sub: Any, count: int, timeout_s: float = 3.0) -> list[Any]:
    """Poll ``sub`` until ``count`` messages came, or ``timeout_s`` passed."""
    got: list[Any] = []
    deadline = time.monotonic() + timeout_s
    while len(got) < count and time.monotonic() < deadline:
        got.extend(sub.poll(100, timeout_ms=50))
    return got
