"""Is this payload valid for this contract version? Compiled once, memoised per payload.

The answers are the validation layer's (`accord.validation.validator`), as everywhere in
Accord. A simulation sends the same payloads many times (pooled samples, duplicates,
redeliveries), so answers are also memoised on the canonical JSON text. Handlers that
ask for classes get `accord gen python` classes, generated for the registry on first use.
"""

from __future__ import annotations

import importlib
import itertools
import json
import marshal
import shutil
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from accord.registry import Registry
from accord.registry.model import Contract
from accord.validation import validator as validator_for_schema

MEMO_LIMIT = 20_000
PARSED_KEPT = 4_096
"""Records' payloads for the built-in models: the newest this many, and as many before."""
COPIES_KEPT = 4_096
"""Records' payloads kept (marshalled) to hand handlers fresh copies, until this many."""
# Keywords that relate one property to another (or to the whole object). Without them at
# the root, an object is valid exactly when each property is valid on its own and the
# rest of the object is: so the partition key can be checked apart from the payload.
_ENTANGLING = frozenset({"allOf", "anyOf", "oneOf", "not", "if", "then", "else",
                         "dependentRequired", "dependentSchemas", "dependencies",
                         "unevaluatedProperties", "propertyNames", "patternProperties",
                         "minProperties", "maxProperties", "$ref", "$dynamicRef", "const",
                         "enum"})


_PACKAGES = itertools.count()


# The C string encoder `json.dumps` uses: the exact literal it writes, without its overhead.
_string: Any = getattr(json.encoder, "c_encode_basestring_ascii", None) or (
    json.encoder.py_encode_basestring_ascii)


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"))
"""What `json.dumps(..., sort_keys=True, separators=(",", ":"))` builds on every call."""


def canonical(payload: Any) -> str:
    """The JSON text the simulator publishes: sorted keys, no spaces."""
    return _CANONICAL.encode(payload)


_HOLE = "\0accord-key\0"
_HOLE_TEXT = _string(_HOLE)


class KeyedText:
    """``canonical({**sample, field: key})`` for any string key, without encoding the
    sample again: its text is made once with a placeholder where the key goes, and the
    key's JSON literal (the one `json.dumps` writes) is put in its place."""

    __slots__ = ("_field", "_head", "_sample", "_tail")

    def __init__(self, sample: dict[str, Any], field: str) -> None:
        self._sample = sample
        self._field = field
        parts = canonical({**sample, field: _HOLE}).split(_HOLE_TEXT)
        self._head = parts[0]
        self._tail: str | None = parts[1] if len(parts) == 2 else None

    def __call__(self, key: Any) -> str:
        if self._tail is None or not isinstance(key, str):
            return canonical({**self._sample, self._field: key})
        literal: str = _string(key)
        return self._head + literal + self._tail


