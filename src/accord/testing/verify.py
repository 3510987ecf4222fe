"""`accord verify`: consumer expectations on file against the registry.

For every field a consumer declared or was seen to read, each version it expects and every
later version must still provide the field, with a type the consumer accepts, and keep it
required where the consumer relies on it. With a base registry (a git ref), only versions
that changed since the base are checked, against the expected version as of the base:
that is the impact of the change under review.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from accord.errors import Location
from accord.governance.findings import Finding
from accord.registry.model import Contract, ContractVersion, Registry
from accord.samples.edit import MISSING, prune
from accord.samples.fields import ITEMS, TYPES, FieldInfo, covers, json_type, lookup, parse_path
from accord.samples.stream import SampleStream
from accord.testing.expectations import load_all
from accord.testing.matchers import EachLike, Like, Matcher, OneOf, Present, Regex, from_json
from accord.validation import validator

JSON = Any
RULES = {
    "consumer-field-removed": "A version no longer provides a field a consumer expects.",
    "consumer-field-type": "A version provides a field a consumer expects with another type.",
    "consumer-field-optional": "A version makes optional a field a consumer relies on.",
    "consumer-expectation-stale": "A consumer expects an event or version the registry lacks.",
}


@dataclass(frozen=True, slots=True)
class _Expected:
    """One field of one expectation: how the consumer uses it, and the tests that show it."""

    path: str
    matchers: tuple[Matcher, ...]
    tests: tuple[str, ...]

    @property
    def declared(self) -> bool:
        return bool(self.matchers)


def _expected_fields(entry: JSON) -> list[_Expected]:
    out: dict[str, tuple[list[Matcher], set[str]]] = {}
    for path, matchers in entry["fields"].items():
        slot = out.setdefault(path, ([], set()))
        for raw in matchers:
            slot[0].append(from_json(raw))
            slot[1].update(raw["tests"])
    for path, tests in entry["observed"].items():
        out.setdefault(path, ([], set()))[1].update(tests)
    return [_Expected(p, tuple(m), tuple(sorted(t))) for p, (m, t) in sorted(out.items())]


def _accepted(matcher: Matcher) -> frozenset[str]:
    """The JSON types a matcher accepts."""
    if isinstance(matcher, Like):
        kind = json_type(matcher.example)
        return frozenset({"number", "integer"}) if kind == "number" else frozenset({kind})
    if isinstance(matcher, EachLike):
        return frozenset({"array"})
    if isinstance(matcher, Regex):
        return frozenset({"string"})
    if isinstance(matcher, OneOf):
        return frozenset(json_type(v) for v in matcher.values) | (
            frozenset({"number"}) if any(json_type(v) == "number" for v in matcher.values)
            else frozenset())
    if isinstance(matcher, Present):
        return TYPES - {"null"}
    return TYPES


def _types(types: Iterable[str]) -> str:
    return "|".join(sorted(types)) or "nothing"


def _enum_values(info: FieldInfo) -> list[JSON] | None:
    values: list[JSON] = []
    for schema in info.schemas:
        if not isinstance(schema, dict):
            return None
        if "const" in schema:
            values.append(schema["const"])
        elif isinstance(schema.get("enum"), list):
            values.extend(schema["enum"])
        else:
            return None
    return values


def _problems(field: _Expected, before: FieldInfo | None, after: FieldInfo | None
              ) -> list[tuple[str, str]]:
    """(rule, what the version does to the field) for one expected field."""
    name = f"`{field.path}`"
    if after is None:
        return [("consumer-field-removed", f"drops {name}" if before is not None
                 else f"lacks {name}")]
    out = []
    for matcher in field.matchers:
        if not covers(_accepted(matcher), after.types):
            out.append(("consumer-field-type", f"provides {name} as {_types(after.types)} "
                                               f"(expected {matcher.describe()})"))
            break
        if isinstance(matcher, OneOf):
            extra = [v for v in _enum_values(after) or () if v not in matcher.values]
            if extra:
                out.append(("consumer-field-type", f"allows {extra!r} in {name} (expected "
                                                   f"{matcher.describe()})"))
    if not field.matchers and before is not None and not covers(before.types, after.types):
        out.append(("consumer-field-type", f"changes {name} from {_types(before.types)} to "
                                           f"{_types(after.types)}"))
    # Declared fields are relied on; a read field is relied on when it was always there.
    relied = field.declared or (before is not None and before.required)
    if relied and before is not None and before.required and not after.required:
        out.append(("consumer-field-optional", f"makes {name} optional"))
    return out


def _targets(contract: Contract, expected: ContractVersion, base: Registry | None
             ) -> list[tuple[ContractVersion, JSON]]:
    """(version to check, schema it is compared with) for one expectation."""
    later = [v for v in contract.versions
             if v.number >= expected.number and (v.status != "retired" or v is expected)]
    if base is None:
        return [(v, expected.resolved) for v in later]
    before = base.get(contract.event)
    out = []
    for version in later:
        old = before.version(version.number) if before is not None else None
        if old is not None and old.resolved == version.resolved:
            continue  # unchanged since the base: not this change's doing
        reference = old or (before.version(expected.number) if before is not None else None)
        out.append((version, (reference or expected).resolved))
    return out


def _stale(consumer: str, file: Path, entry: JSON, what: str) -> Finding:
    return Finding(
        "consumer-expectation-stale", "error",
        f"{consumer} expects {entry['event']} v{entry['version']}, but {what} (tests: "
        f"{', '.join(entry['tests'])})",
        Location(str(file)), "", entry["event"],
        "restore it, or update the consumer and re-run its tests to rewrite "
        f"{file.name}",
    )


_DRAWS = 40


def consumer_witness(schema: JSON, field: _Expected, rule: str) -> JSON:
    """An event valid under ``schema`` that breaks how the consumer uses ``field`` (it is
    absent, or a matcher refuses its value), or `MISSING` when none is found: the smallest
    valid event first, then drawn ones. Each is checked by the validation layer."""
    ok = validator(schema).is_valid
    try:
        stream = SampleStream(schema, seed="consumer", label="consumer", validate=ok)
        first = stream.next_event()
    except Exception:  # a schema the samples layer cannot draw from
        return MISSING
    segments = parse_path(field.path)
    candidates = [prune(first, ok), first]
    for candidate in candidates + [stream.next_event() for _ in range(_DRAWS)]:
        values = _values_at(candidate, segments)
        if rule != "consumer-field-type" and MISSING in values:
            return candidate
        present = [v for v in values if v is not MISSING]
        if any(m.check(v) is not None for m in field.matchers for v in present):
            return candidate
        if rule == "consumer-field-type" and not field.matchers and present:
            return candidate  # the type changed: any value shows the new type
    return MISSING


def _values_at(instance: JSON, segments: list[str]) -> list[JSON]:
    """The values at a field path (`items[].sku`: one per item); MISSING where absent."""
    current = [instance]
    for segment in segments:
        following: list[JSON] = []
        for node in current:
            if segment == ITEMS:
                if isinstance(node, list):
                    following.extend(node)
            elif isinstance(node, dict) and segment in node:
                following.append(node[segment])
            else:
                following.append(MISSING)
        current = following
    return current


def verify_findings(registry: Registry, expectations_dir: Path, *,
                    base: Registry | None = None) -> list[Finding]:
    """Findings for every expectation file in ``expectations_dir`` (none when it is absent)."""
    findings: list[Finding] = []
    for file, document in load_all(Path(expectations_dir)):
        consumer = document["consumer"]
        for entry in document["expectations"]:
            contract = registry.get(entry["event"])
            if contract is None:
                findings.append(_stale(consumer, file, entry, "the registry has no such event"))
                continue
            expected = contract.version(entry["version"])
            if expected is None:
                findings.append(_stale(consumer, file, entry, "that version does not exist"))
                continue
            fields = _expected_fields(entry)
            for version, reference in _targets(contract, expected, base):
                for field in fields:
                    before = lookup(reference, field.path)
                    after = lookup(version.resolved, field.path)
                    for rule, what in _problems(field, before, after):
                        use = "relies on" if field.declared else "reads"
                        shown = consumer_witness(version.resolved, field, rule)
                        test = field.tests[0] if field.tests else "its test"
                        seen = (f"; {consumer}'s {test} would receive "
                                f"{json.dumps(shown, ensure_ascii=False)}" if shown is not MISSING
                                else "; no counterexample found")
                        findings.append(Finding(
                            rule, "error",
                            f"{contract.event} v{version.number} {what}, which "
                            f"{consumer} {use} (expects v{expected.number}; "
                            f"{', '.join(field.tests)}){seen}",
                            contract.source.locate(f"/versions/{version.number}/schema"),
                            f"/versions/{version.number}/schema", contract.event,
                            f"keep `{field.path}` as {consumer} expects it, or agree the change "
                            f"with {consumer} and re-run its tests to update {file.name}",
                            None if shown is MISSING else {
                                "direction": "consumer", "found": True, "payload": shown,
                                "why": f"{consumer}: {what}"},
                            {"consumer": consumer, "field": field.path,
                             "tests": list(field.tests)},
                        ))
    return sorted(findings, key=lambda f: f.sort_key)
