"""The core, its consumers and deliveries fit the ``Broker`` protocol family.

The annotated helpers are what mypy checks (``mypy --strict`` on this file); the test
checks the runtime side.
"""

from __future__ import annotations

from accord.broker import (
    Broker,
    Consumer,
    Delivery,
    EmbeddedBroker,
    Message,
    Subscription,
)


def as_broker(b: EmbeddedBroker) -> Broker:
    return b


def as_subscription(c: Consumer) -> Subscription:
    return c


def as_message(d: Delivery) -> Message:
    return d


def drive(broker: Broker) -> list[object]:
    """A simulator's view: only protocol methods."""
    broker.create_topic("orders", partitions=2)
    broker.publish("orders", {"id": 1}, key="a")
    sub = broker.subscribe("orders", "audit")
    values: list[object] = []
    for message in sub.poll(10):
        values.append((message.value, message.attempt, message.group))
        message.ack()
    broker.advance(10)
    return values


def test_embedded_broker_is_a_broker() -> None:
    b = EmbeddedBroker(seed=0)
    assert isinstance(b, Broker)
    assert drive(as_broker(b)) == [({"id": 1}, 1, "audit")]
    c = b.subscribe("orders", "x")
    assert isinstance(as_subscription(c), Subscription)
    b.publish("orders", 2)
    (d,) = c.poll(1)
    assert isinstance(as_message(d), Message)
    assert b.metrics().topics["orders"].consumed == 1
