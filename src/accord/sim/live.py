"""A scenario on a real engine: a namespace of its own, read-back, what cannot be checked.

A run on NATS or Redis must not mix with anything already there, nor with an earlier run:
its topics live under ``accord-sim.<seed>-<run>.`` and are deleted when it ends. Groups
keep the scenario's names (they are scoped by stream on both engines).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

from accord.broker.adapters import AdapterError, EngineBroker, connect
from accord.broker.metrics import BrokerMetrics
from accord.broker.records import DeadLetter

NAMESPACE = "accord-sim."

UNCHECKABLE = {"per-key-order": "partitions"}
"""Invariant -> the engine difference (``EngineBroker.differences``) that rules it out."""


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One record of a topic's log, in log order."""

    partition: int
    offset: int
    value: Any
    headers: Mapping[str, str | bytes]


class LiveTarget:
    """An engine connection with the run's namespace; ``close`` removes what it created."""

    def __init__(self, broker: EngineBroker, namespace: str) -> None:
        self.broker = broker
        self.namespace = namespace
        self.created: list[str] = []
        self._lag: dict[tuple[str, str], int] = {}

    @classmethod
    def open(cls, url: str, seed: int) -> LiveTarget:
        return cls(connect(url), f"{NAMESPACE}{seed}-{uuid.uuid4().hex[:8]}.")

    @property
    def url(self) -> str:
        return self.broker.url

    def name(self, topic: str) -> str:
        return self.namespace + topic

    def create(self, topic: str) -> None:
        self.broker.create_topic(self.name(topic))
        self.created.append(topic)

    def unchecked(self, wanted: Iterable[str]) -> dict[str, str]:
        """The wanted invariants this engine cannot support, each with the engine's reason."""
        differences = self.broker.differences
        return {name: differences[UNCHECKABLE[name]] for name in sorted(wanted)
                if name in UNCHECKABLE and UNCHECKABLE[name] in differences}

    def lag(self, group: str, physical: str) -> int:
        found = self.broker.lag(group, physical)
        self._lag[(group, physical)] = found
        return found

    def _last_lag(self, group: str, physical: str) -> int:
        """For the final report only: once the link is gone, the last figure seen."""
        try:
            return self.lag(group, physical)
        except AdapterError:
            return self._lag.get((group, physical), 0)

    def metrics(self, elapsed_ms: int, *, last_known: bool = False) -> BrokerMetrics:
        """The client's counters under the scenario's topic names, in run time.

        During a run a failed lag query raises (a stale 0 must never read as settled);
        ``last_known`` is for the final report, which must come out even then.
        """
        stats = getattr(self.broker, "stats", None)
        if stats is None:
            return BrokerMetrics(elapsed_ms, MappingProxyType({}), ())
        raw: BrokerMetrics = stats.snapshot(elapsed_ms,
                                            self._last_lag if last_known else self.lag)
        cut = len(self.namespace)
        topics = {name[cut:]: replace(t, topic=name[cut:]) for name, t in raw.topics.items()
                  if name.startswith(self.namespace)}
        partitions = tuple(replace(p, topic=p.topic[cut:]) for p in raw.partitions
                           if p.topic.startswith(self.namespace))
        return BrokerMetrics(elapsed_ms, MappingProxyType(topics), partitions)

    def dead_letters(self, topic: str) -> list[DeadLetter]:
        return list(self.broker.dead_letters(self.name(topic)))

    def read_log(self, topic: str) -> list[LogEntry]:
        """The topic's whole log, read back without moving any group of the run."""
        return [LogEntry(m.partition, m.offset, m.value, m.headers)
                for m in self.broker.read_all(self.name(topic))]

    def close(self) -> None:
        """Delete the run's topics, then disconnect.

        Best effort: a link that is gone leaves them (the namespace says whose they are). An
        interrupt (a second Ctrl-C) does not stop the deletion half-way; it is raised again
        once every topic has been tried.
        """
        interrupted: BaseException | None = None
        try:
            for topic in self.created:
                try:
                    self.broker.delete_topic(self.name(topic))
                except KeyboardInterrupt as exc:
                    interrupted = exc
                except Exception:  # one topic's failure must not stop the rest
                    continue
        finally:
            self.broker.close()
        if interrupted is not None:
            raise interrupted
