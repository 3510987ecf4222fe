"""Expectation files: `<expectations>/<consumer>.json`, one per consumer.

The format (version 1) is described by `expectations.schema.json`, shipped beside this
module. Per event version the file holds the fields the tests declared (with matchers),
the fields the consumer's code was seen to read, and the tests behind each. Every matcher
and observed read carries its tests, so a partial run (`pytest -k`) can replace exactly
what the tests it ran said and keep the rest.

Files are written sorted, indented, with no timestamps: a run with no change rewrites the
same bytes, so the files live in git and diffs show what a consumer started relying on.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from accord.testing.errors import ExpectationFileError
from accord.testing.matchers import Matcher

JSON = Any
FORMAT = 1
SCHEMA_FILE = "expectations.schema.json"


@dataclass
class Record:
    """What one test learnt about one consumer's use of one event version."""

    consumer: str
    event: str
    version: int
    test: str
    fields: dict[str, Matcher] = field(default_factory=dict)
    observed: set[str] = field(default_factory=set)


@dataclass
class _Entry:
    fields: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    """path -> matcher JSON (canonical text) -> tests."""
    observed: dict[str, set[str]] = field(default_factory=dict)
    tests: set[str] = field(default_factory=set)


@lru_cache(maxsize=1)
def schema() -> JSON:
    """The JSON Schema of an expectation file."""
    text = resources.files("accord.testing").joinpath(SCHEMA_FILE).read_text("utf-8")
    return json.loads(text)


def _canonical(value: JSON) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def parse(text: str, where: str) -> JSON:
    """A validated expectation document; ExpectationFileError naming the file and pointer."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExpectationFileError(
            f"corrupt expectation file {where}: not JSON (line {exc.lineno}, column "
            f"{exc.colno}: {exc.msg}); regenerate it by running the consumer's tests"
        ) from None
    except RecursionError:
        raise ExpectationFileError(
            f"corrupt expectation file {where}: nested too deeply to be an expectation "
            "file; regenerate it by running the consumer's tests") from None
    from accord.testing.contract import errors

    problems = errors(schema(), document, limit=3)
    if problems:
        raise ExpectationFileError(
            f"corrupt expectation file {where}: it does not follow the expectation format "
            f"{FORMAT}: " + "; ".join(problems)
            + "; regenerate it by running the consumer's tests"
        )
    return document


def load(path: Path) -> JSON:
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ExpectationFileError(f"cannot read expectation file {path}: {exc}") from None
    return parse(text, str(path))


def files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def load_all(folder: Path) -> list[tuple[Path, JSON]]:
    """Every expectation file in ``folder``, validated, in name order."""
    return [(path, load(path)) for path in files(folder)]


def for_event(folder: Path, event: str, version: int) -> list[tuple[str, JSON]]:
    """(consumer, entry) for every consumer that has expectations of ``event`` ``version``."""
    out = []
    for _, document in load_all(folder):
        for entry in document["expectations"]:
            if entry["event"] == event and entry["version"] == version:
                out.append((document["consumer"], entry))
    return out


def _entries(document: JSON) -> dict[tuple[str, int], _Entry]:
    out: dict[tuple[str, int], _Entry] = {}
    for raw in document["expectations"]:
        entry = out.setdefault((raw["event"], raw["version"]), _Entry())
        for path, matchers in raw["fields"].items():
            for matcher in matchers:
                body = {k: v for k, v in matcher.items() if k != "tests"}
                slot = entry.fields.setdefault(path, {}).setdefault(_canonical(body), set())
                slot.update(matcher["tests"])
        for path, tests in raw["observed"].items():
            entry.observed.setdefault(path, set()).update(tests)
        entry.tests.update(raw["tests"])
    return out


def _drop(entry: _Entry, gone: Callable[[str], bool]) -> None:
    entry.tests = {t for t in entry.tests if not gone(t)}
    for path in list(entry.fields):
        for key in list(entry.fields[path]):
            entry.fields[path][key] = {t for t in entry.fields[path][key] if not gone(t)}
            if not entry.fields[path][key]:
                del entry.fields[path][key]
        if not entry.fields[path]:
            del entry.fields[path]
    for path in list(entry.observed):
        entry.observed[path] = {t for t in entry.observed[path] if not gone(t)}
        if not entry.observed[path]:
            del entry.observed[path]


def merge(document: JSON | None, consumer: str, records: Iterable[Record],
          gone: Callable[[str], bool]) -> JSON | None:
    """The file's new content: ``document`` minus the ``gone`` tests, plus ``records``."""
    entries = _entries(document) if document else {}
    for entry in entries.values():
        _drop(entry, gone)
    for record in records:
        entry = entries.setdefault((record.event, record.version), _Entry())
        entry.tests.add(record.test)
        for path, matcher in record.fields.items():
            key = _canonical(matcher.to_json())
            entry.fields.setdefault(path, {}).setdefault(key, set()).add(record.test)
        for path in record.observed:
            entry.observed.setdefault(path, set()).add(record.test)
    kept = [(key, entry) for key, entry in sorted(entries.items()) if entry.tests]
    if not kept:
        return None
    return {
        "format": FORMAT,
        "consumer": consumer,
        "expectations": [
            {
                "event": event,
                "version": version,
                "fields": {
                    path: [{**json.loads(key), "tests": sorted(tests)}
                           for key, tests in sorted(matchers.items())]
                    for path, matchers in sorted(entry.fields.items())
                },
                "observed": {path: sorted(tests) for path, tests in
                             sorted(entry.observed.items())},
                "tests": sorted(entry.tests),
            }
            for (event, version), entry in kept
        ],
    }


def dump(document: JSON) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def file_for(folder: Path, consumer: str) -> Path:
    return folder / f"{consumer}.json"


def write(folder: Path, consumer: str, records: list[Record],
          gone: Callable[[str], bool]) -> Path | None:
    """Merge ``records`` into the consumer's file; touch the disk only when bytes change."""
    path = file_for(folder, consumer)
    existing = load(path) if path.exists() else None
    document = merge(existing, consumer, records, gone)
    if document is None:
        if path.exists():
            path.unlink()
        return None
    text = dump(document)
    if not path.exists() or path.read_text("utf-8") != text:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return path
