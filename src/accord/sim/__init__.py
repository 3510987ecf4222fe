"""The simulator: contracts' traffic through the embedded broker, with faults and invariants."""

from accord.sim.engine import Violation
from accord.sim.faults import Fault
from accord.sim.report import Report
from accord.sim.scenario import Scenario, ScenarioError, load_scenario
from accord.sim.simulation import Simulation, load_repro

__all__ = ["Fault", "Report", "Scenario", "ScenarioError", "Simulation", "Violation",
           "load_repro", "load_scenario"]
