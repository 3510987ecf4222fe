"""Dead-lettering: the record a group gave up on, with the headers that say why."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from .partitioning import key_bytes
from .records import DeadLetter, Delivery
from .topic import Topic


def reason_headers(delivery: Delivery, reason: str, error: str) -> Mapping[str, str | bytes]:
    """The record's own headers plus the ``x-dead-letter-*`` / ``x-original-*`` ones.

    Names follow the Kafka Connect / Spring convention of an ``x-`` prefix, so a DLQ
    consumer written for those reads them unchanged.
    """
    record = delivery.record
    return MappingProxyType(
        {
            **record.headers,
            "x-dead-letter-reason": reason,
            "x-attempts": str(delivery.attempt),
            "x-last-error": error,
            "x-original-topic": record.topic,
            "x-original-partition": str(record.partition),
            "x-original-offset": str(record.offset),
            "x-original-timestamp": str(record.timestamp),
            "x-original-group": delivery.group,
        }
    )


def dead_letter(
    topics: Mapping[str, Topic], delivery: Delivery, reason: str, error: str, now: int
) -> DeadLetter | None:
    """Count the dead letter, keep it, and append it to ``<topic>.dlq`` when there is one.

    With ``dead_letter=False`` the record is discarded, as by a RabbitMQ queue without a
    dead-letter exchange; it is only counted.
    """
    record = delivery.record
    topic = topics[record.topic]
    bucket = topic.stats.dead_lettered if topic.config.dead_letter else topic.stats.discarded
    bucket[reason] = bucket.get(reason, 0) + 1
    if not topic.config.dead_letter:
        return None
    headers = reason_headers(delivery, reason, error)
    letter = DeadLetter(record, delivery.group, delivery.attempt, reason, error, now, headers)
    topic.dead_letters.append(letter)
    dlq = topics.get(f"{record.topic}.dlq")
    if dlq is not None:
        log = dlq.logs[0]
        size = len(record.data) + (0 if record.key is None else len(key_bytes(record.key)))
        size += sum(len(k.encode()) + len(key_bytes(v)) for k, v in headers.items())
        log.append(
            (
                dlq.config.name,
                0,
                log.end_offset,
                now,
                record.key,
                record.data,
                record.is_json,
                tuple(headers.items()),
                size,
            )
        )
    return letter
