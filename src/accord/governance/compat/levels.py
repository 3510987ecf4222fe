"""Compatibility levels: both directions once, merged findings, and version chains."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from jsonschema import (
    Draft4Validator,
    Draft6Validator,
    Draft7Validator,
    Draft201909Validator,
    Draft202012Validator,
)
from jsonschema.exceptions import best_match

from accord.errors import UsageError
from accord.governance.compat.changes import KINDS, Change, CompatibilityResult, breaks
from accord.governance.compat.inclusion import Finding, Walk
from accord.governance.compat.refs import Doc, draft_of
from accord.governance.compat.unevaluated import static_unevaluated
from accord.registry.model import LEVELS, UNDECLARED
from accord.registry.pointer import join

_VALIDATORS: dict[int, Any] = {
    4: Draft4Validator,
    6: Draft6Validator,
    7: Draft7Validator,
    2019: Draft201909Validator,
    2020: Draft202012Validator,
}

Schema = Mapping[str, Any] | bool


def _mode(mode: str) -> str:
    normal = mode.upper().replace("-", "_") if isinstance(mode, str) else ""
    if normal not in LEVELS:
        raise UsageError(f"unknown compatibility mode {mode!r}; use one of {', '.join(LEVELS)}")
    return normal


def _undeclared(value: str) -> bool:
    if value not in UNDECLARED:
        raise UsageError(
            f"unknown undeclared_properties {value!r}; use 'strict' or 'assume-absent'"
        )
    return value == "assume-absent"


def _schema(value: object, label: str) -> Any:
    if isinstance(value, (bool, Mapping)):
        return value
    raise UsageError(f"the {label} schema must be a JSON object or a boolean")


def compare(old: Schema, new: Schema, *, assume_absent: bool = False) -> list[Change]:
    """Every difference, each marked with the directions it breaks, in a stable order."""
    old_doc = Doc.of(_static(_schema(old, "old")), "old")
    new_doc = Doc.of(_static(_schema(new, "new")), "new")
    if 3 in (old_doc.draft, new_doc.draft):
        raise UsageError("draft-03 schemas are not supported; use draft-04 or later")
    if old_doc.draft == new_doc.draft and old_doc.same_as(old_doc.root, new_doc, new_doc.root):
        return []  # byte-identical documents: nothing to walk
    try:
        backward = Walk(old_doc, new_doc, a_is_old=True, assume_absent=assume_absent).run()
        forward = Walk(new_doc, old_doc, a_is_old=False, assume_absent=assume_absent).run()
    except RecursionError:
        raise UsageError("the schemas are nested too deeply to compare") from None
    except (TypeError, AttributeError, KeyError, ValueError, IndexError) as exc:
        # The engine assumes schemas valid for their draft (the registry checks this); say
        # which input is not, rather than failing with a traceback.
        for doc in (old_doc, new_doc):
            problem = _invalid(doc.root)
            if problem:
                raise UsageError(
                    f"the {doc.label} schema is not valid JSON Schema: {problem}"
                ) from exc
        raise
    merged: dict[tuple[str, str], list[Any]] = {}
    for finding, is_backward in [(f, True) for f in backward] + [(f, False) for f in forward]:
        path = _path(finding)
        entry = merged.setdefault((finding.kind, path), [finding, False, False])
        entry[1 if is_backward else 2] = True
    return [
        Change(
            kind=f.kind,
            path=path,
            old_path=f.old_ptr,
            new_path=f.new_ptr,
            breaks_backward=bw,
            breaks_forward=fw,
            message=f.message,
            fix=KINDS[f.kind].fix,
        )
        for (_, path), (f, bw, fw) in merged.items()
    ]


def _static(schema: Any) -> Any:
    """2019-09 and later: `unevaluated*` whose evaluated set is static, as the keyword it is."""
    if draft_of(schema) < 2019 or "unevaluated" not in str(schema):
        return schema
    return static_unevaluated(schema)


def _invalid(schema: Any) -> str | None:
    """The first metaschema error of ``schema``, or None (only called when something broke)."""
    cls = _VALIDATORS.get(draft_of(schema), Draft202012Validator)
    error = best_match(cls(cls.META_SCHEMA).iter_errors(schema))
    if error is None:
        return None
    where = join(error.absolute_path) or "/"
    return f"{error.message} at {where}"


def _path(finding: Finding) -> str:
    path = finding.new_ptr if finding.new_ptr is not None else finding.old_ptr
    return path if path is not None else ""


def check_compatibility(
    old: Schema,
    new: Schema,
    mode: str = "BACKWARD",
    *,
    undeclared_properties: str = "strict",
) -> CompatibilityResult:
    """Whether ``new`` may follow ``old`` under ``mode``, with every difference found."""
    level = _mode(mode)
    changes = compare(old, new, assume_absent=_undeclared(undeclared_properties))
    return CompatibilityResult(
        compatible=not any(breaks(c, level) for c in changes), mode=level, changes=changes
    )


def check_chain(
    versions: Sequence[Schema], mode: str = "BACKWARD", *, undeclared_properties: str = "strict"
) -> CompatibilityResult:
    """The latest version against the previous one, or against every earlier one (*_TRANSITIVE).

    Each change carries ``against``: the index of the earlier version it was found against.
    """
    level = _mode(mode)
    assume_absent = _undeclared(undeclared_properties)
    if len(versions) < 2 or level == "NONE":
        return CompatibilityResult(True, level, [])
    latest = len(versions) - 1
    earlier = range(latest) if level.endswith("_TRANSITIVE") else [latest - 1]
    changes: list[Change] = []
    for index in reversed(earlier):
        for c in compare(versions[index], versions[latest], assume_absent=assume_absent):
            changes.append(_against(c, index))
    return CompatibilityResult(not any(breaks(c, level) for c in changes), level, changes)


def check_history(
    versions: Sequence[Schema], mode: str = "BACKWARD", *, undeclared_properties: str = "strict"
) -> list[CompatibilityResult]:
    """``check_chain`` for every version after the first: entry i is version i + 1's verdict."""
    return [
        check_chain(versions[: i + 1], mode, undeclared_properties=undeclared_properties)
        for i in range(1, len(versions))
    ]


def is_equivalent(old: Schema, new: Schema) -> bool:
    """Both schemas provably accept exactly the same instances (a published version's edit)."""
    return not any(c.breaks_backward or c.breaks_forward for c in compare(old, new))


def _against(change: Change, index: int) -> Change:
    return Change(
        change.kind,
        change.path,
        change.old_path,
        change.new_path,
        change.breaks_backward,
        change.breaks_forward,
        change.message,
        change.fix,
        index,
    )
