"""The asyncio facade, run with ``asyncio.run`` (no pytest-asyncio needed)."""

from __future__ import annotations

import asyncio

import pytest

from accord.broker import AsyncBroker, Broker, Delivery, EmbeddedBroker, StaleDeliveryError


class FakeClock:
    """Seconds, moved by hand: real-time behaviour without waiting for real time."""

    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_publish_then_poll() -> None:
    async def main() -> list[object]:
        async with AsyncBroker(seed=1) as broker:
            broker.create_topic("orders", partitions=2)
            consumer = broker.subscribe("orders", "email")
            await broker.publish("orders", {"id": 1}, key="a")
            batch = await consumer.poll(timeout_ms=1000)
            for d in batch:
                d.ack()
            return [d.value for d in batch]

    assert asyncio.run(main()) == [{"id": 1}]


def test_poll_waits_for_a_publish() -> None:
    async def main() -> list[object]:
        broker = AsyncBroker()
        broker.create_topic("t")
        consumer = broker.subscribe("t", "g")
        waiting = asyncio.create_task(consumer.poll(timeout_ms=2000))
        await asyncio.sleep(0)
        assert not waiting.done()
        await broker.publish("t", "hello")
        return [d.value for d in await waiting]

    assert asyncio.run(main()) == ["hello"]


def test_poll_times_out_empty() -> None:
    async def main() -> list[Delivery]:
        broker = AsyncBroker()
        broker.create_topic("t")
        return await broker.subscribe("t", "g").poll(timeout_ms=10)

    assert asyncio.run(main()) == []


def test_ack_timeout_runs_on_the_given_clock() -> None:
    clock = FakeClock()

    async def main() -> None:
        broker = AsyncBroker(clock=clock)
        broker.create_topic("t")
        consumer = broker.subscribe("t", "g", ack_timeout_ms=500)
        await broker.publish("t", "x")
        (d,) = await consumer.poll()
        clock.t += 0.499
        assert await consumer.poll(timeout_ms=10) == []
        clock.t += 0.001
        (again,) = await consumer.poll()
        assert again.attempt == 2
        with pytest.raises(StaleDeliveryError):
            d.ack()
        assert broker.core.now == 500

    asyncio.run(main())


def test_run_acks_on_success_and_nacks_on_error() -> None:
    async def main() -> tuple[int, list[object]]:
        broker = AsyncBroker()
        broker.create_topic("t")
        for i in range(4):
            await broker.publish("t", i)
        seen: list[object] = []

        async def handler(d: Delivery) -> None:
            seen.append(d.value)
            if d.value == 2:
                raise ValueError("two is bad")

        consumer = broker.subscribe("t", "g", max_deliveries=2)
        handled = await consumer.run(handler, idle_timeout_ms=50)
        dead = broker.dead_letters("t")
        assert [(x.value, x.attempt, x.last_error) for x in dead] == [
            (2, 2, "ValueError: two is bad")
        ]
        assert broker.metrics().lag("g", "t") == 0
        return handled, seen

    assert asyncio.run(main()) == (3, [0, 1, 2, 3, 2])


def test_async_iteration_and_competing_consumers() -> None:
    async def main() -> list[list[object]]:
        broker = AsyncBroker()
        broker.create_topic("jobs")
        workers = [broker.subscribe("jobs", "w", mode="shared", max_in_flight=1) for _ in "ab"]
        for i in range(4):
            await broker.publish("jobs", i)
        got: list[list[object]] = [[], []]

        async def work(n: int) -> None:
            async for d in workers[n]:
                got[n].append(d.value)
                d.ack()
                await asyncio.sleep(0)
                if sum(map(len, got)) == 4:
                    for w in workers:
                        w.close()

        await asyncio.wait_for(asyncio.gather(work(0), work(1)), 5)
        return got

    got = asyncio.run(main())
    assert sorted(got[0] + got[1]) == [0, 1, 2, 3]
    assert got[0] and got[1]


def test_crash_hands_records_to_the_other_member() -> None:
    async def main() -> int:
        broker = AsyncBroker()
        broker.create_topic("t")
        a = broker.subscribe("t", "g")
        b = broker.subscribe("t", "g")
        await broker.publish("t", "x")
        assert len(await a.poll()) == 1
        a.crash()
        (d,) = await b.poll()
        return d.attempt

    assert asyncio.run(main()) == 2


def test_the_core_implements_the_broker_protocol() -> None:
    assert isinstance(EmbeddedBroker(), Broker)
