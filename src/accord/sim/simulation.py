"""The Python API: ``Simulation(scenario).run()``; also writes and replays reproducers."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from accord.broker.adapters import AdapterError
from accord.errors import Location
from accord.registry import Registry, SourceMap, load_registry
from accord.registry.yamlio import dump_yaml, load_yaml
from accord.sim import invariants
from accord.sim.engine import Engine, Outcome, Violation
from accord.sim.faults import Fault, Faults
from accord.sim.generators import SimEvent, generate
from accord.sim.live import LiveTarget
from accord.sim.report import Report, check_slo, metrics_of
from accord.sim.scenario import Scenario, ScenarioError, load_scenario, parse_scenario, topic_of
from accord.sim.shrink import shrink
from accord.sim.validation import Validators


def _project() -> tuple[Registry, Path]:
    from accord.config import find_config

    config = find_config()
    return load_registry(str(config.registry)), config.base


class Simulation:
    """One scenario, ready to run.

    ``scenario`` is a file path, a mapping shaped like a scenario file, or a parsed
    `Scenario`. ``seed`` and ``events`` override the file's. Handlers are imported with
    ``base`` (default: the project root) on ``sys.path``. ``broker`` runs it on a real
    engine (``nats://HOST:PORT``, ``redis://HOST:PORT/DB``, ``kafka://HOST:PORT``) in
    real time instead of the embedded broker; the no-fault baseline of ``idempotent``
    stays on the embedded broker.
    """

    def __init__(self, scenario: str | Path | dict[str, Any] | Scenario, *,
                 seed: int | None = None, events: int | None = None,
                 registry: Registry | None = None, base: str | Path | None = None,
                 fixed_events: list[SimEvent] | None = None,
                 schedule: list[Fault] | None = None, broker: str | None = None,
                 keep_log: bool = False) -> None:
        self.broker = None if broker in (None, "embedded") else broker
        if isinstance(scenario, Scenario):
            self.scenario = scenario
        else:
            if registry is None or base is None:
                found_registry, found_base = _project()
                registry = registry or found_registry
                base = base or found_base
            base_path = Path(base)
            if isinstance(scenario, dict):
                self.scenario = parse_scenario(scenario, SourceMap("<scenario>"), registry,
                                               base_path, seed, events)
            else:
                loaded = load_scenario(scenario, registry, base_path)
                self.scenario = parse_scenario(loaded.raw, _source(scenario), registry,
                                               base_path, seed, events) \
                    if seed is not None or events is not None else loaded
        self.validators = Validators(self.scenario.registry)
        for c in self.scenario.consumers:
            missing = sorted(e for e in c.events for v in _versions(self.scenario, e)
                             if c.as_class and not self.validators.has_class(e, v))
            if missing:
                raise ScenarioError(f"consumer {c.group}: no generated class for "
                                    f"{missing[0]}; use payload: dict",
                                    Location(self.scenario.file))
        self.fixed_events = fixed_events
        self.schedule = schedule
        self.keep_log = keep_log
        self.flow_faults: dict[str, int] = {}
        """Faults of the flows (missing and out-of-order steps) of the last events drawn."""
        self.not_injected: dict[str, str] = {}
        """Faults a real engine's run leaves out, and why (the report says so)."""
        if self.broker is not None and self.scenario.faults.broker_side:
            # They are made inside the embedded broker; an engine's own faults are its own.
            spec = self.scenario.faults
            self.not_injected = {f"fault {name}": "broker-side faults are injected into the "
                                 "embedded broker only" for name, (p, _) in (
                                     ("leader_loss", spec.leader_loss),
                                     ("lost_writes", spec.lost_writes),
                                     ("producer_retry", spec.producer_retry),
                                     ("slow_consumer", spec.slow_consumer)) if p}
            self.scenario = replace(self.scenario, faults=replace(
                spec, leader_loss=(0.0, 0), lost_writes=(0.0, 0), producer_retry=(0.0, 0),
                slow_consumer=(0.0, 0)))
        self.costs: dict[str, float] = {}
        self.run_cpu = 0.0
        """CPU seconds of the invariants that run the scenario again (``idempotent``)."""

    def events(self) -> list[SimEvent]:
        """The producers' events, all in memory (for shrinking and reproducers)."""
        if self.fixed_events is not None:
            return self.fixed_events
        self.flow_faults = {}
        return list(generate(self.scenario, self.validators, self.flow_faults))

    def stream(self) -> Iterable[SimEvent]:
        """The producers' events as a run consumes them: drawn one at a time, the same each
        time (the seed decides), so a run holds none it has published."""
        if self.fixed_events is not None:
            return self.fixed_events
        self.flow_faults = {}
        return generate(self.scenario, self.validators, self.flow_faults)

    def _outcome(self, events: Iterable[SimEvent] | None, schedule: list[Fault] | None,
                 progress: Callable[[int], None] | None = None,
                 target: LiveTarget | None = None, *, record: bool = True
                 ) -> tuple[Outcome, list[Violation]]:
        """A run and its invariants; ``events`` None streams them (and the baseline)."""
        s = self.scenario
        stream = self.stream() if events is None else events  # pools drawn here: set-up
        started = time.process_time()
        outcome = Engine(s, stream,
                         Faults(s.faults, s.seed, schedule, record=record), self.validators,
                         progress=progress, target=target, keep_log=self.keep_log).run()
        # The engine's own CPU: drawing and publishing the events, delivering, handling.
        self.run_cpu = time.process_time() - started - outcome.replay_cpu
        if self.fixed_events is None:  # the flows' faults, decided as events were drawn
            for kind, n in self.flow_faults.items():
                outcome.fault_counts[kind] = outcome.fault_counts.get(kind, 0) + n

        def baseline() -> Outcome:
            self.costs["idempotent"] = -time.process_time()
            again = Engine(s, self.stream() if events is None else events,
                           Faults(s.faults, s.seed, []), self.validators).run()
            self.costs["idempotent"] += time.process_time()
            return again

        seen_live = [v for v in outcome.violations if v.invariant in s.invariants]
        if outcome.error is not None:  # the engine went away: only what was seen live
            return outcome, seen_live
        try:
            injected = any(outcome.fault_counts.values()) or bool(outcome.injected)
            return outcome, invariants.check(s, outcome, baseline if injected else None,
                                             self.validators)
        except AdapterError as exc:  # reading the log back from the engine failed
            outcome.error = str(exc)
            return outcome, seen_live
        except KeyboardInterrupt:
            if target is None:
                raise
            outcome.error = "interrupted (Ctrl-C)"
            return outcome, seen_live

    def _live(self, events: list[SimEvent], progress: Callable[[int], None] | None
              ) -> tuple[Outcome, list[Violation]]:
        assert self.broker is not None
        target = LiveTarget.open(self.broker, self.scenario.seed)
        try:
            return self._outcome(events, self.schedule, progress, target)
        finally:
            target.close()

    def run(self, *, shrink_to: str | Path | None = None,
            progress: Callable[[int], None] | None = None) -> Report:
        """Run once; on a violation, shrink and write a reproducer when ``shrink_to`` is set."""
        if self.broker is not None:
            events: list[SimEvent] | None = self.events()
            outcome, violations = self._live(events or [], progress)
        else:
            # Streamed, faults counted but not listed: memory follows what is in flight.
            events = None
            outcome, violations = self._outcome(None, self.schedule, progress, record=False)
            if self.schedule is None and (violations or check_slo(self.scenario.slo,
                                                                  metrics_of(outcome))):
                # A failing run: the same run again, keeping its events and fault schedule
                # for the report and the shrinker (the seed makes it the same run).
                events = self.events()
                outcome, violations = self._outcome(events, None)
        metrics = metrics_of(outcome)
        if outcome.error is None:
            violations += check_slo(self.scenario.slo, metrics)
        lowered = [v for v in violations if v.invariant in self.scenario.warn]
        violations = [v for v in violations if v.invariant not in self.scenario.warn]
        report = Report(self.scenario.seed, self.scenario.file, violations, metrics,
                        outcome.injected, unchecked={**outcome.unchecked, **self.not_injected},
                        error=outcome.error,
                        warnings=lowered, checked=tuple(self.scenario.invariants))
        report.costs = {"replay-equals-live": outcome.replay_cpu, **self.costs}
        report.run_cpu = self.run_cpu
        report.series = {"lag": outcome.lag_series, "latency": outcome.latency_series}
        # An invariant first; failing that, an SLO breach is shrunk the same way.
        broken = [v for v in violations if not v.invariant.startswith("slo:")] or violations
        # Shrinking re-runs the scenario hundreds of times: on the embedded broker only.
        if broken and shrink_to is not None and self.broker is None:
            name = broken[0].invariant
            small, faults = self.shrink(events or self.events(), outcome.injected, name)
            write_repro(Path(shrink_to), self.scenario, small, faults, broken[0])
            report.repro, report.shrunk = str(shrink_to), (len(small), len(faults))
        return report

    def shrink(self, events: list[SimEvent], faults: list[Fault],
               invariant: str) -> tuple[list[SimEvent], list[Fault]]:
        """The smallest events and fault schedule that still break ``invariant`` (or the SLO
        named ``slo:<name>``)."""

        def fails(es: list[SimEvent], fs: list[Fault]) -> bool:
            if invariant.startswith("slo:"):  # figures only: no invariants, no baseline run
                s = self.scenario
                outcome = Engine(s, es, Faults(s.faults, s.seed, fs), self.validators).run()
                found = check_slo(s.slo, metrics_of(outcome))
            else:
                _, found = self._outcome(es, fs)
            return any(v.invariant == invariant for v in found)

        return shrink(events, faults, fails)


def _versions(scenario: Scenario, event: str) -> list[int]:
    contract = scenario.registry.get(event)
    return [v.number for v in contract.versions] if contract else []


def _source(path: str | Path) -> SourceMap:
    return load_yaml(Path(path).read_bytes(), str(path))[1]


def write_repro(path: Path, scenario: Scenario, events: list[SimEvent], faults: list[Fault],
                violation: Violation) -> None:
    raw = {k: v for k, v in scenario.raw.items() if k not in ("seed", "events", "duration")}
    data = {
        "seed": scenario.seed,
        "violation": violation.to_json(),
        "scenario": raw,
        "events": [e.to_json() for e in events],
        "faults": [f.to_json() for f in faults],
    }
    path.write_text(dump_yaml(data), "utf-8")


def load_repro(path: str | Path, registry: Registry | None = None,
               base: Path | None = None) -> Simulation:
    """A Simulation that re-runs a reproducer's events and faults exactly."""
    file = str(path)
    try:
        data, source = load_yaml(Path(path).read_bytes(), file)
    except OSError as exc:
        raise ScenarioError(f"cannot read reproducer: {exc.strerror}", Location(file)) from None
    if not isinstance(data, dict) or not {"seed", "scenario", "events", "faults"} <= set(data):
        raise ScenarioError("a reproducer has the keys seed, scenario, events and faults",
                            source.locate(""))
    if registry is None or base is None:
        found_registry, found_base = _project()
        registry, base = registry or found_registry, base or found_base
    inner = SourceMap(file, {k[len("/scenario"):]: v for k, v in source.marks.items()
                             if k.startswith("/scenario")})
    scenario = parse_scenario(data["scenario"], inner, registry, base, int(data["seed"]),
                              len(data["events"]) or 1)
    validators = Validators(registry)
    events = []
    for i, e in enumerate(data["events"]):
        try:
            contract = registry.get(e["event"])
            if contract is None:
                raise KeyError(e["event"])
            events.append(SimEvent(str(e["id"]), int(e["at"]), e["event"], int(e["version"]),
                                   e.get("key"), topic_of(contract), e["payload"],
                                   validators.is_valid(e["event"], int(e["version"]),
                                                       e["payload"]),
                                   flow=int(e.get("flow", -1)), step=int(e.get("step", -1)),
                                   terminal=bool(e.get("terminal", False))))
        except (KeyError, TypeError, ValueError) as exc:
            raise ScenarioError(f"malformed event: {exc}", source.locate(f"/events/{i}")) \
                from None
    try:
        schedule = [Fault.from_json(f) for f in data["faults"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise ScenarioError(f"malformed fault: {exc}", source.locate("/faults")) from None
    return Simulation(scenario, fixed_events=events, schedule=schedule)
