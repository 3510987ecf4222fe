"""Adapters from the broker Protocol to real engines: NATS JetStream and Redis Streams."""

from .base import (
    AdapterError,
    ConnectionLost,
    EngineBroker,
    EngineMessage,
    EngineSubscription,
    PartialPublish,
    connect,
)

__all__ = [
    "AdapterError",
    "ConnectionLost",
    "EngineBroker",
    "EngineMessage",
    "EngineSubscription",
    "PartialPublish",
    "connect",
]