def compiled_classes(registry: Registry) -> dict[tuple[str, int], Any]:
    """(event, version) -> generated class, or {} when generation fails."""
    from accord.codegen.writer import generate_python

    package = f"_accord_sim_events_{next(_PACKAGES)}"
    try:
        files = generate_python(registry, package=package)
    except Exception:  # the generator refuses some schemas: jsonschema covers them all
        return {}
    folder = Path(tempfile.mkdtemp(prefix="accord-sim-"))
    try:
        for rel, text in files.items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_text(text, "utf-8")
        sys.path.insert(0, str(folder))
        try:
            module = importlib.import_module(package)
        finally:
            sys.path.remove(str(folder))
        # Load every domain module now: the folder goes away below.
        return {key: module.EVENTS[key] for key in list(module.EVENTS)}
    except Exception:
        return {}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class Validators:
    """One compiled validator per (event, version), with a bounded answer memo."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._generated: dict[tuple[str, int], Any] | None = None
        self._compiled: dict[tuple[str, int], Any] = {}
        self._memo: dict[tuple[str, int, str], bool] = {}
        self._whole: dict[tuple[str, int, str], bool] = {}
        self._why: dict[tuple[str, int, str], str] = {}
        self._split: dict[tuple[str, int, str], Any] = {}
        self._parsed: dict[bytes, Any] = {}
        self._parsed_before: dict[bytes, Any] = {}
        self._envelopes: dict[str, Contract | None] = {}
        self._copies: dict[bytes, bytes] = {}

    def enveloped(self, event: str) -> Contract | None:
        """The event's contract when it travels in a CloudEvents envelope, else None."""
        try:
            return self._envelopes[event]
        except KeyError:
            contract = self.registry.get(event)
            found = self._envelopes[event] = contract if contract is not None and \
                contract.envelope == "cloudevents" else None
            return found

    def payload(self, event: str, data: bytes, headers: Mapping[str, Any] | None = None) -> Any:
        """A record's payload (a CloudEvent's data, its attributes unchecked), for messages."""
        if self.enveloped(event) is None:
            return json.loads(data)
        from accord.interop.cloudevents import CloudEventError, parse

        try:
            return parse(data, headers).data
        except CloudEventError:
            return None

    def parsed(self, event: str, data: bytes) -> Any:
        """A plain JSON record's payload parsed once and shared: for the built-in models,
        which only read it (a handler gets its own, from `decode`). None when the event
        travels in an envelope."""
        if self.enveloped(event) is not None:
            return None
        found = self._parsed.get(data)
        if found is None:
            found = self._parsed_before.get(data)
            if found is None:
                found = json.loads(data)
            self.share(data, found)
        return found

    def share(self, data: bytes, payload: Any) -> None:
        """Note that ``data`` is the JSON text of ``payload`` (equal to ``json.loads(data)``,
        key order aside), so `parsed` need not parse it: the producer's own payload, kept
        while its record is likely still to be delivered (two generations of
        `PARSED_KEPT`, the older dropped whole)."""
        parsed = self._parsed
        if len(parsed) >= PARSED_KEPT:
            self._parsed_before, parsed = parsed, {}
            self._parsed = parsed
        parsed[data] = payload

    def decode(self, event: str, version: int, data: bytes, as_class: bool,
               headers: Mapping[str, Any] | None = None, as_envelope: bool = False) -> Any:
        """A record's payload as a handler gets it: a fresh dict, or the generated class.

        A CloudEvent is unwrapped first, its attributes checked against the contract (a
        `CloudEventError` if they are wrong); ``as_envelope`` hands over the whole envelope
        as a structured-mode dict instead.
        """
        contract = self.enveloped(event)
        if contract is None:
            payload = self._fresh(data)
        else:
            from accord.interop.cloudevents import CloudEventError, parse, validate_attributes

            envelope = parse(data, headers)
            found = contract.version(version)
            if found is None:
                raise CloudEventError(f"{event} has no version {version}")
            validate_attributes(contract, found, envelope)
            if as_envelope:
                # Attributes as they travel: text (the SDK parses `time` into a datetime).
                out = {k: v.isoformat() if hasattr(v, "isoformat") else v
                       for k, v in envelope.attributes.items()}
                return {**out, "data": envelope.data}
            payload = envelope.data
        if as_class:
            cls = self._classes.get((event, version))
            if cls is not None:
                return cls.from_dict(payload)
        return payload

    def _fresh(self, data: bytes) -> Any:
        """``json.loads(data)``: objects of its own for each caller, rebuilt from a copy kept
        per distinct record value (marshal rebuilds them several times faster than JSON
        is parsed; records repeat, as pooled samples, duplicates and redeliveries)."""
        copy = self._copies.get(data)
        if copy is not None:
            return marshal.loads(copy)
        payload = json.loads(data)
        if len(self._copies) >= COPIES_KEPT:
            self._copies.clear()
        self._copies[data] = marshal.dumps(payload)
        return payload

    @property
    def _classes(self) -> dict[tuple[str, int], Any]:
        if self._generated is None:
            self._generated = compiled_classes(self.registry)
        return self._generated

    def has_class(self, event: str, version: int) -> bool:
        return (event, version) in self._classes

    def schema(self, event: str, version: int) -> Any:
        contract = self.registry.get(event)
        found = contract.version(version) if contract else None
        return found.resolved if found else None

    def _validator(self, event: str, version: int) -> Any:
        key = (event, version)
        validator = self._compiled.get(key)
        if validator is None:
            schema = self.schema(event, version)
            validator = self._compiled[key] = (
                validator_for_schema(schema) if schema is not None else None)
        return validator

    def is_valid(self, event: str, version: int, payload: Any, text: str | None = None) -> bool:
        """Valid under the version's schema; ``text`` is ``canonical(payload)`` if known (or,
        from `_apart`, that text with the fields checked apart blanked: a body)."""
        key = (event, version, canonical(payload) if text is None else text)
        answer = self._memo.get(key)
        if answer is None:
            validator = self._validator(event, version)
            answer = validator is not None and bool(validator.is_valid(payload))
            if len(self._memo) >= MEMO_LIMIT:
                self._memo.clear()
            self._memo[key] = answer
        return answer

    def _field_validator(self, event: str, version: int, field: str) -> Any:
        """A validator of ``field`` alone, or None when the schema does not allow a split."""
        slot = (event, version, field)
        if slot not in self._split:
            schema = self.schema(event, version)
            found = None
            if isinstance(schema, dict) and not (_ENTANGLING & set(schema)) and isinstance(
                    (schema.get("properties") or {}).get(field), dict):
                # The property's schema, with the root's definitions so local refs resolve.
                sub = {k: v for k, v in schema.items()
                       if k in ("$schema", "$defs", "definitions", "$id")}
                sub["allOf"] = [schema["properties"][field]]
                found = validator_for_schema(sub)
            self._split[slot] = found
        return self._split[slot]

    def is_valid_keyed(self, event: str, version: int, payload: Any, text: str,
                       field: str | None) -> bool:
        """`is_valid`, checking the partition key apart when the schema allows it.

        Events share most of their content and differ in the key, so the memo then holds
        one entry per distinct body (the text with the key blanked) plus one per key. The
        answer is also kept per whole text, apart: a pooled sample's text comes again.
        """
        whole = (event, version, text)
        answer = self._whole.get(whole)
        if answer is not None:  # a pooled sample with this key again: its text is shared
            return answer
        answer = self._apart(event, version, payload, text, () if field is None else (field,))
        if len(self._whole) >= MEMO_LIMIT:
            self._whole.clear()
        self._whole[whole] = answer
        return answer

    def is_valid_fields(self, event: str, version: int, payload: Any, text: str) -> bool:
        """`is_valid`, checking every top-level string field apart when the schema allows
        it: for a handler's follow-up, made of fields of the event it handled (ids, times,
        codes), whose combinations are new where each field's value is not."""
        fields = sorted(k for k, v in payload.items() if type(v) is str) if isinstance(
            payload, dict) else []
        return self._apart(event, version, payload, text, fields)

    def prime(self, event: str, version: int, samples: list[Any], field: str | None) -> None:
        """Check each pooled sample once, before the run: its events are these samples
        with other keys, checked apart (`is_valid_keyed`), so the answer for each body is
        drawn with the pools, at set-up, as are the validators it needs. Same answers."""
        for sample in samples:
            self.is_valid_keyed(event, version, sample, canonical(sample), field)

    def _apart(self, event: str, version: int, payload: Any, text: str,
               fields: Sequence[str]) -> bool:
        """`is_valid`, with each of ``fields`` the schema lets be checked on its own checked
        so (its answer kept per value) and blanked from the text: the rest, the body, is
        checked once per distinct body. Without the keywords of `_ENTANGLING` at the root,
        an object is valid exactly when each of those properties is valid on its own and
        the rest is; one invalid on its own makes the whole invalid."""
        body = text
        if isinstance(payload, dict):
            for field in fields:
                if field not in payload:
                    continue
                validator = self._field_validator(event, version, field)
                if validator is None:
                    continue  # not a property checkable apart: it stays in the body
                value = payload[field]
                literal = _string(value) if isinstance(value, str) else json.dumps(value)
                needle = f"{_string(field)}:{literal}"
                if body.count(needle) != 1:
                    continue  # not found once: it stays in the body, checked there
                slot = (event, version, needle)
                ok = self._memo.get(slot)
                if ok is None:
                    ok = self._memo[slot] = bool(validator.is_valid(value))
                if not ok:
                    return False
                body = body.replace(needle, f"{_string(field)}:\0", 1)
        # With the blanked fields valid on their own, the whole is valid exactly when the
        # body is (with none blanked, the body is the text: `is_valid`'s own memo entry).
        return self.is_valid(event, version, payload, body)

    def with_key(self, event: str, version: int, base: Any,
                 field: str) -> Callable[[Any], bool]:
        """A test of ``is_valid(event, version, {**base, field: value})`` for many values.

        When the schema allows the split, the value is checked apart and the rest of the
        object once, on the first valid value: with the value valid, the whole is valid
        exactly when the rest is, whatever the value.
        """
        key_validator = self._field_validator(event, version, field)
        if key_validator is None or not isinstance(base, dict):
            return lambda value: self.is_valid(event, version, {**base, field: value})
        rest: list[bool] = []  # the rest's answer, once known

        def test(value: Any) -> bool:
            if not key_validator.is_valid(value):
                return False
            if not rest:
                rest.append(self.is_valid(event, version, {**base, field: value}))
            return rest[0]

        return test

    def why(self, event: str, version: int, payload: Any) -> str:
        """The first error, for messages (slow path, only on failure)."""
        schema = self.schema(event, version)
        if schema is None:
            return f"{event} has no version {version}"
        key = (event, version, canonical(payload))
        found = self._why.get(key)
        if found is None:
            validator = self._validator(event, version)  # the same as errors(schema, …) uses
            found = self._why[key] = next(iter(validator.errors(payload, limit=1)), "valid")
        return found
