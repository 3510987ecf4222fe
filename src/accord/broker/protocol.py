"""The interface the simulator drives: the embedded broker now, real engines later.

An adapter for NATS JetStream, Redis Streams or Kafka implements these Protocols; the
simulator and tests only ever see them. ``advance`` on a real engine sleeps (or is a
no-op when the engine's own timers run on wall-clock time).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, Protocol, runtime_checkable

from .metrics import BrokerMetrics
from .records import DeadLetter, Key, PublishResult


@runtime_checkable
class Message(Protocol):
    """One delivery: the record, its attempt number, and how to settle it."""

    @property
    def topic(self) -> str: ...
    @property
    def partition(self) -> int: ...
    @property
    def offset(self) -> int: ...
    @property
    def timestamp(self) -> int: ...
    @property
    def key(self) -> Key: ...
    @property
    def value(self) -> Any: ...
    @property
    def headers(self) -> Mapping[str, str | bytes]: ...
    @property
    def attempt(self) -> int: ...
    @property
    def group(self) -> str: ...

    def ack(self) -> None: ...
    def nack(self, delay_ms: int = 0, error: object = None) -> None: ...


@runtime_checkable
class Subscription(Protocol):
    """A member of a consumer group."""

    @property
    def member_id(self) -> str: ...

    def poll(self, max_records: int = 500) -> Sequence[Message]: ...
    def close(self) -> None: ...
    def crash(self) -> None: ...


@runtime_checkable
class Broker(Protocol):
    """What the simulator needs from a broker."""

    @property
    def now(self) -> int: ...

    def create_topic(
        self,
        name: str,
        partitions: int = 1,
        retention_ms: int | None = None,
        retention_bytes: int | None = None,
        compact: bool = False,
        dead_letter: bool = True,
    ) -> object: ...

    def publish(
        self,
        topic: str,
        value: object,
        key: Key = None,
        headers: Mapping[str, str | bytes] | None = None,
        msg_id: str | None = None,
    ) -> PublishResult: ...

    def subscribe(
        self,
        topic: str,
        group: str,
        *,
        max_deliveries: int = 5,
        ack_timeout_ms: int = 30_000,
        max_in_flight: int = 100,
    ) -> Subscription: ...

    def seek(
        self,
        group: str,
        topic: str,
        *,
        offset: int | None = None,
        timestamp: int | None = None,
        to: Literal["earliest", "latest"] | None = None,
    ) -> Mapping[int, int]: ...

    def advance(self, ms: int) -> int: ...
    def dead_letters(self, topic: str) -> Sequence[DeadLetter]: ...
    def metrics(self) -> BrokerMetrics: ...
