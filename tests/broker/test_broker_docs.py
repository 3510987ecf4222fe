"""The examples of site/docs/broker.md, run as written."""

from __future__ import annotations

import asyncio

from accord.broker import AsyncBroker, Delivery, EmbeddedBroker


def test_email_service_retries_then_dead_letters() -> None:
    broker = EmbeddedBroker(seed=0)
    broker.create_topic("orders", partitions=3)
    broker.publish("orders", {"order_id": "o-1", "total": "12.50"}, key="o-1")

    email = broker.subscribe("orders", "email-service", max_deliveries=3, ack_timeout_ms=5_000)
    (delivery,) = email.poll(10)
    assert delivery.value["order_id"] == "o-1" and delivery.attempt == 1
    delivery.nack(delay_ms=1_000, error="SMTP down")

    broker.advance(1_000)  # the nack delay runs out
    (again,) = email.poll(10)
    assert again.attempt == 2
    broker.advance(5_000)  # no ack within ack_timeout_ms
    (third,) = email.poll(10)
    third.nack(error="SMTP still down")  # third strike: dead-lettered

    (dead,) = broker.dead_letters("orders")
    assert dead.attempt == 3 and dead.headers["x-last-error"] == "SMTP still down"
    assert broker.metrics().lag("email-service", "orders") == 0


def test_async_example() -> None:
    seen: list[object] = []

    async def main() -> None:
        async with AsyncBroker(seed=0) as broker:
            broker.create_topic("orders")
            consumer = broker.subscribe("orders", "email")
            await broker.publish("orders", {"order_id": "o-1"})

            async def handle(delivery: Delivery) -> None:
                seen.append(delivery.value)

            await consumer.run(handle, idle_timeout_ms=100)

    asyncio.run(main())
    assert seen == [{"order_id": "o-1"}]


def test_readme_example() -> None:
    broker = EmbeddedBroker(seed=0)
    broker.create_topic("payments", partitions=3)
    broker.publish("payments", {"payment_id": "p-1", "amount": "9.99"}, key="p-1")

    consumer = broker.subscribe("payments", "ledger", max_deliveries=2, ack_timeout_ms=5_000)
    (first,) = consumer.poll(10)
    first.nack(delay_ms=1_000, error="ledger locked")
    broker.advance(1_000)  # virtual time: nothing sleeps
    (second,) = consumer.poll(10)
    assert second.attempt == 2
    broker.advance(5_000)  # no ack in time, and no attempts left

    (dead,) = broker.dead_letters("payments")
    assert dead.headers["x-dead-letter-reason"] == "max-deliveries"
    assert dead.last_error == "ack timeout after 5000 ms"
    assert broker.metrics().lag("ledger", "payments") == 0
