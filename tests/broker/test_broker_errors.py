"""Bad input: each raises a named BrokerError, and leaves the broker exactly as it was."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from accord.broker import (
    AlreadySettledError,
    BrokerError,
    ConsumerClosedError,
    CrashedError,
    EmbeddedBroker,
    InvalidArgumentError,
    InvalidDelayError,
    InvalidOffsetError,
    SerializationError,
    StaleDeliveryError,
    TopicExistsError,
    UnknownTopicError,
)
from accord.broker.consumer import Consumer
from accord.broker.records import Delivery
from accord.errors import AccordError


def snapshot(b: EmbeddedBroker) -> object:
    """Everything observable about a broker's state."""
    return (
        b.now,
        b.metrics(),
        {t: [b.records(t, p) for p in range(b.topic_config(t).partitions)] for t in b.topics},
        {t: b.dead_letters(t) for t in b.topics},
        {(g, t): b.committed(g, t) for t in b.topics for g in ("g", "other")},
        list(b.rebalances),
        list(b.trace),
        b._rng.getstate(),
        b.clock.pending,
    )


@pytest.fixture
def setup() -> tuple[EmbeddedBroker, Consumer, list[Delivery]]:
    b = EmbeddedBroker(seed=1, trace=True)
    b.create_topic("orders", partitions=2)
    for i in range(4):
        b.publish("orders", {"i": i}, key=str(i), msg_id=f"m{i}")
    c = b.subscribe("orders", "g")
    return b, c, c.poll(10)


def check_unchanged(b: EmbeddedBroker, action: Callable[[], object], error: type) -> str:
    before = snapshot(b)
    with pytest.raises(error) as info:
        action()
    assert snapshot(b) == before
    assert isinstance(info.value, BrokerError)
    assert isinstance(info.value, AccordError)
    return str(info.value)


def test_unknown_topic(setup: tuple[EmbeddedBroker, Consumer, list[Delivery]]) -> None:
    b, _, _ = setup
    for action in (
        lambda: b.publish("ordrs", 1),
        lambda: b.subscribe("ordrs", "g"),
        lambda: b.seek("g", "ordrs", to="earliest"),
        lambda: b.dead_letters("ordrs"),
        lambda: b.records("ordrs"),
    ):
        assert "'ordrs'" in check_unchanged(b, action, UnknownTopicError)


def test_topic_exists(setup: tuple[EmbeddedBroker, Consumer, list[Delivery]]) -> None:
    b, _, _ = setup
    assert "'orders'" in check_unchanged(b, lambda: b.create_topic("orders"), TopicExistsError)


def test_ack_twice(setup: tuple[EmbeddedBroker, Consumer, list[Delivery]]) -> None:
    b, _, ds = setup
    ds[0].ack()
    msg = check_unchanged(b, ds[0].ack, AlreadySettledError)
    assert "already acked" in msg and "orders/" in msg
    check_unchanged(b, ds[0].nack, AlreadySettledError)
    check_unchanged(b, ds[0].reject, AlreadySettledError)


def test_ack_after_dead_letter(setup: tuple[EmbeddedBroker, Consumer, list[Delivery]]) -> None:
    b, _, ds = setup
    ds[0].reject()
    assert "dead-lettered" in check_unchanged(b, ds[0].ack, AlreadySettledError)


def test_ack_after_crash(setup: tuple[EmbeddedBroker, Consumer, list[Delivery]]) -> None:
    b, c, ds = setup
    c.crash()
    msg = check_unchanged(b, ds[1].ack, CrashedError)
    assert c.member_id in msg and "crashed" in msg
    check_unchanged(b, lambda: ds[1].nack(delay_ms=5), CrashedError)
    check_unchanged(b, c.poll, CrashedError)
    assert issubclass(CrashedError, ConsumerClosedError)


def test_ack_after_close(setup: tuple[EmbeddedBroker, Consumer, list[Delivery]]) -> None:
    b, c, ds = setup
    c.close()
    c.close()  # twice is harmless
    assert "closed" in check_unchanged(b, ds[1].ack, ConsumerClosedError)
    check_unchanged(b, c.poll, ConsumerClosedError)


