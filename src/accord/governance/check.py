"""The CI and pre-commit gate: lint, every version chain, and the rules of change vs a base."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from accord.errors import Location
from accord.governance.compat import Change, check_chain, compare
from accord.governance.compat.witness import Witness, for_level
from accord.governance.findings import Finding
from accord.governance.lint import lint
from accord.governance.rules import Rule
from accord.registry.model import Contract, ContractVersion, Policy, Registry, SharedSchema
from accord.registry.pointer import unescape
from accord.registry.refs import defs_key

GATE_RULES = {
    "compatibility": "A new version satisfies the contract's compatibility level.",
    "immutable-version": "A published version accepts exactly the same payloads as before.",
    "deleted-version": "A published version is retired, never deleted.",
    "deleted-contract": "A published contract is retired, never deleted.",
    "compatibility-loosened": "A published contract's compatibility level is not weakened "
                              "without an approval.",
}
APPROVE = "x-accord-approve"

# What each level promises: directions checked, and whether against every earlier version.
_PROMISES = {
    "NONE": frozenset(),
    "BACKWARD": frozenset({"backward"}),
    "BACKWARD_TRANSITIVE": frozenset({"backward", "backward-all"}),
    "FORWARD": frozenset({"forward"}),
    "FORWARD_TRANSITIVE": frozenset({"forward", "forward-all"}),
    "FULL": frozenset({"backward", "forward"}),
    "FULL_TRANSITIVE": frozenset({"backward", "forward", "backward-all", "forward-all"}),
}


def loosened(old: str, new: str) -> bool:
    """``new`` promises less than ``old`` (it drops a direction or transitivity)."""
    return bool(_PROMISES.get(old, frozenset()) - _PROMISES.get(new, frozenset()))


def _approval(contract: Contract) -> str | None:
    """The reason given in `x-accord-approve: {compatibility-loosened: REASON}`, if any."""
    document = contract.document if isinstance(contract.document, dict) else {}
    approve = document.get(APPROVE)
    if isinstance(approve, dict):
        reason = approve.get("compatibility-loosened")
        return reason.strip() if isinstance(reason, str) and reason.strip() else None
    return None


def _loosened(contract: Contract, before: Contract, policy: Policy,
              base_policy: Policy) -> list[Finding]:
    old, new = base_policy.level_for(before), policy.level_for(contract)
    if not loosened(old, new):
        return []
    how = "its `compatibility`" if contract.compatibility else "the policy's default"
    who = ", ".join(contract.consumers) or "no listed consumer"
    pointer = "/compatibility" if contract.compatibility else ""
    reason = _approval(contract)
    if reason is not None:
        return [Finding(
            "compatibility-loosened", "warning",
            f"{contract.event}: compatibility {old} -> {new} ({how}), approved: {reason}",
            contract.source.locate(pointer), pointer, contract.event)]
    return [Finding(
        "compatibility-loosened", "error",
        f"{contract.event}'s compatibility was weakened from {old} to {new} ({how}); its "
        f"consumers rely on the old promise: {who}",
        contract.source.locate(pointer), pointer, contract.event,
        f"keep {old}, or approve it deliberately with `{APPROVE}: "
        "{compatibility-loosened: <why, and who agreed>}` in the contract")]


@dataclass(frozen=True, slots=True)
class CheckReport:
    findings: tuple[Finding, ...]
    files: tuple[str, ...]

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")


def _shared_at(registry: Registry, pointer: str) -> tuple[SharedSchema, str] | None:
    """The shared schema a pointer into a *bundled* schema lies in, and the pointer in it."""
    if pointer.startswith("/$defs/"):
        token, _, rest = pointer[len("/$defs/") :].partition("/")
        key = unescape(token)
        for path, shared in registry.shared.items():
            if defs_key(path) == key:
                return shared, f"/{rest}" if rest else ""
    return None


def locate(registry: Registry, contract: Contract, number: int, pointer: str) -> Location:
    """Where a pointer into a version's *bundled* schema was written: contract or shared file."""
    found = _shared_at(registry, pointer)
    if found is not None:
        return found[0].source.locate(found[1])
    return contract.source.locate(f"/versions/{number}/schema{pointer}")


def _through(registry: Registry, pointer: str) -> str:
    """` through <shared file>` when ``pointer`` is inside a bundled shared schema."""
    found = _shared_at(registry, pointer)
    return f" through {found[0].path}" if found is not None else ""


def _describe(change: Change) -> str:
    return f"{change.kind} at {change.path or '/'}: {change.message}"


def _shown(shown: Witness, older: int, newer: int) -> str:
    if not shown.found:
        return shown.why
    if shown.direction == "backward":
        return f"this v{older} event is rejected by v{newer}: {shown.text()}"
    return f"this v{newer} event is rejected by v{older}'s consumers: {shown.text()}"


