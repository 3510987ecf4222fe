"""YAML to JSON-compatible data, keeping the line and column of every value.

The loader works on libyaml's event stream rather than on constructed objects so that it
can refuse what a registry must not hold (duplicate keys, alias bombs, absurd nesting,
tags) at the place it occurs, and record where each value came from on the way.
Mapping keys are kept as the text that was written: JSON objects have string keys, and
`1:` under `versions` stays "1" rather than becoming an int.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from accord.errors import LoadError, Location
from accord.registry.model import JSON, SourceMap
from accord.registry.pointer import escape

# libyaml is much faster; the pure-Python parser is a fallback, not a requirement.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_DEPTH = 256
MAX_NODES = 1_000_000

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MERGE = "tag:yaml.org,2002:merge"
_RESOLVERS: dict[str | None, list[tuple[str, re.Pattern[str]]]] = (
    Resolver.yaml_implicit_resolvers
)
_CONSTRUCTOR = SafeConstructor()


def _scalar(event: yaml.ScalarEvent) -> JSON:
    value: str = event.value
    tag = event.tag
    if tag in (None, "!") and event.implicit[0]:
        tag = _STR
        for candidate, regexp in _RESOLVERS.get(value[:1] or None, ()):
            if regexp.match(value):
                tag = candidate
                break
    elif tag in (None, "!"):
        return value
    if tag == _STR or tag.endswith(":timestamp") or tag.endswith(":value"):
        # Dates stay strings: contracts are JSON, and JSON has no date type.
        return value
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return value.lower() in ("yes", "true", "on", "y")
    if tag == _INT:
        return _CONSTRUCTOR.construct_yaml_int(ScalarNode(tag, value))
    if tag == _FLOAT:
        return _CONSTRUCTOR.construct_yaml_float(ScalarNode(tag, value))
    if tag == _MERGE:
        return "<<"
    raise _Refused(f"unsupported YAML tag {tag!r}", event.start_mark)


class _Refused(Exception):
    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


@dataclass(slots=True)
class _Frame:
    container: dict[str, JSON] | list[JSON]
    pointer: str
    anchor: str | None
    start_nodes: int
    start_mark: Any
    key: str | None = None
    key_mark: Any = None
    merges: list[JSON] = field(default_factory=list)


def _decode(data: bytes, file: str) -> str:
    if b"\x00" in data:
        raise LoadError("binary file: not a YAML document", Location(file))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise LoadError(
            f"not UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded", Location(file, line)
        ) from None
    return text.removeprefix("\ufeff")


def read_error(exc: OSError, file: str) -> LoadError:
    """The error to report when the file shown as ``file`` cannot be read."""
    if isinstance(exc, FileNotFoundError):
        return LoadError("file not found", Location(file))
    if isinstance(exc, IsADirectoryError):
        return LoadError("is a folder, not a file", Location(file))
    return LoadError(f"cannot read the file: {exc.strerror or exc}", Location(file))


def load_yaml_file(path: Path, file: str | None = None) -> tuple[JSON, SourceMap]:
    """Read and parse the YAML file at ``path``, shown to users as ``file``."""
    shown = str(path) if file is None else file
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise read_error(exc, shown) from None
    return load_yaml(data, shown)


def load_yaml(data: bytes, file: str) -> tuple[JSON, SourceMap]:
    """Parse one YAML document into JSON-compatible data and its source map."""
    text = _decode(data, file)
    marks: dict[str, tuple[int, int]] = {}
    try:
        value = _build(yaml.parse(text, Loader=_Loader), marks)
    except _Refused as exc:
        mark = exc.mark
        raise LoadError(exc.message, Location(file, mark.line + 1, mark.column + 1)) from None
    except RecursionError:  # pragma: no cover - the depth limit should stop this first
        raise LoadError(f"nesting deeper than {MAX_DEPTH} levels", Location(file)) from None
    except Exception as exc:
        # By name, for the same reason as the event dispatch below.
        if not any(c.__name__ == "YAMLError" for c in type(exc).__mro__):
            raise
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
        problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or str(exc)
        raise LoadError(f"invalid YAML: {problem}", where) from None
    if value is _EMPTY:
        raise LoadError("empty file: expected a YAML mapping", Location(file))
    return value, SourceMap(file, marks)


_EMPTY: Any = object()


def _build(events: Any, marks: dict[str, tuple[int, int]]) -> JSON:
    stack: list[_Frame] = []
    anchors: dict[str, tuple[JSON, int]] = {}
    nodes = 0
    documents = 0
    root: JSON = _EMPTY

    def expecting_key() -> bool:
        return bool(stack) and isinstance(stack[-1].container, dict) and stack[-1].key is None

    def child_pointer() -> str:
        if not stack:
            return ""
        frame = stack[-1]
        if isinstance(frame.container, list):
            return f"{frame.pointer}/{len(frame.container)}"
        return f"{frame.pointer}/{escape(frame.key or '')}"

    def place(value: JSON, mark: Any) -> None:
        """Attach a finished value to its parent, recording where it was written."""
        nonlocal root
        if not stack:
            root = value
            marks[""] = (mark.line + 1, mark.column + 1)
            return
        frame = stack[-1]
        container = frame.container
        if isinstance(container, list):
            marks[f"{frame.pointer}/{len(container)}"] = (mark.line + 1, mark.column + 1)
            container.append(value)
            return
        key = frame.key or ""
        frame.key = None
        if key == "<<" and frame.key_mark is _MERGE_MARK:
            frame.merges.extend(value if isinstance(value, list) else [value])
            return
        mark = frame.key_mark
        marks[f"{frame.pointer}/{escape(key)}"] = (mark.line + 1, mark.column + 1)
        container[key] = value

    for event in events:
        # Dispatch on the class name, not the class: a test runner that re-imports `yaml`
        # makes new event classes, while libyaml keeps producing the ones it started with.
        kind = type(event).__name__
        if kind == "ScalarEvent":
            nodes += 1
            if expecting_key():
                frame = stack[-1]
                key = event.value
                if key in frame.container:
                    first = marks[f"{frame.pointer}/{escape(key)}"][0]
                    raise _Refused(
                        f"duplicate key {key!r} (first at line {first})", event.start_mark
                    )
                frame.key = key
                merge = key == "<<" and event.implicit[0]
                frame.key_mark = _MERGE_MARK if merge else event.start_mark
                continue
            value = _scalar(event)
            if event.anchor:
                anchors[event.anchor] = (value, 1)
            place(value, event.start_mark)
        elif kind == "MappingStartEvent" or kind == "SequenceStartEvent":
            if expecting_key():
                raise _Refused("mapping keys must be scalars", event.start_mark)
            if len(stack) >= MAX_DEPTH:
                raise _Refused(f"nesting deeper than {MAX_DEPTH} levels", event.start_mark)
            if event.tag not in (None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
                raise _Refused(f"unsupported YAML tag {event.tag!r}", event.start_mark)
            nodes += 1
            container: dict[str, JSON] | list[JSON] = (
                {} if kind == "MappingStartEvent" else []
            )
            stack.append(_Frame(container, child_pointer(), event.anchor, nodes, event.start_mark))
        elif kind == "MappingEndEvent" or kind == "SequenceEndEvent":
            frame = stack.pop()
            done = frame.container
            if isinstance(done, dict):
                for source in frame.merges:
                    if not isinstance(source, dict):
                        raise _Refused("a merge key '<<' needs a mapping", event.start_mark)
                    for k, v in source.items():
                        done.setdefault(k, v)
            if frame.anchor:
                anchors[frame.anchor] = (done, nodes - frame.start_nodes + 1)
            place(done, frame.start_mark)
        elif kind == "AliasEvent":
            if expecting_key():
                raise _Refused("aliases cannot be mapping keys", event.start_mark)
            if event.anchor not in anchors:
                raise _Refused(f"unknown alias *{event.anchor}", event.start_mark)
            value, size = anchors[event.anchor]
            nodes += size
            if nodes > MAX_NODES:
                raise _Refused(
                    f"document expands to more than {MAX_NODES:,} nodes (alias bomb?)",
                    event.start_mark,
                )
            place(value, event.start_mark)
        elif kind == "DocumentStartEvent":
            documents += 1
            if documents > 1:
                raise _Refused("more than one YAML document in the file", event.start_mark)
    return root


_MERGE_MARK: Any = object()
