"""From bundled JSON Schemas to the IR: one pass over the registry, shared types once.

Each version's `resolved` schema is self-contained: shared documents sit under root
`$defs` keys that are the same in every version (`_shared.money`), so a type reached
through such a key is built once, into the `shared` module, and reused everywhere.
Keywords whose meaning the generated checks cannot reproduce exactly are refused with a
`CodegenError` naming the contract, version and JSON pointer: a class is never looser (or
stricter) than its schema.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from accord.codegen import model as m
from accord.codegen.keywords import (
    ANNOTATIONS,
    JSON_TYPES,
    TYPE_SPECIFIC,
    UNSUPPORTED,
    Unsupported,
    count,
    enum_values,
    names,
    number,
    string,
)
from accord.codegen.naming import Namer, pascal, snake, upper
from accord.codegen.patterns import PatternError, translate
from accord.errors import AccordError, Location
from accord.interop.cloudevents import schema_uri
from accord.registry.model import Contract, ContractVersion, Registry
from accord.registry.refs import defs_key
from accord.validation.compiler import FORMATS, KEYWORDS, compile_schema
from accord.validation.compiler import Unsupported as SchemaUnsupported

SHARED = "shared"
RUNTIME = "_runtime"
SCHEMA = "_schema"
"""The validation layer's compiler (accord/validation/compiler.py), copied as is."""

_REF = re.compile(r"'\$ref': '([^'\\]*)'")


_READS_SIBLINGS = frozenset({
    "additionalProperties", "unevaluatedProperties", "additionalItems", "unevaluatedItems",
    "then", "else", "minContains", "maxContains",
})
"""Keywords whose meaning depends on keywords beside them in the same schema object."""


class CodegenError(AccordError):
    """Part of the registry cannot be turned into classes that are exactly as strict."""


class _Version:
    """What building one contract version needs to know."""

    def __init__(self, contract: Contract, version: ContractVersion, module: str,
                 class_name: str) -> None:
        self.contract = contract
        self.version = version
        self.root: Any = version.resolved
        self.module = module
        self.class_name = class_name
        schema_uri = self.root.get("$schema", "") if isinstance(self.root, dict) else ""
        self.draft7 = any(d in str(schema_uri) for d in ("draft-04", "draft-06", "draft-07"))
        self.scope = f"{contract.event}@{version.number}"


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


