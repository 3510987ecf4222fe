"""Rendering findings for people and machines: text, json, sarif, junit, github."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from accord import __version__
from accord.governance.findings import Finding

FORMATS = ("text", "json", "sarif", "junit", "github")


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What a report says about a rule (SARIF's rule table)."""

    id: str
    summary: str
    severity: str


def _counts(findings: Sequence[Finding]) -> tuple[int, int]:
    errors = sum(1 for f in findings if f.severity == "error")
    return errors, len(findings) - errors


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u2028\u2029]")
_BREAKS = re.compile(r"[\r\n\x00-\x1f\x7f\x85\u2028\u2029]")


def one_line(value: object) -> str:
    """``value`` with every line break and control character escaped (`\\n`, `\\x1b`): a
    file name or contract string can then never start a line of its own, such as a
    GitHub Actions workflow command (`::warning …`), nor move the terminal's cursor."""
    return _BREAKS.sub(lambda m: repr(m.group(0))[1:-1], str(value))


def _xml_safe(value: str) -> str:
    """XML 1.0 allows no control characters but tab, newline and carriage return."""
    return _CONTROL.sub(lambda m: repr(m.group(0))[1:-1], value)


def text(findings: Sequence[Finding], files: Sequence[str], *, verb: str = "checked") -> str:
    lines = []
    for f in findings:
        lines.append(f"{one_line(f.location)}: {f.severity} [{f.rule}] {one_line(f.message)}")
        if f.fix:
            lines.append(f"    fix: {one_line(f.fix)}")
    errors, warnings = _counts(findings)
    lines.append(
        f"{plural(errors, 'error')}, {plural(warnings, 'warning')} in "
        f"{plural(len(files), 'file')} {verb}"
    )
    return "\n".join(lines)


def as_json(
    findings: Sequence[Finding], files: Sequence[str], extra: Mapping[str, object] | None = None
) -> str:
    errors, warnings = _counts(findings)
    document = {
        "findings": [f.to_json() for f in findings],
        "summary": {"errors": errors, "warnings": warnings, "files": len(files)},
        **(extra or {}),
    }
    return json.dumps(document, indent=2, allow_nan=False)


def sarif(findings: Sequence[Finding], rules: Sequence[RuleInfo]) -> str:
    """SARIF 2.1.0, as GitHub code scanning reads it."""
    index = {rule.id: i for i, rule in enumerate(rules)}
    results = []
    for f in findings:
        region: dict[str, int] = {}
        if f.location.line:
            region["startLine"] = f.location.line
            if f.location.column:
                region["startColumn"] = f.location.column
        physical: dict[str, object] = {"artifactLocation": {"uri": f.location.file}}
        if region:
            physical["region"] = region
        result: dict[str, object] = {
            "ruleId": f.rule,
            "level": "error" if f.severity == "error" else "warning",
            "message": {"text": f.message + (f" Fix: {f.fix}" if f.fix else "")},
            "locations": [{"physicalLocation": physical}],
        }
        if f.rule in index:
            result["ruleIndex"] = index[f.rule]
        if f.counterexample:
            result["properties"] = {"counterexample": f.counterexample}
        results.append(result)
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "accord",
                        "version": __version__,
                        "rules": [
                            {
                                "id": rule.id,
                                "shortDescription": {"text": rule.summary},
                                "defaultConfiguration": {
                                    "level": "error" if rule.severity == "error" else "warning"
                                },
                            }
                            for rule in rules
                        ],
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=2, allow_nan=False)


def junit(findings: Sequence[Finding], files: Sequence[str], *, suite: str) -> str:
    """JUnit XML: one test case per file; error findings fail it, warnings go to its output."""
    by_file: dict[str, list[Finding]] = {file: [] for file in files}
    for f in findings:
        by_file.setdefault(f.location.file, []).append(f)
    failed = sum(1 for fs in by_file.values() if any(f.severity == "error" for f in fs))
    root = ET.Element("testsuites", name="accord", tests=str(len(by_file)), failures=str(failed))
    suite_el = ET.SubElement(
        root,
        "testsuite",
        name=suite,
        tests=str(len(by_file)),
        failures=str(failed),
        errors="0",
        skipped="0",
    )
    for file, fs in by_file.items():
        case = ET.SubElement(suite_el, "testcase", classname=suite, name=_xml_safe(file))
        bad = [f for f in fs if f.severity == "error"]
        if bad:
            failure = ET.SubElement(case, "failure", message=f"{len(bad)} error(s)", type="accord")
            failure.text = _xml_safe(
                "\n".join(f"{f.location}: [{f.rule}] {f.message}" for f in bad))
        warned = [f for f in fs if f.severity != "error"]
        if warned:
            out = ET.SubElement(case, "system-out")
            out.text = _xml_safe(
                "\n".join(f"{f.location}: warning [{f.rule}] {f.message}" for f in warned))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def _gh_escape(value: str, *, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def github(findings: Sequence[Finding]) -> str:
    """GitHub Actions workflow commands: one annotation per finding."""
    lines = []
    for f in findings:
        props = [f"file={_gh_escape(f.location.file, prop=True)}"]
        if f.location.line:
            props.append(f"line={f.location.line}")
        if f.location.column:
            props.append(f"col={f.location.column}")
        props.append(f"title={_gh_escape(f.rule, prop=True)}")
        level = "error" if f.severity == "error" else "warning"
        message = f.message + (f" Fix: {f.fix}" if f.fix else "")
        lines.append(f"::{level} {','.join(props)}::{_gh_escape(message)}")
    return "\n".join(lines)


def render(
    fmt: str,
    findings: Sequence[Finding],
    files: Sequence[str],
    rules: Sequence[RuleInfo],
    *,
    suite: str,
    extra: Mapping[str, object] | None = None,
    owners: Mapping[str, str] | None = None,
    changed: Mapping[str, str] | None = None,
) -> str:
    if fmt == "json":
        return as_json(findings, files, extra)
    if fmt == "sarif":
        return sarif(findings, rules)
    if fmt == "junit":
        return junit(findings, files, suite=suite)
    if fmt == "github":
        return github(findings)
    if fmt == "markdown":
        from accord.governance.pr_report import pull_request  # it uses one_line, from here

        return pull_request(findings, files, owners, changed)
    return text(findings, files)