def _chain_findings(registry: Registry, contract: Contract, policy: Policy) -> list[Finding]:
    level = policy.level_for(contract)
    if level == "NONE":
        return []
    findings = []
    schemas = [v.resolved for v in contract.versions]
    for i in range(1, len(schemas)):
        newer = contract.versions[i]
        result = check_chain(schemas[: i + 1], level,
                             undeclared_properties=policy.undeclared_properties)
        for change in result.breaking:
            against = change.against if change.against is not None else i - 1
            older = contract.versions[against]
            shown = for_level(schemas[against], schemas[i], change, level)
            findings.append(Finding(
                "compatibility", "error",
                f"{contract.event} version {newer.number} is not {level} compatible with "
                f"version {older.number}{_through(registry, change.new_path or '')}: "
                f"{_describe(change)}; {_shown(shown, older.number, newer.number)}",
                locate(registry, contract, newer.number, change.new_path or ""),
                f"/versions/{newer.number}/schema{change.new_path or ''}",
                contract.event, change.fix, shown.to_json(),
            ))
    return findings


def _base_findings(
    registry: Registry, contract: Contract, before: Contract, base: Registry
) -> list[Finding]:
    findings = []
    for old in before.versions:
        current = contract.version(old.number)
        if current is None:
            if old.status != "retired":
                findings.append(Finding(
                    "deleted-version", "error",
                    f"version {old.number} of {contract.event} was deleted; published versions "
                    "are retired, never deleted",
                    contract.source.locate("/versions"), "/versions", contract.event,
                    f"restore it with `status: retired` (it was {old.status} in {base.root})",
                ))
            continue
        findings.extend(_immutability(registry, contract, old, current))
    return findings


def _immutability(
    registry: Registry, contract: Contract, old: ContractVersion, new: ContractVersion
) -> list[Finding]:
    if old.resolved == new.resolved:
        return []
    changed = [c for c in compare(old.resolved, new.resolved)
               if c.breaks_backward or c.breaks_forward]
    return [
        Finding(
            "immutable-version", "error",
            f"published version {new.number} of {contract.event} was edited"
            f"{_through(registry, change.new_path or '')} so that it accepts different "
            f"payloads: {_describe(change)}",
            locate(registry, contract, new.number, change.new_path or ""),
            f"/versions/{new.number}/schema{change.new_path or ''}",
            contract.event,
            f"revert the edit and publish it as version {contract.latest.number + 1}",
        )
        for change in changed
    ]


def _uses(contract: Contract, shared_paths: Collection[str]) -> bool:
    keys = {defs_key(p) for p in shared_paths}
    for version in contract.versions:
        defs = version.resolved.get("$defs", {}) if isinstance(version.resolved, dict) else {}
        if keys & set(defs):
            return True
    return False


def check(
    registry: Registry,
    policy: Policy,
    rules: Sequence[Rule],
    *,
    base: Registry | None = None,
    only: Collection[str] | None = None,
    base_policy: Policy | None = None,
) -> CheckReport:
    """Everything the gate checks. ``only`` restricts it to files (display paths);
    ``base_policy`` is the policy as of the base (default: the current one)."""
    report = lint(registry, policy, rules, only=only)
    findings = list(report.findings)
    shared_only = [s.path for s in registry.shared.values() if only and s.source.file in only]
    before = {c.event: c for c in base.contracts} if base is not None else {}
    checked = set()
    for contract in registry.contracts:
        if only is not None and contract.source.file not in only and not (
            shared_only and _uses(contract, shared_only)
        ):
            continue
        checked.add(contract.event)
        findings.extend(_chain_findings(registry, contract, policy))
        if base is not None and contract.event in before:
            findings.extend(_base_findings(registry, contract, before[contract.event], base))
            findings.extend(_loosened(contract, before[contract.event], policy,
                                      base_policy or policy))
    if base is not None and only is None:
        present = {c.event for c in registry.contracts}
        for event, gone in before.items():
            if event in present or all(v.status == "retired" for v in gone.versions):
                continue
            findings.append(Finding(
                "deleted-contract", "error",
                f"contract {event} ({gone.source.file}) was deleted, or its event renamed; "
                "published events are retired, never deleted",
                Location(gone.source.file.split(":", 1)[-1]), "", event,
                "restore the file and set `status: retired` on every version",
            ))
    # One finding per contract, version and place: a shared file that two versions bundle
    # identically must not say the same thing twice.
    unique = list(dict.fromkeys(findings))
    unique.sort(key=lambda f: f.sort_key)
    return CheckReport(tuple(unique), report.files)
