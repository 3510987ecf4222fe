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
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from accord.errors import AccordError, Location
from accord.registry import Registry, SourceMap
from accord.registry.yamlio import load_yaml

BUILTIN_INVARIANTS = ("no-loss", "per-key-order", "valid-accepted", "invalid-dead-lettered",
                      "idempotent", "replay-equals-live", "contract-valid-outputs",
                      "valid-not-dead-lettered", "something-acked", "causal-order",
                      "terminal-last")
ALWAYS_CHECKED = ("valid-accepted", "valid-not-dead-lettered", "something-acked")
"""Checked in every run, listed or not: a run where valid events were not handled is not
ok. A scenario can lower them to warnings with `warn: [...]`."""
DEFAULT_INVARIANTS = ("no-loss", "per-key-order", "valid-accepted", "invalid-dead-lettered",
                      "contract-valid-outputs")
_UNITS = {"ms": 1, "s": 1_000, "m": 60_000, "h": 3_600_000}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$")
_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*/\s*(ms|s|m|h)\s*$")
_RANGE = re.compile(r"^\s*([^.]+?)\s*\.\.\s*(.+?)\s*$")



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
    pool: str | None = None
    """The shared key pool the keys come from (``keys`` is then the pool's size)."""


@dataclass(frozen=True)
class StepSpec:
    """One step of a flow: its event, who publishes it, and where the entity goes next."""

    event: str
    service: str
    next: tuple[tuple[str, float], ...]
    after_ms: tuple[int, int]
    """The delay before the next step: drawn uniformly from this range."""

    @property
    def terminal(self) -> bool:
        return not self.next


@dataclass(frozen=True)
class FlowSpec:
    """An entity lifecycle: entities start at ``per_ms``, each with a fresh key, and walk
    the steps from ``start`` until a terminal one."""

    service: str
    start: str
    steps: dict[str, StepSpec]
    per_ms: float


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

    @cached_property
    def reads_only(self) -> bool:
        """A built-in model: it reads a payload and never changes it, so one parse of a
        record serves every delivery of it."""
        return self.handler_name.startswith("model:") and not (self.as_class or
                                                                self.as_envelope)


@dataclass(frozen=True)
class FaultSpec:
    duplicate: float = 0.0
    crash: float = 0.0
    delay_p: float = 0.0
    delay_max_ms: int = 0
    ack_timeout_ms: int = 30_000
    missing_step: float = 0.0
    out_of_order: float = 0.0
    leader_loss: tuple[float, int] = (0.0, 0)
    """(probability per partition and second, how long the leader is gone in ms)"""
    lost_writes: tuple[float, int] = (0.0, 0)
    """(probability per topic and second, the window of acknowledged writes lost in ms)"""
    producer_retry: tuple[float, int] = (0.0, 0)
    """(share of publishes whose ack times out, ms before the producer sends it again)"""
    slow_consumer: tuple[float, int] = (0.0, 0)
    """(probability per member and second, how long it stops polling in ms)"""

    @property
    def broker_side(self) -> bool:
        return any(p for p, _ in (self.leader_loss, self.lost_writes, self.producer_retry,
                                  self.slow_consumer))


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
    flows: tuple[FlowSpec, ...] = ()

    @property
    def produced(self) -> set[str]:
        """Every event some producer or flow publishes."""
        return {p.event for p in self.producers} | {
            step.event for f in self.flows for step in f.steps.values()}


def parse_duration(text: object, where: Location) -> int:
    """``2s``, ``500ms``, ``10m``, ``1h`` as whole virtual milliseconds."""
    match = _DURATION.match(text) if isinstance(text, str) else None
    if match is None:
        raise ScenarioError(f"malformed duration {text!r}: write e.g. 500ms, 2s, 10m or 1h",
                            where)
    return int(float(match.group(1)) * _UNITS[match.group(2)])


