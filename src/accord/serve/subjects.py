"""Confluent's subject naming strategies, applied to contracts."""

from __future__ import annotations

from collections.abc import Callable

from accord.registry.model import Contract

STRATEGIES: dict[str, Callable[[Contract], str]] = {
    # TopicNameStrategy, Confluent's default: one subject per topic's values.
    "topic": lambda c: f"{c.topic}-value",
    # RecordNameStrategy: one subject per record (event) name, whatever the topic.
    "record": lambda c: c.event,
    # TopicRecordNameStrategy: one subject per (topic, record).
    "topic-record": lambda c: f"{c.topic}-{c.event}",
}
"""Strategy name (as `--subjects` takes it) -> the subject of a contract's values."""
