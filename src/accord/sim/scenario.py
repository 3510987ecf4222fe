"""The scenario file: YAML checked against `scenario.schema.json`, then against the registry.

Every error names the file and line of the offending value, so a typo in a rate or an
event name reads like a compiler error, not a traceback.
"""

from __future__ import annotations

import importlib
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from accord.errors import AccordError, Location
from accord.registry import Registry, SourceMap
from accord.registry.yamlio import load_yaml

BUILTIN_INVARIANTS = ("no-loss", "per-key-order", "valid-accepted", "invalid-dead-lettered",
                      "idempotent", "replay-equals-live", "contract-valid-outputs",
                      "valid-not-dead-lettered", "something-acked")
ALWAYS_CHECKED = ("valid-accepted", "valid-not-dead-lettered", "something-acked")
"""Checked in every run, listed or not: a run where valid events were not handled is not
ok. A scenario can lower them to warnings with `warn: [...]`."""
DEFAULT_INVARIANTS = ("no-loss", "per-key-order", "valid-accepted", "invalid-dead-lettered",
                      "contract-valid-outputs")
_UNITS = {"ms": 1, "s": 1_000, "m": 60_000, "h": 3_600_000}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$")
_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*/\s*(ms|s|m|h)\s*$")



MAX_EVENTS = 10_000_000
"""A run keeps its events in memory: past this, a scenario (perhaps from an untrusted pull
request) would exhaust memory before it started."""

class ScenarioError(AccordError):
    """The scenario (or reproducer) file is unusable."""


Handler = Callable[[Any, Any], object]


@dataclass(frozen=True)
class ProducerSpec:
    service: str
    event: str
    per_ms: float
    keys: int
    versions: tuple[tuple[int, float], ...]
    invalid: float
    mode: str = "structured"
    """CloudEvents content mode (structured or binary), for `envelope: cloudevents` events."""


@dataclass(frozen=True)
class ConsumerSpec:
    service: str
    group: str
    handler: Handler
    handler_name: str
    instances: int
    max_deliveries: int
    mode: str
    event_sourced: bool
    events: frozenset[str]
    topics: tuple[str, ...]
    retry_delay_ms: int = 100
    as_class: bool = False
    as_envelope: bool = False


@dataclass(frozen=True)
class FaultSpec:
    duplicate: float = 0.0
    crash: float = 0.0
    delay_p: float = 0.0
    delay_max_ms: int = 0
    ack_timeout_ms: int = 30_000


@dataclass(frozen=True)
class Scenario:
    """A parsed scenario; ``raw`` is the mapping as written, kept for reproducers."""

    raw: dict[str, Any]
    file: str
    base: Path
    seed: int
    events: int | None
    duration_ms: int | None
    step_ms: int
    partitions: dict[str, int]
    producers: tuple[ProducerSpec, ...]
    consumers: tuple[ConsumerSpec, ...]
    faults: FaultSpec
    invariants: tuple[str, ...]
    user_invariants: tuple[tuple[str, Callable[..., object]], ...]
    slo: dict[str, float]
    registry: Registry = field(repr=False)
    warn: tuple[str, ...] = ()
    """Always-checked invariants the scenario reports as warnings instead of failures."""


def parse_duration(text: object, where: Location) -> int:
    """``2s``, ``500ms``, ``10m``, ``1h`` as whole virtual milliseconds."""
    match = _DURATION.match(text) if isinstance(text, str) else None
    if match is None:
        raise ScenarioError(f"malformed duration {text!r}: write e.g. 500ms, 2s, 10m or 1h",
                            where)
    return int(float(match.group(1)) * _UNITS[match.group(2)])


def parse_rate(text: object, where: Location) -> float:
    """``200/s`` as events per virtual millisecond."""
    match = _RATE.match(text) if isinstance(text, str) else None
    if match is None or float(match.group(1)) <= 0:
        raise ScenarioError(f"malformed rate {text!r}: write e.g. 200/s, 5/ms or 30/m", where)
    return float(match.group(1)) / _UNITS[match.group(2)]