def test_ack_after_timeout(setup: tuple[EmbeddedBroker, Consumer, list[Delivery]]) -> None:
    b, _, ds = setup
    b.advance(30_000)
    assert "ack timeout" in check_unchanged(b, ds[0].ack, StaleDeliveryError)


def test_negative_delay(setup: tuple[EmbeddedBroker, Consumer, list[Delivery]]) -> None:
    b, _, ds = setup
    msg = check_unchanged(b, lambda: ds[0].nack(delay_ms=-1), InvalidDelayError)
    assert "delay_ms" in msg and "-1" in msg
    assert "advance" in check_unchanged(b, lambda: b.advance(-5), InvalidDelayError)
    ds[0].ack()  # the delivery is still in flight after the refused nack


@pytest.mark.parametrize("delay", [0.5, float("nan"), "5"])
def test_a_delay_that_is_not_whole_milliseconds(
        setup: tuple[EmbeddedBroker, Consumer, list[Delivery]], delay: object) -> None:
    """The broker's own error, compiled or not (a compiled module checks declared types
    at the call: these are typed wider, to be refused the same way as in pure Python)."""
    b, _, ds = setup
    check_unchanged(b, lambda: ds[0].nack(delay_ms=delay), InvalidDelayError)
    check_unchanged(b, lambda: b.advance(delay), InvalidDelayError)
    ds[0].ack()


class NotJson:
    pass


@pytest.mark.parametrize(
    ("value", "kwargs", "fragment"),
    [
        (NotJson(), {}, "NotJson"),
        ({"a": {1, 2}}, {}, "set"),
        (float("nan"), {}, "JSON"),
        (b"ok", {"key": 12}, "key"),
        (b"ok", {"headers": {"h": 1}}, "header 'h'"),
        (b"ok", {"msg_id": 5}, "msg_id"),
    ],
)
def test_unserializable(
    setup: tuple[EmbeddedBroker, Consumer, list[Delivery]],
    value: object,
    kwargs: dict[str, object],
    fragment: str,
) -> None:
    b, _, _ = setup
    msg = check_unchanged(b, lambda: b.publish("orders", value, **kwargs), SerializationError)
    assert fragment in msg and "'orders'" in msg


@pytest.mark.parametrize(
    "kwargs",
    [
        {"offset": -1},
        {"offset": 99},
        {"offset": 0, "to": "earliest"},
        {},
        {"to": "middle"},
        {"offset": 0, "partition": 5},
    ],
)
def test_bad_seek(
    setup: tuple[EmbeddedBroker, Consumer, list[Delivery]], kwargs: dict[str, object]
) -> None:
    b, _, _ = setup
    check_unchanged(b, lambda: b.seek("g", "orders", **kwargs), InvalidArgumentError)
    assert issubclass(InvalidOffsetError, InvalidArgumentError)


@pytest.mark.parametrize(
    "call",
    [
        lambda b: b.create_topic("x", partitions=0),
        lambda b: b.create_topic("x", retention_ms=-1),
        lambda b: b.create_topic("", partitions=1),
        lambda b: b.subscribe("orders", "g", max_deliveries=0),
        lambda b: b.subscribe("orders", "g", max_in_flight=0),
        lambda b: b.subscribe("orders", "g", mode="fanout"),
        lambda b: b.subscribe("orders", "g", mode="shared"),  # the group is partitioned
    ],
)
def test_bad_arguments(
    setup: tuple[EmbeddedBroker, Consumer, list[Delivery]],
    call: Callable[[EmbeddedBroker], object],
) -> None:
    b, _, _ = setup
    check_unchanged(b, lambda: call(b), InvalidArgumentError)


def test_bad_poll(setup: tuple[EmbeddedBroker, Consumer, list[Delivery]]) -> None:
    b, c, _ = setup
    check_unchanged(b, lambda: c.poll(-1), InvalidArgumentError)
