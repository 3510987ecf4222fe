"""Findings: the Change record, the result of a check, and the catalog of stable change kinds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Kind:
    """One stable change kind: its id, what it means, and the usual fix when it breaks."""

    id: str
    summary: str
    fix: str | None = None


_NEW_VERSION = "or publish it as a new major version of the event"

KINDS: dict[str, Kind] = {
    k.id: k
    for k in (
        Kind(
            "property-added",
            "a property is declared in new that old did not declare",
            "if producers never send undeclared properties, set undeclared_properties: "
            "assume-absent; otherwise publish it as a new major version of the event",
        ),
        Kind(
            "property-removed",
            "a property declared in old is no longer declared in new",
            "keep the property (mark it deprecated) " + _NEW_VERSION,
        ),
        Kind(
            "required-added",
            "new requires a property that old did not require",
            "add a default and make it optional, " + _NEW_VERSION,
        ),
        Kind(
            "required-removed",
            "old required a property that new no longer requires",
            "keep the property required " + _NEW_VERSION,
        ),
        Kind("type-narrowed", "new accepts fewer JSON types than old", "keep the old types"),
        Kind("type-widened", "new accepts more JSON types than old", "keep the old types"),
        Kind("type-changed", "new accepts different JSON types than old", _NEW_VERSION[3:]),
        Kind("enum-value-added", "new accepts a value that old rejects", None),
        Kind("enum-value-removed", "new rejects a value that old accepts", "keep the value"),
        Kind("enum-added", "new restricts values to a finite set", "drop the enum"),
        Kind("enum-removed", "new lifts old's restriction to a finite set of values", None),
        Kind("const-changed", "the constant value differs", _NEW_VERSION[3:]),
        Kind("minimum-increased", "the lower bound rose (or was added)", "keep the old minimum"),
        Kind("minimum-decreased", "the lower bound fell (or was removed)", None),
        Kind("maximum-increased", "the upper bound rose (or was removed)", None),
        Kind("maximum-decreased", "the upper bound fell (or was added)", "keep the old maximum"),
        Kind("multiple-of-changed", "multipleOf was added, removed or changed", None),
        Kind("min-length-increased", "minLength rose (or was added)", "keep the old minLength"),
        Kind("min-length-decreased", "minLength fell (or was removed)", None),
        Kind("max-length-increased", "maxLength rose (or was removed)", None),
        Kind("max-length-decreased", "maxLength fell (or was added)", "keep the old maxLength"),
        Kind("pattern-added", "new adds a pattern", "drop the pattern " + _NEW_VERSION),
        Kind("pattern-removed", "new drops old's pattern", None),
        Kind(
            "pattern-changed",
            "the pattern differs (regex inclusion is not decided: any change counts)",
            "keep the exact old pattern string " + _NEW_VERSION,
        ),
        Kind("items-changed", "the array's item or tuple layout differs", None),
        Kind("min-items-increased", "minItems rose (or was added)", "keep the old minItems"),
        Kind("min-items-decreased", "minItems fell (or was removed)", None),
        Kind("max-items-increased", "maxItems rose (or was removed)", None),
        Kind("max-items-decreased", "maxItems fell (or was added)", "keep the old maxItems"),
        Kind("unique-items-added", "new requires unique items", "drop uniqueItems"),
        Kind("unique-items-removed", "new no longer requires unique items", None),
        Kind("min-properties-increased", "minProperties rose (or was added)", None),
        Kind("min-properties-decreased", "minProperties fell (or was removed)", None),
        Kind("max-properties-increased", "maxProperties rose (or was removed)", None),
        Kind("max-properties-decreased", "maxProperties fell (or was added)", None),
        Kind(
            "dependent-required-added",
            "new requires a property whenever another one is present",
            "drop the dependency " + _NEW_VERSION,
        ),
        Kind("dependent-required-removed", "new drops a dependentRequired entry", None),
        Kind(
            "content-model-closed",
            "new forbids undeclared properties that old allowed",
            "keep additionalProperties open " + _NEW_VERSION,
        ),
        Kind("content-model-opened", "new allows undeclared properties that old forbade", None),
        Kind("additional-properties-narrowed", "additionalProperties accepts less in new", None),
        Kind("additional-properties-widened", "additionalProperties accepts more in new", None),
        Kind(
            "pattern-properties-changed",
            "patternProperties differ in a way the engine could not prove harmless",
            "keep the old patternProperties " + _NEW_VERSION,
        ),
        Kind("combinator-changed", "an anyOf/oneOf branch was added, removed or changed", None),
        Kind("not-changed", "a `not` constraint was added or changed", None),
        Kind(
            "ref-unresolvable",
            "a $ref does not resolve inside its own schema document",
            "bundle referenced schemas into #/$defs before comparing",
        ),
        Kind(
            "unprovable",
            "the engine could not prove inclusion, so it counts the change as breaking",
            "express the constraint with supported keywords, or keep it byte-identical",
        ),
    )
}


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between two schemas and which compatibility directions it breaks."""

    kind: str
    path: str
    old_path: str | None
    new_path: str | None
    breaks_backward: bool
    breaks_forward: bool
    message: str
    fix: str | None = None
    against: int | None = None  # index of the earlier version, for chain checks

    def to_json(self) -> dict[str, Any]:
        """The JSON-ready dict used by ``accord compat --format json``."""
        out: dict[str, Any] = {
            "kind": self.kind,
            "path": self.path,
            "old_path": self.old_path,
            "new_path": self.new_path,
            "breaks_backward": self.breaks_backward,
            "breaks_forward": self.breaks_forward,
            "message": self.message,
        }
        if self.fix is not None:
            out["fix"] = self.fix
        if self.against is not None:
            out["against"] = self.against
        return out


@dataclass(frozen=True, slots=True)
class CompatibilityResult:
    """The verdict under one mode, and every difference found between the two schemas."""

    compatible: bool
    mode: str
    changes: Sequence[Change]

    @property
    def breaking(self) -> list[Change]:
        """The changes that break the mode's direction(s)."""
        return [c for c in self.changes if breaks(c, self.mode)]

    def to_json(self) -> dict[str, Any]:
        """``{"compatible", "mode", "changes": [...]}`` as in the CLI's JSON output."""
        return {
            "compatible": self.compatible,
            "mode": self.mode,
            "changes": [c.to_json() for c in self.changes],
        }


def breaks(change: Change, mode: str) -> bool:
    """Whether ``change`` breaks the direction(s) that ``mode`` checks."""
    base = mode.removesuffix("_TRANSITIVE")
    if base == "BACKWARD":
        return change.breaks_backward
    if base == "FORWARD":
        return change.breaks_forward
    if base == "FULL":
        return change.breaks_backward or change.breaks_forward
    return False
