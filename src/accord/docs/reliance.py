"""Who relies on which field: read from the consumers' expectation files.

The pytest plugin writes one JSON file per consumer (format 1, see
`accord/testing/expectations.schema.json`). The site only needs a projection of it, so
this reader is deliberately small and forgiving: a missing folder means "no
expectations yet", and a file it cannot read is reported as a problem and skipped
instead of failing the whole site.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Reliance:
    """For each (event, version): field path -> consumer -> how it relies on it."""

    fields: Mapping[tuple[str, int], Mapping[str, Mapping[str, str]]] = field(
        default_factory=dict)
    problems: tuple[str, ...] = ()

    def for_version(self, event: str, version: int) -> Mapping[str, Mapping[str, str]]:
        return self.fields.get((event, version), {})


def _entries(document: Any) -> list[tuple[str, str, int, str, str]]:
    """(consumer, event, version, path, how) rows; raises on a malformed document."""
    consumer = document["consumer"]
    rows = []
    for entry in document["expectations"]:
        event, version = entry["event"], entry["version"]
        if not isinstance(event, str) or not isinstance(version, int):
            raise TypeError("event must be a string and version an integer")
        rows += [(consumer, event, version, path, "tested") for path in entry["fields"]]
        rows += [(consumer, event, version, path, "reads") for path in entry["observed"]]
    if not isinstance(consumer, str):
        raise TypeError("consumer must be a string")
    return rows


def read_reliance(folder: Path | None) -> Reliance:
    """The expectations under ``folder``; an absent folder gives an empty result."""
    if folder is None or not folder.is_dir():
        return Reliance()
    table: dict[tuple[str, int], dict[str, dict[str, str]]] = {}
    problems = []
    for path in sorted(folder.glob("*.json")):
        try:
            rows = _entries(json.loads(path.read_text("utf-8")))
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
            problems.append(f"{path}: not a readable expectation file ({exc}); skipped")
            continue
        for consumer, event, version, field_path, how in rows:
            slot = table.setdefault((event, version), {}).setdefault(field_path, {})
            # A field both declared in a test and read by code shows as "tested".
            if slot.get(consumer) != "tested":
                slot[consumer] = how
    return Reliance(table, tuple(problems))
