"""The embedded broker: deterministic core, asyncio facade, and the ``Broker`` protocol."""

from .aio import AsyncBroker, AsyncConsumer
from .consumer import Consumer
from .core import EmbeddedBroker
from .errors import (
    AlreadySettledError,
    BrokerError,
    ConsumerClosedError,
    CrashedError,
    InvalidArgumentError,
    InvalidDelayError,
    InvalidOffsetError,
    PartitionOfflineError,
    SerializationError,
    SettlementError,
    StaleDeliveryError,
    TopicExistsError,
    UnknownTopicError,
)
from .metrics import BrokerMetrics, LatencySummary, PartitionMetrics, TopicMetrics
from .partitioning import murmur2, partition_for
from .protocol import Broker, Message, Subscription
from .records import DeadLetter, Delivery, PublishResult, RebalanceEvent, Record
from .topic import TopicConfig

__all__ = [
    "AlreadySettledError",
    "AsyncBroker",
    "AsyncConsumer",
    "Broker",
    "BrokerError",
    "BrokerMetrics",
    "Consumer",
    "ConsumerClosedError",
    "CrashedError",
    "DeadLetter",
    "Delivery",
    "EmbeddedBroker",
    "InvalidArgumentError",
    "InvalidDelayError",
    "InvalidOffsetError",
    "LatencySummary",
    "Message",
    "PartitionMetrics",
    "PartitionOfflineError",
    "PublishResult",
    "RebalanceEvent",
    "Record",
    "SerializationError",
    "SettlementError",
    "StaleDeliveryError",
    "Subscription",
    "TopicConfig",
    "TopicExistsError",
    "TopicMetrics",
    "UnknownTopicError",
    "murmur2",
    "partition_for",
]
