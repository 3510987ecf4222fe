"""Running the rule catalog over a registry under a policy."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from accord.errors import ConfigError, Location
from accord.governance.findings import Finding
from accord.governance.rules import Context, Issue, Rule, SchemaDoc
from accord.registry.model import Policy, Registry, SourceMap


@dataclass(frozen=True, slots=True)
class LintReport:
    """The findings of one lint run, and what was looked at."""

    findings: tuple[Finding, ...]
    files: tuple[str, ...]

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")


def severity_of(rule: Rule, policy: Policy) -> str:
    setting = policy.rules.get(rule.id)
    return (setting.severity if setting and setting.severity else None) or rule.severity


def check_policy_rules(rules: Sequence[Rule], policy: Policy) -> None:
    known = {rule.id for rule in rules}
    for rule_id in policy.rules:
        if rule_id not in known:
            where = Location(policy.path) if policy.path else None
            raise ConfigError(
                f"policy configures unknown rule {rule_id!r}; known: {', '.join(sorted(known))}",
                where,
            )


def lint(
    registry: Registry,
    policy: Policy,
    rules: Sequence[Rule],
    *,
    only: Collection[str] | None = None,
) -> LintReport:
    """Lint every contract (or those whose display path is in ``only``) and shared schema."""
    check_policy_rules(rules, policy)
    active = [(rule, severity_of(rule, policy)) for rule in rules]
    active = [(rule, sev) for rule, sev in active if sev != "off"]
    findings: list[Finding] = []
    files: list[str] = []

    def emit(
        rule: Rule, severity: str, issues: Iterable[Issue], source: SourceMap, event: str | None
    ) -> None:
        for issue in issues:
            findings.append(
                Finding(
                    rule.id,
                    severity,
                    issue.message,
                    source.locate(issue.pointer),
                    issue.pointer,
                    event,
                    issue.fix,
                )
            )

    contexts = {
        rule.id: Context(registry, policy,
                         policy.rules[rule.id].options if rule.id in policy.rules else {})
        for rule, _ in active
    }
    for contract in registry.contracts:
        source = contract.source
        if only is not None and source.file not in only:
            continue
        files.append(source.file)
        docs = [SchemaDoc(v.schema, f"/versions/{v.number}/schema", source, contract)
                for v in contract.versions]
        for rule, severity in active:
            if rule.id in contract.ignore:
                continue
            ctx = contexts[rule.id]
            emit(rule, severity, rule.check_contract(contract, ctx), source, contract.event)
            for doc in docs:
                emit(rule, severity, rule.check_schema(doc, ctx), source, contract.event)
    for shared in registry.shared.values():
        source = shared.source
        if only is not None and source.file not in only:
            continue
        files.append(source.file)
        document = shared.document
        ignore = document.get("x-accord-ignore", []) if isinstance(document, dict) else []
        doc = SchemaDoc(document, "", source)
        for rule, severity in active:
            if rule.id not in ignore:
                emit(rule, severity, rule.check_schema(doc, contexts[rule.id]), source, None)
    findings.sort(key=lambda f: f.sort_key)
    return LintReport(tuple(findings), tuple(files))
