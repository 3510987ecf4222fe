"""Helpers for the simulator tests: the repo's registry, loaded once."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from accord.registry import Registry, load_registry

REPO = Path(__file__).resolve().parents[2]


@cache
def registry() -> Registry:
    return load_registry(str(REPO / "contracts"))


def scenario(consumer: dict[str, Any], *, events: int = 150, seed: int = 3,
             producer: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """A one-producer, one-consumer scenario over the example registry."""
    return {
        "seed": seed,
        "events": events,
        "topics": {"orders": {"partitions": 2}, "payments": {"partitions": 2}},
        "producers": [producer or {"service": "order-service", "event": "orders.OrderPlaced",
                                   "rate": "100/s", "keys": 10}],
        "consumers": [consumer],
        **extra,
    }
