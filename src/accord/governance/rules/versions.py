"""Rules on a contract's versions: numbering, lifecycle dates, key and examples."""

from __future__ import annotations

from collections.abc import Iterable

from accord.governance.rules.base import Context, Issue, Rule
from accord.registry.model import Contract
from accord.validation import validator


class VersionsConsecutive(Rule):
    id = "versions-consecutive"
    summary = "Versions are numbered 1, 2, 3 … with no gaps."
    description = (
        "A gap reads as a deleted version. Retire a version (`status: retired`) instead of "
        "removing it, so that its number is never reused."
    )

    def check_contract(self, contract: Contract, ctx: Context) -> Iterable[Issue]:
        for expected, version in enumerate(contract.versions, start=1):
            if version.number != expected:
                yield Issue(
                    f"version {version.number} should be version {expected}",
                    f"/versions/{version.number}",
                )
                return


class DeprecationDates(Rule):
    id = "deprecation-dates"
    summary = "A deprecated or retired version says since when."
    description = (
        "`deprecated_on` (and optionally `sunset_on`) let consumers plan their migration and "
        "let the site show a banner with the dates."
    )

    def check_contract(self, contract: Contract, ctx: Context) -> Iterable[Issue]:
        for version in contract.versions:
            at = f"/versions/{version.number}"
            if version.status != "active" and version.deprecated_on is None:
                yield Issue(
                    f"version {version.number} is {version.status} but has no deprecated_on date",
                    at,
                    fix="add `deprecated_on: YYYY-MM-DD`",
                )
            if version.status == "active" and version.deprecated_on is not None:
                yield Issue(
                    f"version {version.number} has deprecated_on but is active",
                    f"{at}/deprecated_on",
                    fix="set `status: deprecated`",
                )
            if (
                version.sunset_on is not None
                and version.deprecated_on is not None
                and version.sunset_on < version.deprecated_on
            ):
                yield Issue(
                    f"version {version.number} is sunset before it is deprecated", f"{at}/sunset_on"
                )


class LatestActive(Rule):
    id = "latest-active"
    summary = "The latest version is active: deprecating it leaves producers nothing to use."
    description = "Deprecate a version when its successor is published, not before."

    def check_contract(self, contract: Contract, ctx: Context) -> Iterable[Issue]:
        latest = contract.latest
        if latest.status != "active" and any(v.status == "active" for v in contract.versions):
            yield Issue(
                f"version {latest.number} is the latest but is {latest.status}",
                f"/versions/{latest.number}",
            )


class RootObject(Rule):
    id = "root-object"
    summary = "An event payload is a JSON object."
    description = "Keys, envelopes and generated classes all need named fields at the root."

    def check_contract(self, contract: Contract, ctx: Context) -> Iterable[Issue]:
        for version in contract.versions:
            schema = version.resolved
            target = schema
            if isinstance(schema, dict) and set(schema) <= {"$ref", "$defs", "$schema"}:
                ref = str(schema.get("$ref", ""))
                target = schema.get("$defs", {}).get(ref.rpartition("/")[2], schema)
            if not _is_object_root(schema, target):
                yield Issue(
                    f"version {version.number}: the schema's root is not `type: object`",
                    f"/versions/{version.number}/schema",
                )


def is_object_root(schema: object) -> bool:
    """Whether a payload schema's root is an object (or a oneOf/anyOf of objects)."""
    return _is_object_root(schema, schema)


def _is_object_root(root: object, node: object, depth: int = 0) -> bool:
    """`type: object`, or a `oneOf`/`anyOf` whose every branch is one (local refs followed):
    each payload is still an object with named fields."""
    if depth > 8 or not isinstance(node, dict) or not isinstance(root, dict):
        return False
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/") and len(node) == 1:
        target: object = root
        for token in ref[2:].split("/"):
            target = target.get(token.replace("~1", "/").replace("~0", "~")) \
                if isinstance(target, dict) else None
        return _is_object_root(root, target, depth + 1)
    if node.get("type") == "object":
        return True
    for key in ("oneOf", "anyOf"):
        branches = node.get(key)
        if isinstance(branches, list) and branches and all(
                _is_object_root(root, b, depth + 1) for b in branches):
            return node.get("type") in (None, "object")
    return False


class KeyRequired(Rule):
    id = "key-required"
    summary = "The partition key is a required top-level field of every active version."
    description = (
        "Per-key ordering depends on every event carrying its key. The field named by `key:` "
        "must be declared in `properties` and listed in `required`."
    )

    def check_contract(self, contract: Contract, ctx: Context) -> Iterable[Issue]:
        if contract.key is None:
            return
        for version in contract.versions:
            if not version.active:
                continue
            schema = version.resolved if isinstance(version.resolved, dict) else {}
            if contract.key not in schema.get("properties", {}):
                yield Issue(
                    f"version {version.number} does not declare key field {contract.key!r}",
                    f"/versions/{version.number}/schema",
                )
            elif contract.key not in schema.get("required", ()):
                yield Issue(
                    f"version {version.number} does not require key field {contract.key!r}",
                    f"/versions/{version.number}/schema",
                    fix=f"add {contract.key} to required",
                )


class ExamplesValid(Rule):
    id = "examples-valid"
    summary = "Every example validates against its version's schema."
    description = (
        "Examples are documentation, test data and the simulator's seeds; an invalid one "
        "teaches the wrong payload. Checked by the one validator every part of Accord uses: "
        "patterns as ECMA-262, and the formats date-time, date, uuid and decimal asserted."
    )

    def check_contract(self, contract: Contract, ctx: Context) -> Iterable[Issue]:
        for version in contract.versions:
            if not version.examples:
                continue
            check = validator(version.resolved)
            for i, example in enumerate(version.examples):
                for where, message in check.problems(example, limit=3):
                    yield Issue(
                        f"example {i + 1} of version {version.number} is invalid at "
                        f"{where}: {message}",
                        f"/versions/{version.number}/examples/{i}{'' if where == '/' else where}",
                    )


class ExamplesPresent(Rule):
    id = "examples-present"
    severity = "warning"
    summary = "Every active version has at least one example."
    description = "An example is the fastest way for a consumer to understand a payload."

    def check_contract(self, contract: Contract, ctx: Context) -> Iterable[Issue]:
        for version in contract.versions:
            if version.active and not version.examples:
                yield Issue(
                    f"version {version.number} has no examples", f"/versions/{version.number}"
                )
