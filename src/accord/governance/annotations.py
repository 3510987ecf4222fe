"""Annotation-level edits between two schemas, for people: a structural diff (deepdiff).

They never change a verdict; the compatibility engine ignores them.
"""

from __future__ import annotations

from dataclasses import dataclass

from deepdiff import DeepDiff

from accord.registry.model import JSON
from accord.registry.pointer import join

ANNOTATIONS = frozenset(
    {"title", "description", "examples", "default", "$comment", "deprecated", "readOnly",
     "writeOnly", "format", "contentMediaType", "contentEncoding"}
)


@dataclass(frozen=True, slots=True)
class AnnotationChange:
    path: str
    """JSON pointer of the annotation keyword."""
    action: str
    """added | removed | changed"""
    old: JSON
    new: JSON


def annotation_changes(old: JSON, new: JSON) -> list[AnnotationChange]:
    """Edits to annotation keywords (and x- extensions) between two schemas."""
    diff = DeepDiff(old, new, view="tree", verbose_level=2)
    changes = []
    for report, levels in diff.items():
        action = ("added" if "added" in report else "removed" if "removed" in report
                  else "changed")
        for level in levels:
            keys = level.path(output_format="list")
            keyword = next((k for k in reversed(keys) if isinstance(k, str)
                            and (k in ANNOTATIONS or k.startswith("x-"))), None)
            if keyword is None:
                continue
            index = len(keys) - 1 - keys[::-1].index(keyword)
            t1 = None if action == "added" else level.t1
            t2 = None if action == "removed" else level.t2
            changes.append(AnnotationChange(join(keys[: index + 1]), action, t1, t2))
    merged: dict[str, AnnotationChange] = {}
    for change in changes:
        # Several edits inside one annotation (e.g. examples) read as one change.
        merged.setdefault(change.path, change)
    return sorted(merged.values(), key=lambda c: c.path)