class Builder:
    """Builds the IR modules of a whole registry."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.shared_keys = frozenset(defs_key(p) for p in registry.shared)
        self.modules: dict[str, m.ModuleDef] = {
            SHARED: m.ModuleDef(SHARED, "Types shared by several contracts, each built once.")
        }
        self.namers: dict[str, Namer] = {SHARED: Namer()}
        self.classes: dict[str, m.ClassDef] = {}
        self._memo: dict[str, m.Type] = {}
        self._stack: set[str] = set()
        self._aliases: dict[str, m.Ref] = {}
        self._unchanged: dict[str, m.Ref] = {}
        self._enums: dict[str, m.Enum] = {}
        self.problems: list[str] = []

    # -- the registry ---------------------------------------------------------------------
    def build(self) -> list[m.ModuleDef]:
        # Module aliases in generated code are `_<name>`: keep clear of the fixed ones.
        module_names = Namer({SHARED, RUNTIME, SCHEMA, "rt", "dt", "t", "re", "dc", "enum", "pd",
                              "uuid", "decimal", "json", "typing", "dataclasses", "pydantic"})
        by_domain: dict[str, list[Contract]] = {}
        for contract in sorted(self.registry.contracts, key=lambda c: c.event):
            by_domain.setdefault(contract.domain, []).append(contract)
        for domain, contracts in sorted(by_domain.items()):
            name = module_names.claim(snake(domain), fallback="domain")
            module = m.ModuleDef(name, f"Events of the {domain!r} domain.")
            self.modules[name] = module
            namer = self.namers[name] = Namer()
            planned: list[tuple[Contract, ContractVersion, str, str | None]] = []
            for contract in contracts:  # top-level names first, so they stay unsuffixed
                base = pascal(contract.name) or "Event"
                alias = namer.claim(base, fallback="Event")
                latest = contract.latest_active()
                for version in contract.versions:
                    cls = namer.claim(f"{base}V{version.number}")
                    wrapper = namer.claim(f"{cls}Event") if contract.envelope == "cloudevents" \
                        else None
                    planned.append((contract, version, cls, wrapper))
                    if latest is not None and version.number == latest.number:
                        module.latest[alias] = cls
                module.sources.append(contract.path)
            for contract, version, cls, wrapper in planned:
                self._version(_Version(contract, version, name, cls), wrapper)
        if self.problems:
            shown = self.problems[:20]
            more = len(self.problems) - len(shown)
            tail = f"\n  ... and {more} more" if more > 0 else ""
            raise CodegenError("cannot generate exact classes:\n  " + "\n  ".join(shown) + tail)
        return list(self.modules.values())

    def _version(self, ctx: _Version, wrapper: str | None = None) -> None:
        try:
            root = ctx.root
            pointer = ""
            seen: set[str] = set()
            while isinstance(root, dict) and "$ref" in root and not (set(root) - ANNOTATIONS
                                                                    - {"$ref"}):
                pointer = self._target(root["$ref"], pointer)
                if pointer in seen:
                    raise Unsupported(pointer, "the root $ref is a cycle")
                seen.add(pointer)
                root = self._resolve(ctx, pointer)
            if not (self._is_class(root) or self._only_objects(ctx, root, 0)):
                raise Unsupported(pointer, "an event schema must be an object (type: object, "
                                           "or a oneOf/anyOf of objects)")
            contract, version = ctx.contract, ctx.version
            schema_id = str(ctx.root.get("$id") or f"urn:accord:{contract.event}:{version.number}")
            event = m.EventInfo(contract.event, version.number, contract.channel, schema_id,
                                version.status, wrapper,
                                schema_uri(contract, version),
                                tuple(contract.producers))
            doc = "\n\n".join(t for t in (contract.summary, root.get("description"),
                                          contract.description) if isinstance(t, str) and t)
            self._class(ctx, root, pointer, ctx.class_name, doc=doc, event=event, claimed=True)
        except Unsupported as exc:
            where = Location(f"{self.registry.root}/{ctx.contract.path}")
            located = ctx.contract.source.locate(f"/versions/{ctx.version.number}/schema")
            if located.line is not None:
                where = Location(where.file, located.line)
            self.problems.append(f"{where}: {ctx.contract.event} v{ctx.version.number}: "
                                 f"at {exc.pointer or '/'}: {exc.message}")

    # -- pointers -------------------------------------------------------------------------
    def _target(self, ref: object, here: str) -> str:
        if not isinstance(ref, str) or not (ref == "#" or ref.startswith("#/")):
            raise Unsupported(here, f"$ref {ref!r} is not a local JSON pointer")
        return ref[1:]

    def _resolve(self, ctx: _Version, pointer: str) -> Any:
        node = ctx.root
        for token in pointer.split("/")[1:]:
            token = _unescape(token)
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                raise Unsupported(pointer, "$ref points at nothing")
            if isinstance(node, dict) and "$id" in node:
                # References inside an embedded resource are relative to its `$id`.
                raise Unsupported(pointer, "$ref into an embedded resource")
        return node

    def _shared(self, pointer: str) -> bool:
        if not pointer.startswith(("/$defs/", "/definitions/")):
            return False
        parts = pointer.split("/", 3)
        return _unescape(parts[2]) in self.shared_keys

    def _scope(self, ctx: _Version, pointer: str) -> tuple[str, str]:
        """(memo key, module) of the schema at ``pointer``."""
        if self._shared(pointer):
            return f"shared:{pointer}", SHARED
        return f"{ctx.scope}:{pointer}", ctx.module

    def _ref_name(self, ctx: _Version, pointer: str) -> str:
        if pointer == "":
            return ctx.class_name
        tokens = [_unescape(t) for t in pointer.split("/")[1:]]
        if self._shared(pointer):
            key = tokens[1]
            last = key.rsplit(".", 1)[-1] if len(tokens) == 2 else tokens[-1]
            return pascal(last) or "Shared"
        return ctx.class_name + (pascal(tokens[-1]) or "Def")

    # -- types ----------------------------------------------------------------------------
    def _same_as_before(self, ctx: _Version, schema: Mapping[str, Any], module: str) -> str | None:
        """A key under which a nested object is the same class in every version of a contract.

        Versions mostly add properties at the top; a nested object written identically in
        an earlier version is that version's class (less code, and one type across
        versions). Only when every `$ref` inside points at a shared document, whose key
        means the same document in every version.
        """
        if module != ctx.module:
            return None  # shared types are built once anyway
        text = repr(schema)  # key order matters: a reordered copy is just not deduplicated
        refs = _REF.findall(text)
        if len(refs) != text.count("$ref") or not all(
                r.startswith("#") and self._shared(r[1:]) for r in refs):
            return None
        return f"{ctx.contract.event}\0{text}"

    def _only_objects(self, ctx: _Version, schema: Any, depth: int) -> bool:
        """``schema`` accepts objects only (`type: object`, or every `oneOf`/`anyOf` branch
        does): the event class, its fields undeclared, holds it whole and checks it."""
        if depth > 8 or not isinstance(schema, dict):
            return False
        if schema.get("type") == "object" or schema.get("type") == ["object"]:
            return True
        ref = schema.get("$ref")
        if isinstance(ref, str) and (ref == "#" or ref.startswith("#/")):
            try:
                return self._only_objects(ctx, self._resolve(ctx, ref[1:]), depth + 1)
            except Unsupported:
                return False
        for key in ("oneOf", "anyOf"):
            branches = schema.get(key)
            if isinstance(branches, list) and branches and all(
                    self._only_objects(ctx, b, depth + 1) for b in branches):
                return True
        parts = schema.get("allOf")
        return isinstance(parts, list) and any(
            self._only_objects(ctx, p, depth + 1) for p in parts)

    @staticmethod
    def _is_class(schema: Any) -> bool:
        if not isinstance(schema, dict):
            return False
        types = schema.get("type")
        return (types == "object" or types == ["object"]) and (
            "properties" in schema or "required" in schema
            or schema.get("additionalProperties") is False)

    def _ref(self, ctx: _Version, ref: object, here: str) -> m.Type:
        pointer = self._target(ref, here)
        key, module = self._scope(ctx, pointer)
        if key in self._memo:
            return self._memo[key]
        if pointer == "" and ctx.module == module:
            return m.Ref(ctx.class_name, ctx.module)
        if key in self._stack:  # a non-object type that refers to itself: name it
            if key not in self._aliases:
                name = self.namers[module].claim(self._ref_name(ctx, pointer), fallback="Alias")
                self._aliases[key] = m.Ref(name, module, is_class=False)
            return self._aliases[key]
        schema = self._resolve(ctx, pointer)
        name = self._ref_name(ctx, pointer)
        if self._is_class(schema):
            return self._class(ctx, schema, pointer, name, memo=key)
        self._stack.add(key)
        try:
            built = self.type_of(ctx, schema, pointer, name)
        finally:
            self._stack.discard(key)
        alias = self._aliases.get(key)
        if alias is not None:
            self.modules[module].aliases.append(m.AliasDef(alias.name, module, built))
            built = alias
        self._memo[key] = built
        return built

    def type_of(self, ctx: _Version, schema: Any, pointer: str, hint: str) -> m.Type:
        """The IR of ``schema`` (at ``pointer``); ``hint`` names a class it may need.

        What no Python type can say exactly becomes `Checked`: any JSON value, held to
        the schema by the validation layer's compiler. Only what that compiler refuses
        too (a resource outside the schema, a pattern with no exact translation) is
        refused, with its reason.
        """
        try:
            return self._exact(ctx, schema, pointer, hint)
        except Unsupported as exc:
            return self.checked(ctx, pointer, exc)

    def checked(self, ctx: _Version, pointer: str, why: Unsupported | None = None) -> m.Checked:
        """The schema at ``pointer`` as a `Checked` value, or `Unsupported` naming the cause."""
        patterns: dict[str, str] = {}

        def regex(pattern: str) -> Callable[[str], bool]:
            try:
                patterns[pattern] = translate(pattern)
            except PatternError as exc:
                raise SchemaUnsupported(pointer, f"pattern {pattern!r}: {exc}") from None
            return bool

        try:
            compile_schema(ctx.root, regex=regex, formats=FORMATS, pointer=pointer)
        except SchemaUnsupported as exc:
            raise Unsupported(exc.pointer or pointer, exc.message) from None
        except RecursionError:
            raise why or Unsupported(pointer, "the schema nests too deeply") from None
        text = json.dumps(ctx.root, sort_keys=True, ensure_ascii=False)
        return m.Checked(text, pointer, tuple(sorted(patterns.items())))

    def _exact(self, ctx: _Version, schema: Any, pointer: str, hint: str) -> m.Type:
        if schema is True:
            return m.AnyValue()
        if not isinstance(schema, dict):
            raise Unsupported(pointer, "a schema that accepts nothing (false) is not supported")
        keys = set(schema) - ANNOTATIONS
        if "$id" in schema and pointer:
            raise Unsupported(pointer, "an embedded resource ($id) has references of its own")
        if "$ref" in schema:
            if ctx.draft7 or not keys - {"$ref"}:
                return self._ref(ctx, schema["$ref"], pointer)
            raise Unsupported(pointer, "$ref next to other constraints is not supported; "
                                        "wrap them in allOf")
        if self._is_class(schema) and (keys & KEYWORDS) - _CLASS_KEYWORDS:
            return self._typed(ctx, schema, "object", pointer, hint)  # a class, checked too
        if not UNSUPPORTED.isdisjoint(keys):
            bad = min(keys & UNSUPPORTED)
            raise Unsupported(pointer, f"keyword {bad!r} is not supported by codegen")
        if "allOf" in schema:
            return self._all_of(ctx, schema, pointer, hint)
        for combinator in ("oneOf", "anyOf"):
            if combinator in schema:
                return self._combinator(ctx, schema, combinator, pointer, hint)
        if "enum" in schema or "const" in schema:
            return self._enum(ctx, schema, pointer, hint)
        declared = schema.get("type")
        if declared is None:
            if not keys & TYPE_SPECIFIC:
                return m.AnyValue()
            types = list(JSON_TYPES)
        else:
            types = [declared] if isinstance(declared, str) else list(declared)
        if "number" in types and "integer" in types:
            types.remove("integer")
        options: list[m.Type] = []
        for json_type in sorted(set(types), key=types.index):
            options.append(self._typed(ctx, schema, json_type, pointer, hint))
        if not options:
            raise Unsupported(pointer, "an empty type list accepts nothing")
        return options[0] if len(options) == 1 else m.Union(tuple(options), "type")

    def _all_of(self, ctx: _Version, schema: dict[str, Any], pointer: str, hint: str) -> m.Type:
        parts = schema["allOf"]
        rest = {k: v for k, v in schema.items() if k != "allOf"}
        if isinstance(parts, list) and len(parts) == 1 and isinstance(parts[0], dict):
            only = parts[0]
            if not (set(rest) - ANNOTATIONS):
                return self.type_of(ctx, only, f"{pointer}/allOf/0", hint)
            # Merging is exact only when no keyword reads its neighbours: `additionalProperties`
            # beside `properties` means "not declared *here*", so moving `properties` in from
            # the allOf would widen it (a wrong accept found by the JSON-Schema-Test-Suite).
            adjacent = (set(rest) | set(only)) & _READS_SIBLINGS
            if "$ref" not in only and not (set(rest) - ANNOTATIONS) & set(only) \
                    and not adjacent:
                return self.type_of(ctx, {**rest, **only}, pointer, hint)
            if adjacent:
                raise Unsupported(pointer, f"allOf beside or holding {sorted(adjacent)[0]} is "
                                           "not supported: that keyword reads the keywords "
                                           "next to it, so merging would change its meaning")
        raise Unsupported(pointer, "allOf is supported only with one schema that does not "
                                    "overlap its siblings")

    def _combinator(self, ctx: _Version, schema: dict[str, Any], combinator: str,
                    pointer: str, hint: str) -> m.Type:
        if set(schema) - ANNOTATIONS - {combinator}:
            raise Unsupported(pointer, f"{combinator} next to other keywords is not supported; "
                                        "move them into each option")
        raw = schema[combinator]
        if not isinstance(raw, list) or not raw:
            raise Unsupported(pointer, f"{combinator} must be a non-empty list")
        options = tuple(self.type_of(ctx, option, f"{pointer}/{combinator}/{i}",
                                     f"{hint}Option{i + 1}" if len(raw) > 1 else hint)
                        for i, option in enumerate(raw))
        if len(options) == 1:
            return options[0]
        kinds = [m.json_types(o) for o in options]
        if all(not (a & b) for i, a in enumerate(kinds) for b in kinds[i + 1:]):
            return m.Union(options, "type")
        tagged = self._tags(options)
        if tagged is not None:
            return m.Union(options, "tag", tag=tagged[0], tags=tagged[1])
        return m.Union(options, combinator)

    def _tags(self, options: tuple[m.Type, ...]) -> tuple[str, tuple[str, ...]] | None:
        """A required property holding a distinct string const in every option, if any."""
        defs = []
        for option in options:
            if not isinstance(option, m.Ref) or not option.is_class:
                return None
            found = self.classes.get(f"{option.module}.{option.name}")
            if found is None:
                return None
            defs.append(found)
        for candidate in defs[0].fields:
            tags: list[str] = []
            for cls in defs:
                match = [f for f in cls.fields if f.json_name == candidate.json_name
                         and f.required and isinstance(f.type, m.Enum)
                         and len(f.type.values) == 1 and isinstance(f.type.values[0], str)]
                if not match:
                    break
                assert isinstance(match[0].type, m.Enum)
                tags.append(match[0].type.values[0])
            else:
                if len(set(tags)) == len(tags):
                    return candidate.json_name, tuple(tags)
        return None

    def _enum(self, ctx: _Version, schema: dict[str, Any], pointer: str, hint: str) -> m.Type:
        values = enum_values(schema, pointer)
        strings = [v for v in values if isinstance(v, str)]
        doc = schema.get("description") if isinstance(schema.get("description"), str) else None
        if len(strings) >= 2 and all(isinstance(v, str) or v is None for v in values):
            _, module = self._scope(ctx, pointer)
            same = f"{module}\0{ctx.contract.event}\0{doc}\0" + "\0".join(strings)
            enum = self._enums.get(same)
            if enum is None:
                name = self.namers[module].claim(hint, fallback="Enum")
                members = Namer()
                enum = m.Enum(tuple(strings), name, tuple(
                    (members.claim(upper(s), fallback="VALUE"), s) for s in strings), doc, module)
                self.modules[module].enums.append(enum)
                self._enums[same] = enum
            if len(strings) == len(values):
                return enum
            return m.Union((enum, m.Null()), "type")
        return m.Enum(tuple(values))

    def _typed(self, ctx: _Version, schema: dict[str, Any], json_type: str, pointer: str,
               hint: str) -> m.Type:
        if json_type == "null":
            return m.Null()
        if json_type == "boolean":
            return m.Bool()
        if json_type == "string":
            return string(schema, pointer)
        if json_type in ("number", "integer"):
            return number(schema, json_type == "integer", pointer)
        if json_type == "array":
            items = schema.get("items", True)
            if isinstance(items, list):
                raise Unsupported(pointer, "tuple-form items are not supported")
            return m.Array(self.type_of(ctx, items, f"{pointer}/items", f"{hint}Item"),
                           count(schema, "minItems", pointer), count(schema, "maxItems", pointer),
                           schema.get("uniqueItems") is True)
        if json_type == "object":
            if not self._is_class({**schema, "type": "object"}):
                extra = schema.get("additionalProperties", True)
                return m.Map(self.type_of(ctx, extra, f"{pointer}/additionalProperties",
                                          f"{hint}Value"),
                             count(schema, "minProperties", pointer),
                             count(schema, "maxProperties", pointer),
                             names(schema, pointer))
            key, _ = self._scope(ctx, pointer)
            # Its own memo key: the schema at `pointer` may also allow other types.
            return self._class(ctx, schema, pointer, hint, memo=f"{key}#object")
        raise Unsupported(pointer, f"unknown type {json_type!r}")

    def _class(self, ctx: _Version, schema: Mapping[str, Any], pointer: str, hint: str, *,
               doc: str | None = None, event: m.EventInfo | None = None, memo: str | None = None,
               claimed: bool = False) -> m.Ref:
        properties = schema.get("properties", {})
        required = schema.get("required", [])
        if not isinstance(properties, dict) or not isinstance(required, list) or not all(
                isinstance(r, str) for r in required):
            raise Unsupported(pointer, "properties must be an object and required a list "
                                       "of names")
        bounds = (count(schema, "minProperties", pointer), count(schema, "maxProperties",
                                                                  pointer))
        # Keywords beyond what a class says (patternProperties, oneOf, not, if...): the
        # class keeps undeclared properties as they came, and the whole object is also
        # held to its schema.
        beyond = (set(schema) & KEYWORDS) - _CLASS_KEYWORDS
        if ctx.draft7 and "$ref" in schema:
            beyond = set()
        checked = self.checked(ctx, pointer) if beyond else None
        # An event's class lives in its contract's module, even when the event's schema is
        # a reference to a shared document (two events may share one payload schema).
        module = ctx.module if event is not None else self._scope(ctx, pointer)[1]
        same = self._same_as_before(ctx, schema, module) if event is None else None
        if same is not None and same in self._unchanged:
            ref = self._unchanged[same]
            if memo is not None:
                self._memo[memo] = ref
            return ref
        name = hint if claimed else self.namers[module].claim(hint, fallback="Model")
        ref = m.Ref(name, module)
        if memo is not None:
            self._memo[memo] = ref
        if same is not None:
            self._unchanged[same] = ref
        names = Namer()
        fields: list[m.Field] = []
        declared = list(properties) + [r for r in required if r not in properties]
        for json_name in declared:
            sub = properties.get(json_name, True)
            sub_pointer = f"{pointer}/properties/{_escape(json_name)}"
            field_type = self.type_of(ctx, sub, sub_pointer, name + (pascal(json_name) or "Field"))
            field_doc = sub.get("description") if isinstance(sub, dict) else None
            fields.append(m.Field(json_name, names.claim(snake(json_name)), field_type,
                                  json_name in required,
                                  field_doc if isinstance(field_doc, str) else None))
        extra_schema = schema.get("additionalProperties", True)
        additional: m.Type | None = None
        if checked is not None:
            additional = m.AnyValue()
        elif extra_schema is not False:
            additional = self.type_of(ctx, extra_schema, f"{pointer}/additionalProperties",
                                      f"{name}Extra")
        description = schema.get("description")
        cls = m.ClassDef(name, module, tuple(fields),
                         doc if doc is not None else
                         description if isinstance(description, str) else None,
                         additional, names.claim("extra"), bounds[0], bounds[1], event,
                         checked)
        self.modules[module].classes.append(cls)
        self.classes[f"{module}.{name}"] = cls
        return ref


_CLASS_KEYWORDS = frozenset({"type", "properties", "required", "additionalProperties",
                             "minProperties", "maxProperties"})
"""What a generated class checks itself."""


def build(registry: Registry) -> list[m.ModuleDef]:
    """The IR modules for ``registry``: `shared` first, then one per domain."""
    return Builder(registry).build()
