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


# Handlers and checks for the tests, imported by path as a scenario names them.

def fails_first_attempt(event: dict[str, Any], ctx: Any) -> None:
    """Fails some events' first delivery: the retry comes after later events of its key."""
    if ctx.attempt == 1 and int(ctx.id[1:]) % 3 == 0:
        raise RuntimeError("transient")
    ctx.state.set(f"seen/{ctx.id}", True)


def publishes_bad_output(event: dict[str, Any], ctx: Any) -> None:
    """Emits an OrderPaid without most of its required fields."""
    ctx.publish("orders.OrderPaid", {"order_id": event["order_id"]})


def counts_deliveries(event: dict[str, Any], ctx: Any) -> None:
    """An 'event-sourced' projection that counts deliveries, not events."""
    ctx.state.incr("deliveries")


def at_most_ten_rows(outcome: Any) -> str | None:
    """A user invariant over the outcome."""
    rows = len(outcome.states["analytics"])
    return None if rows <= 10 else f"{rows} rows, expected at most 10"


def takes_classes(event: Any, ctx: Any) -> None:
    """Gets the generated class (``payload: class``): attributes, not keys."""
    ctx.state.set(f"order/{event.order_id}/{ctx.id}", type(event).__name__)


def records_attempts(event: dict[str, Any], ctx: Any) -> None:
    """Keeps the highest delivery attempt seen per event: redelivery shows as 2 or more."""
    key = f"attempt/{ctx.id}"
    ctx.state.set(key, max(ctx.attempt, ctx.state.get(key) or 0))


ORDER_FLOW = {"start": "orders.OrderPlaced", "steps": {
    "orders.OrderPlaced": {"next": {"orders.OrderPaid": 0.7, "orders.OrderCancelled": 0.3},
                           "after": "200ms..1s"},
    "orders.OrderPaid": {"next": {"orders.OrderShipped": 1}, "after": "1s"},
    "orders.OrderShipped": {"next": {"orders.OrderDelivered": 1}, "after": "500ms..2s"},
    "orders.OrderDelivered": {},
    "orders.OrderCancelled": {}}}
"""An order's lifecycle: placed → paid → shipped → delivered, or placed → cancelled."""


def flow_scenario(consumer: dict[str, Any], *, events: int = 300, seed: int = 5,
                  faults: dict[str, Any] | None = None,
                  invariants: list[str] | None = None) -> dict[str, Any]:
    """Orders walking ORDER_FLOW, one consumer."""
    return {"seed": seed, "events": events, "topics": {"orders": {"partitions": 2}},
            "producers": [{"service": "order-service", "flow": ORDER_FLOW, "rate": "20/s"}],
            "consumers": [consumer], "faults": faults or {},
            "invariants": invariants or ["no-loss", "causal-order", "terminal-last"]}


STATUS = {"orders.OrderPlaced": "placed", "orders.OrderPaid": "paid",
          "orders.OrderShipped": "shipped", "orders.OrderDelivered": "delivered",
          "orders.OrderCancelled": "cancelled"}


def order_status(event: dict[str, Any], ctx: Any) -> None:
    """The order's status as its events say: the last one handled wins."""
    ctx.state[f"order/{ctx.key}"] = STATUS[ctx.event]


def counts_events(event: dict[str, Any], ctx: Any) -> None:
    """Counts every delivery it handles: not idempotent."""
    ctx.state.incr("handled")


def remembers_events(event: dict[str, Any], ctx: Any) -> None:
    """Remembers each event by its id: a repeat changes nothing (idempotent)."""
    ctx.state[f"seen/{ctx.id}"] = ctx.event


def interrupting(event: dict[str, Any], ctx: Any) -> None:
    """Ctrl-C pressed while a handler runs: not a handler error, the run stops."""
    raise KeyboardInterrupt
