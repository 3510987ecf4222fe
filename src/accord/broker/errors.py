"""Errors the embedded broker raises; each names the thing that was wrong.

Every check runs before any state changes, so a raised error leaves the broker as it was.
"""

from __future__ import annotations

from accord.errors import AccordError


class BrokerError(AccordError):
    """Base of every error the broker raises."""


class UnknownTopicError(BrokerError):
    """A topic was used before ``create_topic``."""

    def __init__(self, topic: str) -> None:
        super().__init__(f"unknown topic {topic!r}: create it with create_topic({topic!r}) first")
        self.topic = topic


class TopicExistsError(BrokerError):
    """``create_topic`` was called twice for one name."""

    def __init__(self, topic: str) -> None:
        super().__init__(f"topic {topic!r} already exists")
        self.topic = topic


class InvalidArgumentError(BrokerError, ValueError):
    """An argument is out of range (negative count, unknown choice, …)."""


class InvalidDelayError(InvalidArgumentError):
    """A delay or a clock advance was negative."""

    def __init__(self, name: str, value: object) -> None:
        super().__init__(f"{name} must be a whole number of milliseconds >= 0, got {value!r}")
        self.name = name
        self.value = value


class InvalidOffsetError(InvalidArgumentError):
    """A seek asked for an offset the partition cannot hold."""


class PartitionOfflineError(BrokerError):
    """The partition's leader is gone for now (Kafka's LEADER_NOT_AVAILABLE): retriable;
    ``until`` is when it is back."""

    def __init__(self, message: str, until: int) -> None:
        super().__init__(message)
        self.until = until


class SerializationError(BrokerError, TypeError):
    """A value, key or header cannot be turned into bytes the way a real broker needs."""


class SettlementError(BrokerError):
    """A delivery can no longer be acked, nacked or rejected."""


class AlreadySettledError(SettlementError):
    """The delivery was already acked or dead-lettered."""


class StaleDeliveryError(SettlementError):
    """The delivery was taken back (ack timeout, rebalance, seek) and will be redelivered."""


class ConsumerClosedError(SettlementError):
    """The consumer was closed; its unacked deliveries went back to the group."""


class CrashedError(ConsumerClosedError):
    """The consumer crashed; its unacked deliveries went back to the group."""
