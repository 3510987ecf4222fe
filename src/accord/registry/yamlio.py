"""YAML to JSON-compatible data, keeping the line and column of every value.

Scalars are read by YAML 1.2's core schema, as AsyncAPI's parser, JSON Schema tools and
every YAML 1.2 reader read them: only `true`/`false` are booleans, `NO`, `on` and `yes`
stay strings, `0123` is 123, `1:20` is a string. Where a YAML 1.1 reader (PyYAML's own
loaders, older tools in a team's pipeline) would read a plain scalar otherwise, the source
map says so (`SourceMap.yaml11`), for the `yaml11-ambiguous` lint rule.

The loader works on libyaml's event stream rather than on constructed objects so that it
can refuse what a registry must not hold (duplicate keys, alias bombs, absurd nesting,
tags) at the place it occurs, and record where each value came from on the way.
Mapping keys are kept as the text that was written: JSON objects have string keys, and
`1:` under `versions` stays "1" rather than becoming an int.
"""

from __future__ import annotations

import json
import math
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


# YAML 1.2's core schema (1.2.2, 10.3.2): what a plain scalar means. Anything else is a
# string: `NO`, `on`, `yes`, `1:20`, `1_000`, `2026-01-01` included.
_CORE: tuple[tuple[str, re.Pattern[str]], ...] = (
    (_NULL, re.compile(r"(?:null|Null|NULL|~|)\Z")),
    (_BOOL, re.compile(r"(?:true|True|TRUE|false|False|FALSE)\Z")),
    (_INT, re.compile(r"(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)\Z")),
    (_FLOAT, re.compile(
        r"(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\Z")),
)
MAX_INT_DIGITS = 4300
"""Python's own limit for reading a decimal integer; a longer one is refused, not a crash."""


# First characters of every plain scalar that YAML 1.1 or 1.2 reads as other than a string.
_MAYBE_TYPED = frozenset("-+0123456789.~nNtTfFyYoO<=")


def core_tag(value: str) -> str:
    """The tag YAML 1.2's core schema gives the plain scalar ``value``."""
    for tag, regexp in _CORE:
        if regexp.match(value):
            return tag
    return _STR


class _Dumper(yaml.SafeDumper):
    """Quotes every string that a YAML 1.2 *or* a YAML 1.1 reader would not read back as
    that string: PyYAML alone quotes by 1.1's rules, so it writes `1e3` bare (a float in
    1.2) while quoting `NO`."""


for _tag, _regexp in _CORE:
    _Dumper.add_implicit_resolver(_tag, _regexp, [*"-+0123456789.~nNtTfF", ""])