def parse_range(text: object, where: Location) -> tuple[int, int]:
    """``2s`` (exactly) or ``500ms..3s`` (uniformly between) as whole milliseconds."""
    match = _RANGE.match(text) if isinstance(text, str) else None
    if match is None:
        ms = parse_duration(text, where)
        return ms, ms
    low, high = parse_duration(match.group(1), where), parse_duration(match.group(2), where)
    if high < low:
        raise ScenarioError(f"range {text!r} ends before it starts", where)
    return low, high


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
    producers, flows = [], []
    pools = raw.get("keys") or {}
    for i, p in enumerate(raw["producers"]):
        if ("event" in p) == ("flow" in p):
            raise ScenarioError("give a producer either an event or a flow",
                                at(f"/producers/{i}"))
        if "flow" in p:
            flows.append(_flow(p, registry, at, f"/producers/{i}"))
            continue
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
        keys, pool = p.get("keys", 100), None
        if isinstance(keys, str):
            if keys not in pools:
                raise ScenarioError(f"unknown key pool {keys!r} (pools under keys: "
                                    f"{', '.join(sorted(pools)) or 'none'})",
                                    at(f"/producers/{i}/keys"))
            keys, pool = pools[keys], keys
        producers.append(ProducerSpec(p["service"], contract.event, rate, int(keys),
                                      tuple(versions), float(p.get("invalid", 0.0)),
                                      p.get("mode", "structured"), pool))
    produced = {p.event for p in producers} | {
        step.event for f in flows for step in f.steps.values()}
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

    def rated(name: str, span: str) -> tuple[float, int]:
        given = f.get(name)
        if not given:
            return 0.0, 0
        return float(given["p"]), parse_duration(given[span], at(f"/faults/{name}/{span}"))

    faults = FaultSpec(float(f.get("duplicate", 0)), float(f.get("crash", 0)), float(delay["p"]),
                       parse_duration(delay["max"], at("/faults/delay/max")),
                       parse_duration(f.get("ack_timeout", "30s"), at("/faults/ack_timeout")),
                       float(f.get("missing_step", 0)), float(f.get("out_of_order", 0)),
                       rated("leader_loss", "for"), rated("lost_writes", "window"),
                       rated("producer_retry", "after"), rated("slow_consumer", "for"))
    if (faults.missing_step or faults.out_of_order) and not flows:
        raise ScenarioError("missing_step and out_of_order are faults of flows; this "
                            "scenario has none", at("/faults"))
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
        per_ms = sum(p.per_ms for p in producers) + sum(
            f.per_ms * len(f.steps) for f in flows)  # at most every step per entity
        planned = per_ms * parse_duration(duration, at("/duration"))
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
        warn=tuple(raw.get("warn") or ()), flows=tuple(flows),
    )


def _flow(p: dict[str, Any], registry: Registry, at: Callable[[str], Location],
          where: str) -> FlowSpec:
    """A producer's ``flow``: every step an event of the registry that its service
    produces, every ``next`` a step, every step reachable from ``start``."""
    raw = p["flow"]
    steps: dict[str, StepSpec] = {}
    for name, step in raw["steps"].items():
        here = f"{where}/flow/steps/{name}"
        contract = registry.get(name)
        if contract is None:
            raise ScenarioError(f"unknown event {name!r}: not in the registry", at(here))
        service = step.get("service", p["service"])
        if service not in contract.producers:
            raise ScenarioError(f"{service!r} does not produce {name} (its producers: "
                                f"{', '.join(contract.producers) or 'none'})", at(here))
        nxt = tuple((str(k), float(w)) for k, w in (step.get("next") or {}).items())
        for target, _ in nxt:
            if target not in raw["steps"]:
                raise ScenarioError(f"next step {target!r} is not one of the flow's steps",
                                    at(f"{here}/next/{target}"))
        if nxt and not sum(w for _, w in nxt) > 0:
            raise ScenarioError("the next steps' weights add up to 0", at(f"{here}/next"))
        steps[name] = StepSpec(name, service, nxt,
                               parse_range(step.get("after", "1s"), at(f"{here}/after")))
    if raw["start"] not in steps:
        raise ScenarioError(f"start {raw['start']!r} is not one of the flow's steps",
                            at(f"{where}/flow/start"))
    reached, todo = {raw["start"]}, [raw["start"]]
    while todo:
        for target, _ in steps[todo.pop()].next:
            if target not in reached:
                reached.add(target)
                todo.append(target)
    unreached = sorted(set(steps) - reached)
    if unreached:
        raise ScenarioError(f"step {unreached[0]!r} cannot be reached from the start",
                            at(f"{where}/flow/steps/{unreached[0]}"))
    if not any(step.terminal for step in steps.values()):
        raise ScenarioError("the flow has no terminal step (one without next): its entities "
                            "would never end", at(f"{where}/flow/steps"))
    return FlowSpec(p["service"], raw["start"], steps,
                    parse_rate(p.get("rate", "10/s"), at(f"{where}/rate")))


def topic_of(contract: Any) -> str:
    """The broker topic of a contract: its channel, else its event name."""
    return str(contract.topic)