@cache
def scenario_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file."""
    text = resources.files("accord.sim").joinpath("scenario.schema.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _check_schema(raw: Any, source: SourceMap) -> None:
    from jsonschema import Draft202012Validator

    if not isinstance(raw, dict):
        raise ScenarioError("a scenario is a YAML mapping", source.locate(""))
    errors = sorted(Draft202012Validator(scenario_schema()).iter_errors(raw),
                    key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
    if errors:
        error = errors[0]
        pointer = "".join(f"/{p}" for p in error.absolute_path)
        if error.validator == "additionalProperties":
            known = sorted(error.schema.get("properties", {}))
            unknown = sorted(set(error.instance) - set(known))
            raise ScenarioError(f"unknown key {unknown[0]!r} (known: {', '.join(known)})",
                                source.locate(f"{pointer}/{unknown[0]}"))
        raise ScenarioError(f"{pointer or 'scenario'}: {error.message}", source.locate(pointer))


def import_object(name: str, base: Path, where: Location, what: str) -> Any:
    """``package.module:attr`` imported with the project base on sys.path."""
    module_name, _, attr = name.partition(":")
    if not module_name or not attr:
        raise ScenarioError(f"{what} {name!r} must be written module:function", where)
    added = str(base) not in sys.path
    if added:
        sys.path.insert(0, str(base))
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:
        raise ScenarioError(f"{what} {name!r} cannot be imported: {exc}", where) from None
    finally:
        if added:
            sys.path.remove(str(base))
    target = getattr(module, attr, None)
    if not callable(target):
        raise ScenarioError(f"{what} {name!r}: {module_name} has no callable {attr!r}", where)
    return target


def load_scenario(path: str | Path, registry: Registry, base: Path | None = None) -> Scenario:
    """Read and check a scenario file; ScenarioError with file:line on any problem."""
    file = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ScenarioError(f"cannot read scenario: {exc.strerror}", Location(file)) from None
    raw, source = load_yaml(data, file)
    return parse_scenario(raw, source, registry, base or Path.cwd())


def parse_scenario(raw: Any, source: SourceMap, registry: Registry, base: Path,
                   seed: int | None = None, events: int | None = None) -> Scenario:
    """A checked Scenario from data already read (a scenario file, or a reproducer's copy)."""
    _check_schema(raw, source)
    at = source.locate
    services = {s for c in registry.contracts for s in (*c.producers, *c.consumers)}
    producers = []
    for i, p in enumerate(raw["producers"]):
        contract = registry.get(p["event"])
        if contract is None:
            raise ScenarioError(f"unknown event {p['event']!r}: not in the registry",
                                at(f"/producers/{i}/event"))
        if p["service"] not in contract.producers:
            raise ScenarioError(f"unknown producer {p['service']!r} of {contract.event} "
                                f"(its producers: {', '.join(contract.producers) or 'none'})",
                                at(f"/producers/{i}/service"))
        numbers = {v.number for v in contract.versions}
        mix = p.get("versions")
        if mix is None:
            latest = contract.latest_active() or contract.latest
            mix = {str(latest.number): 1.0}
        versions = []
        for key, weight in mix.items():
            number = str(key)  # a YAML file gives "1"; a dict from Python may give 1
            if not number.isdigit() or int(number) not in numbers:
                raise ScenarioError(f"{contract.event} has no version {number} (it has "
                                    f"{', '.join(map(str, sorted(numbers)))})",
                                    at(f"/producers/{i}/versions/{number}"))
            versions.append((int(number), float(weight)))
        total = sum(w for _, w in versions)
        if abs(total - 1.0) > 1e-6:  # shares of the traffic: a typo should not pass
            raise ScenarioError(f"version shares add up to {total:g}, not 1",
                                at(f"/producers/{i}/versions"))
        rate = parse_rate(p.get("rate", "100/s"), at(f"/producers/{i}/rate"))
        if "mode" in p and contract.envelope != "cloudevents":
            raise ScenarioError(f"mode is the CloudEvents content mode; {contract.event} has no "
                                "`envelope: cloudevents`", at(f"/producers/{i}/mode"))
        producers.append(ProducerSpec(p["service"], contract.event, rate, int(p.get("keys", 100)),
                                      tuple(versions), float(p.get("invalid", 0.0)),
                                      p.get("mode", "structured")))
    produced = {p.event for p in producers}
    emitters = {c["service"] for c in raw.get("consumers") or ()}
    live = {topic_of(x) for x in registry.contracts
            if x.event in produced or set(x.producers) & emitters}
    consumers = []
    for i, c in enumerate(raw.get("consumers") or ()):
        service = c["service"]
        if service not in services:
            raise ScenarioError(f"unknown service {service!r}: no contract names it",
                                at(f"/consumers/{i}/service"))
        if ("handler" in c) == ("model" in c):
            raise ScenarioError("give a consumer either a handler or a model (recorder, "
                                "projection)", at(f"/consumers/{i}"))
        if "handler" in c:
            handler = import_object(c["handler"], base, at(f"/consumers/{i}/handler"), "handler")
            name = c["handler"]
        else:
            from accord.sim.models import MODELS

            handler, name = MODELS[c["model"]](), f"model:{c['model']}"
        # A service hears what producers publish and what other consumers may publish
        # (choreography): any channel of an event it consumes that someone here can emit.
        heard = frozenset(x.event for x in registry.contracts if service in x.consumers)
        for j, name in enumerate(c.get("events") or ()):
            if name not in heard:
                raise ScenarioError(f"{service} does not consume {name!r} (it consumes "
                                    f"{', '.join(sorted(heard)) or 'nothing'})",
                                    at(f"/consumers/{i}/events/{j}"))
        if c.get("events"):
            heard = frozenset(c["events"])
        topics = tuple(sorted({topic_of(x) for x in registry.contracts
                               if x.event in heard and topic_of(x) in live}))
        if not topics:
            raise ScenarioError(f"{service} consumes none of the events this scenario "
                                "produces", at(f"/consumers/{i}/service"))
        consumers.append(ConsumerSpec(service, c["group"], handler, name,
                                      int(c.get("instances", 1)), int(c.get("max_deliveries", 5)),
                                      c.get("mode", "partitioned"), bool(c.get("event_sourced")),
                                      heard, topics,
                                      parse_duration(c.get("retry_delay", "100ms"),
                                                     at(f"/consumers/{i}/retry_delay")),
                                      c.get("payload") == "class",
                                      c.get("payload") == "envelope"))
    groups = [c.group for c in consumers]
    for i, g in enumerate(groups):
        if groups.index(g) != i:
            raise ScenarioError(f"group {g!r} appears twice", at(f"/consumers/{i}/group"))
    f = raw.get("faults") or {}
    delay = f.get("delay") or {"p": 0, "max": "0ms"}
    faults = FaultSpec(float(f.get("duplicate", 0)), float(f.get("crash", 0)), float(delay["p"]),
                       parse_duration(delay["max"], at("/faults/delay/max")),
                       parse_duration(f.get("ack_timeout", "30s"), at("/faults/ack_timeout")))
    invariants, user = [], []
    for i, name in enumerate(raw.get("invariants") or DEFAULT_INVARIANTS):
        if ":" in name:
            user.append((name, import_object(name, base, at(f"/invariants/{i}"), "invariant")))
        elif name in BUILTIN_INVARIANTS:
            invariants.append(name)
        else:
            raise ScenarioError(f"unknown invariant {name!r} (known: "
                                f"{', '.join(BUILTIN_INVARIANTS)}, or module:function)",
                                at(f"/invariants/{i}"))
    for name in ALWAYS_CHECKED:
        if name not in invariants:
            invariants.append(name)
    slo_raw = raw.get("slo") or {}
    slo: dict[str, float] = {}
    if "p99_latency" in slo_raw:
        slo["p99_latency"] = parse_duration(slo_raw["p99_latency"], at("/slo/p99_latency"))
    for name in ("max_lag", "dlq_rate"):
        if name in slo_raw:
            slo[name] = float(slo_raw[name])
    if "events" in raw and "duration" in raw:
        raise ScenarioError("give events or duration, not both", at("/duration"))
    channels = {topic_of(c) for c in registry.contracts}
    for name in raw.get("topics") or {}:
        if name not in channels:
            raise ScenarioError(f"unknown topic {name!r}: no contract has this channel "
                                f"(channels: {', '.join(sorted(channels))})",
                                at(f"/topics/{name}"))
    duration = raw.get("duration")
    count = events if events is not None else raw.get("events")
    if isinstance(count, int) and count > MAX_EVENTS:
        raise ScenarioError(f"events: {count:,} is more than one run holds (at most "
                            f"{MAX_EVENTS:,}); split it into runs, or lower it",
                            at("/events") if events is None else None)
    if count is None and duration is None:
        count = 1000
    if count is None:
        # A duration makes events at the producers' rates: bound what it would make too.
        planned = sum(p.per_ms for p in producers) * parse_duration(duration, at("/duration"))
        if planned > MAX_EVENTS:
            raise ScenarioError(f"duration: {duration} at these rates makes about "
                                f"{planned:,.0f} events, more than one run holds (at most "
                                f"{MAX_EVENTS:,}); shorten it or lower the rates",
                                at("/duration"))
    return Scenario(
        raw=raw, file=source.file, base=base,
        seed=seed if seed is not None else int(raw.get("seed", 0)),
        events=count,
        duration_ms=None if count is not None else parse_duration(duration, at("/duration")),
        step_ms=max(1, parse_duration(raw.get("step", "10ms"), at("/step"))),
        partitions={k: int(v.get("partitions", 1)) for k, v in (raw.get("topics") or {}).items()},
        producers=tuple(producers), consumers=tuple(consumers), faults=faults,
        invariants=tuple(invariants), user_invariants=tuple(user), slo=slo, registry=registry,
        warn=tuple(raw.get("warn") or ()),
    )


def topic_of(contract: Any) -> str:
    """The broker topic of a contract: its channel, else its event name."""
    return str(contract.topic)