_BREAKS = ("\x85", "\u2028", "\u2029")


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # PyYAML folds NEL and the Unicode line separators in single-quoted and plain
    # scalars (they are line breaks to YAML): double quotes write them as escapes.
    style = '"' if any(b in value for b in _BREAKS) else None
    return dumper.represent_scalar(_STR, value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(data: JSON, *, sort_keys: bool = False) -> str:
    """``data`` as YAML that every reader, 1.1 or 1.2, reads back unchanged."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=sort_keys, allow_unicode=True)


def _yaml11_tag(value: str) -> str:
    for candidate, regexp in _RESOLVERS.get(value[:1], ()):
        if regexp.match(value):
            return candidate
    return _STR


def _int(text: str) -> int:
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    if len(text.lstrip("+-")) > MAX_INT_DIGITS:
        raise ValueError(f"an integer of more than {MAX_INT_DIGITS:,} digits")
    return int(text)


def _float(text: str) -> float:
    lowered = text.lower()
    if lowered.endswith(".inf"):
        return float("-inf") if lowered.startswith("-") else float("inf")
    if lowered == ".nan":
        return float("nan")
    return float(text)


def _typed(tag: str, value: str, mark: Any) -> JSON:
    """``value`` read as ``tag``, by YAML 1.2's core-schema rules."""
    if tag == _STR or tag.endswith(":timestamp"):
        # Dates stay strings: contracts are JSON, and JSON has no date type.
        return value
    if tag == _MERGE:
        return "<<"
    if tag not in (_NULL, _BOOL, _INT, _FLOAT):
        raise _Refused(f"unsupported YAML tag {tag!r}", mark)
    if core_tag(value) != tag and not (tag == _FLOAT and core_tag(value) == _INT):
        short = tag.rpartition(":")[2]
        raise _Refused(f"!!{short} {value!r} is not a YAML 1.2 {short}", mark)
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return value.lower() == "true"
    try:
        number = _int(value) if tag == _INT else _float(value)
    except ValueError as exc:
        raise _Refused(f"{value[:20]}…: {exc}" if len(value) > 20 else str(exc), mark) \
            from None
    if isinstance(number, float) and not math.isfinite(number):
        # JSON has no infinity or NaN: a contract holding one could not be exported,
        # served or generated faithfully (it printed `Infinity` in "JSON" output).
        raise _Refused(f"{value}: JSON has no infinity or NaN; use a finite number",
                       mark)
    return number


def _scalar(event: yaml.ScalarEvent) -> tuple[JSON, str | None]:
    """The value of a scalar, and what a YAML 1.1 reader would make of it, if different."""
    value: str = event.value
    tag = event.tag
    if value and value[0] not in _MAYBE_TYPED and tag in (None, "!"):
        return value, None  # a word: a string to every reader, 1.1 or 1.2 (most scalars)
    if tag in (None, "!") and event.implicit[0]:
        tag = core_tag(value)
        if value == "<<":
            tag = _MERGE
        result = _typed(tag, value, event.start_mark)
        old = _yaml11_tag(value)
        if old.endswith(":timestamp") or old == _MERGE:
            return result, None  # dates: 1.1 tools read a date, JSON has none; not news
        if old == tag and "_" not in value and ":" not in value and not (
                tag == _INT and value.lstrip("+-").startswith("0") and
                len(value.lstrip("+-")) > 1):
            return result, None  # the same tag and no 1.1-only spelling: the same value
        try:
            then = value if old == _STR else \
                _CONSTRUCTOR.construct_object(ScalarNode(old, value))
        except Exception:  # what 1.1 would do is only advice
            return result, None
        if then == result and type(then) is type(result):
            return result, None
        return result, repr(then)
    if tag in (None, "!"):
        return value, None
    return _typed(tag, value, event.start_mark), None


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


_SURROGATE_PAIR = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}")


def load_json_document(path: Path, file: str | None = None) -> tuple[JSON, SourceMap]:
    """Read a `.json` file with a JSON parser (surrogate-pair escapes such as
    `\\ud83c\\udf03`, which `json.dump` writes for an emoji, are JSON but not YAML),
    with line and column of every value from the same text read as YAML."""
    shown = str(path) if file is None else file
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise read_error(exc, shown) from None
    text = _decode(data, shown)
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        column = getattr(exc, "colno", None)
        message = getattr(exc, "msg", str(exc))
        raise LoadError(f"invalid JSON: {message}", Location(shown, line, column)) from None
    # The same length, so every mark stays where it was: only the positions are read.
    try:
        _, source = load_yaml(
            _SURROGATE_PAIR.sub(r"\\u0041\\u0041", text).encode("utf-8"), shown)
    except LoadError:  # JSON that YAML cannot read (a tab YAML refuses): no positions
        source = SourceMap(shown)
    return value, source


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def load_yaml(data: bytes, file: str) -> tuple[JSON, SourceMap]:
    """Parse one YAML document into JSON-compatible data and its source map."""
    text = _decode(data, file)
    marks: dict[str, tuple[int, int]] = {}
    notes: dict[str, str] = {}
    try:
        value = _build(yaml.parse(text, Loader=_Loader), marks, notes)
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
    return value, SourceMap(file, marks, notes)


_EMPTY: Any = object()


def _build(events: Any, marks: dict[str, tuple[int, int]], notes: dict[str, str]) -> JSON:
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
            value, yaml11 = _scalar(event)
            if yaml11 is not None:
                notes[child_pointer()] = yaml11
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
