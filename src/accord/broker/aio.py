"""An asyncio facade over the same core, with the virtual clock tied to real time.

The core stays synchronous and deterministic; this layer moves its clock to "elapsed
real ms" whenever it is touched, so ack timeouts and nack delays fire in real time.
Nothing runs in the background: a waiting ``poll`` wakes on a publish or every
``poll_interval_ms`` to let due timers fire.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any, Literal

from .consumer import Consumer
from .core import EmbeddedBroker
from .groups import Mode
from .metrics import BrokerMetrics
from .records import IN_FLIGHT, DeadLetter, Delivery, Key, PublishResult
from .topic import TopicConfig

Handler = Callable[[Delivery], Awaitable[None]]


class AsyncBroker:
    """``EmbeddedBroker`` for async code: awaitable publish, waiting polls, handlers.

    ``clock`` returns seconds (``time.monotonic`` by default); pass a fake one to
    drive time by hand in tests. ``core`` is the underlying ``EmbeddedBroker``.
    """

    def __init__(
        self,
        seed: int = 0,
        *,
        clock: Callable[[], float] = time.monotonic,
        poll_interval_ms: int = 5,
        dedup_window_ms: int = 120_000,
        trace: bool = False,
    ) -> None:
        self.core = EmbeddedBroker(seed, dedup_window_ms=dedup_window_ms, trace=trace)
        self._clock = clock
        self._started = clock()
        self.poll_interval_ms = poll_interval_ms
        self._changed: asyncio.Event | None = None

    async def __aenter__(self) -> AsyncBroker:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()

    def sync(self) -> int:
        """Advance the core's virtual clock to the real time elapsed; returns it."""
        elapsed = int((self._clock() - self._started) * 1000)
        now = self.core.now
        if elapsed > now:
            self.core.advance(elapsed - now)
            self._notify()
        return self.core.now

    def _notify(self) -> None:
        if self._changed is not None:
            self._changed.set()
            self._changed = None

    async def _wait_change(self, timeout: float) -> None:
        if self._changed is None:
            self._changed = asyncio.Event()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), timeout)

    def create_topic(
        self,
        name: str,
        partitions: int = 1,
        retention_ms: int | None = None,
        retention_bytes: int | None = None,
        compact: bool = False,
        dead_letter: bool = True,
    ) -> TopicConfig:
        """As ``EmbeddedBroker.create_topic``."""
        return self.core.create_topic(
            name, partitions, retention_ms, retention_bytes, compact, dead_letter
        )

    async def publish(
        self,
        topic: str,
        value: object,
        key: Key = None,
        headers: Mapping[str, str | bytes] | None = None,
        msg_id: str | None = None,
    ) -> PublishResult:
        """As ``EmbeddedBroker.publish``, and wake waiting consumers."""
        self.sync()
        result = self.core.publish(topic, value, key, headers, msg_id)
        self._notify()
        await asyncio.sleep(0)  # let woken consumers run, as a network round trip would
        return result

    def subscribe(
        self,
        topic: str,
        group: str,
        *,
        max_deliveries: int = 5,
        ack_timeout_ms: int = 30_000,
        max_in_flight: int = 100,
        mode: Mode = "partitioned",
        start: Literal["earliest", "latest"] = "earliest",
    ) -> AsyncConsumer:
        """As ``EmbeddedBroker.subscribe``, returning an ``AsyncConsumer``."""
        self.sync()
        consumer = self.core.subscribe(
            topic,
            group,
            max_deliveries=max_deliveries,
            ack_timeout_ms=ack_timeout_ms,
            max_in_flight=max_in_flight,
            mode=mode,
            start=start,
        )
        return AsyncConsumer(self, consumer)

    def seek(
        self,
        group: str,
        topic: str,
        *,
        offset: int | None = None,
        timestamp: int | None = None,
        to: Literal["earliest", "latest"] | None = None,
        partition: int | None = None,
    ) -> dict[int, int]:
        """As ``EmbeddedBroker.seek``."""
        self.sync()
        moved = self.core.seek(
            group, topic, offset=offset, timestamp=timestamp, to=to, partition=partition
        )
        self._notify()
        return moved

    def dead_letters(self, topic: str) -> list[DeadLetter]:
        """As ``EmbeddedBroker.dead_letters``."""
        self.sync()
        return self.core.dead_letters(topic)

    def metrics(self) -> BrokerMetrics:
        """As ``EmbeddedBroker.metrics``."""
        self.sync()
        return self.core.metrics()

    def close(self) -> None:
        """Close every open consumer (their unacked deliveries go back to the groups)."""
        for consumer in list(self.core._consumers):
            consumer.close()
        self._notify()


class AsyncConsumer:
    """A group member for async code; ``async for delivery in consumer`` works."""

    def __init__(self, broker: AsyncBroker, consumer: Consumer) -> None:
        self.broker = broker
        self.consumer = consumer

    @property
    def member_id(self) -> str:
        """The member's id in its group."""
        return self.consumer.member_id

    async def poll(self, max_records: int = 500, timeout_ms: int = 1000) -> list[Delivery]:
        """Deliveries as soon as there are any, or ``[]`` after ``timeout_ms`` real ms."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_ms / 1000
        while True:
            self.broker.sync()
            batch = self.consumer.poll(max_records)
            if batch:
                return batch
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            await self.broker._wait_change(min(remaining, self.broker.poll_interval_ms / 1000))

    async def __aiter__(self) -> AsyncIterator[Delivery]:
        while self.consumer.open:
            for delivery in await self.poll(timeout_ms=self.broker.poll_interval_ms * 20):
                yield delivery

    async def run(self, handler: Handler, *, idle_timeout_ms: int | None = None) -> int:
        """Feed every delivery to ``handler``: ack on return, nack with the exception on raise.

        Runs until the consumer is closed, the task is cancelled, or nothing arrives for
        ``idle_timeout_ms``. Returns how many deliveries the handler completed.
        """
        handled = 0
        while self.consumer.open:
            batch = await self.poll(timeout_ms=idle_timeout_ms or 1000)
            if not batch and idle_timeout_ms is not None:
                return handled
            for delivery in batch:
                try:
                    await handler(delivery)
                except Exception as exc:  # the handler's failure is the record's failure
                    self.broker.sync()
                    if delivery._state == IN_FLIGHT:  # not settled nor timed out meanwhile
                        delivery.nack(error=exc)
                    continue
                self.broker.sync()
                if delivery._state == IN_FLIGHT:
                    delivery.ack()
                    handled += 1
        return handled

    def close(self) -> None:
        """Leave the group."""
        self.broker.sync()
        self.consumer.close()
        self.broker._notify()

    def crash(self) -> None:
        """Die without a goodbye."""
        self.broker.sync()
        self.consumer.crash()
        self.broker._notify()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.consumer, name)
