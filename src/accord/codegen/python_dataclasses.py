"""The module emitter, and the dataclasses style (standard library only).

A module is: imports, StrEnums, classes (fields, ClassVars, `from_dict`/`from_json`/
`to_dict`/`to_json`), latest-version aliases, then the hoisted constants and the check
functions. Styles only differ in how a class is declared and constructed; see
`python_pydantic` for the other one.
"""

from __future__ import annotations

from dataclasses import dataclass

from accord.codegen import model as m
from accord.codegen.checks import Checks, accepts_null
from accord.codegen.envelopes import wrapper_class, wrapper_loader
from accord.codegen.naming import docstring

_FORMAT_IMPORTS = {"fmt:date-time": "datetime as _dt", "fmt:date": "datetime as _dt",
                   "fmt:uuid": "uuid as _uuid", "fmt:decimal": "decimal as _decimal",
                   "fmt:re": "re as _re"}


@dataclass(frozen=True, slots=True)
class Style:
    """How one style declares and builds a class."""

    name: str = "dataclasses"
    any_annotation: str = "_rt.JsonValue"

    def imports(self) -> list[str]:
        return ["dataclasses as _dc"]

    def class_header(self, cls: m.ClassDef) -> list[str]:
        return ["@_dc.dataclass(slots=True, kw_only=True)", f"class {cls.name}:"]

    def config(self, cls: m.ClassDef) -> list[str]:
        return []

    def field(self, f: m.Field, annotation: str, default: str | None) -> str:
        tail = f" = {default}" if default is not None else ""
        return f"{f.name}: {annotation}{tail}"

    def extra_field(self, name: str, annotation: str) -> str:
        return f"{name}: {annotation} = _dc.field(default_factory=dict)"

    def construct(self, cls_name: str) -> str:
        return cls_name

    def construct_checked(self, cls_name: str, args: list[tuple[str, str]]) -> list[str]:
        """Statements that return the class built from values its loader has checked
        already: the constructor would check them a second time."""
        return [f"    built = {cls_name}.__new__({cls_name})",
                *[f"    built.{name} = {value}" for name, value in args], "    return built"]

    def post_init(self, cls: m.ClassDef) -> list[str]:
        """Constructors check their values as `from_dict` checks a payload."""
        return ["    def __post_init__(self) -> None:",
                '        """Check the values against the contract, as from_dict does."""',
                f"        _rt.constructed(self, _load_{cls.name})", ""]

    def footer(self, module: m.ModuleDef) -> list[str]:
        return []


DATACLASSES = Style()


class ModuleEmitter:
    """Prints one IR module as Python source."""

    def __init__(self, module: m.ModuleDef, style: Style) -> None:
        self.module = module
        self.style = style
        self.checks = Checks(module.name, style.any_annotation)
        self.uses_typing = False
        self._annotations: dict[int, tuple[str, str | None]] = {}

    def emit(self, header: list[str]) -> str:
        body: list[str] = []
        for enum in self.module.enums:
            body += ["", "", *self._enum(enum)]
        for cls in self.module.classes:
            body += ["", "", *self._class(cls)]
            if cls.event is not None and cls.event.wrapper is not None:
                body += ["", "", *wrapper_class(self.style, cls)]
        if self.module.aliases:
            body += ["", ""]
            for alias in self.module.aliases:
                self.uses_typing = True
                text = self.checks.annotation(alias.type)
                body.append(f"{alias.name}: _t.TypeAlias = {text!r}")
        if self.module.latest:
            body += ["", ""]
            body += [f"{alias} = {target}" for alias, target in self.module.latest.items()]
        functions: list[str] = []
        for cls in self.module.classes:
            functions += ["", "", *self._loader(cls)]
            if cls.event is not None and cls.event.wrapper is not None:
                functions += ["", "", *wrapper_loader(self.style, cls)]
        for alias in self.module.aliases:
            functions += ["", "", *self._alias_loader(alias)]
        helpers: list[str] = []
        for helper in self.checks.helpers:  # grows while loaders are emitted
            helpers += ["", "", helper]
        constants = self.checks.constants
        footer = self.style.footer(self.module)
        names = sorted_names([c.name for c in self.module.classes] + wrappers(self.module)
                       + [e.name or "" for e in
                       self.module.enums] + [a.name for a in self.module.aliases]
                       + list(self.module.latest))
        lines = [*header, *docstring(self.module.doc, ""), "", "from __future__ import annotations",
                 "", *self._imports(), "", "__all__ = [", *[f"    {n!r}," for n in names], "]",
                 *body]
        if constants:
            lines += ["", "", *constants]
        lines += [*helpers, *functions]
        if footer:
            lines += ["", "", *footer]
        return "\n".join(lines) + "\n"

    def _imports(self) -> list[str]:
        stdlib = set(self.style.imports()) if self.module.classes else set()
        for need in self.checks.imports:
            if need in _FORMAT_IMPORTS:
                stdlib.add(_FORMAT_IMPORTS[need])
        if self.module.enums:
            stdlib.add("enum as _enum")
        if wrappers(self.module):
            stdlib.add("datetime as _dt")  # the envelope's `time`
        if self.uses_typing or self.module.classes:
            stdlib.add("typing as _t")
        third = [i for i in stdlib if i.startswith("pydantic")]
        out = [f"import {i}" for i in sorted(s for s in stdlib if s not in third)]
        if third:
            out += ["", *[f"import {i}" for i in sorted(third)]]
        local = ["_runtime as _rt"] if self.module.classes or self.module.aliases else []
        local += [f"{name} as _{name}" for name in sorted(self.checks.imports)
                  if name not in _FORMAT_IMPORTS]
        if local:
            out += ["", *[f"from . import {name}" for name in local]]
        return out

    # -- declarations -----------------------------------------------------------------------
    def _enum(self, enum: m.Enum) -> list[str]:
        out = [f"class {enum.name}(_enum.StrEnum):"]
        doc = docstring(enum.doc or f"The values of {enum.name}.", "    ")
        out += [*doc, ""]
        out += [f"    {member} = {value!r}" for member, value in enum.members]
        return out

    def _class(self, cls: m.ClassDef) -> list[str]:
        out = self.style.class_header(cls)
        out += docstring(cls.doc or f"The {cls.name} object.", "    ")
        out += ["", *self.style.config(cls)]
        info = cls.event
        if info is not None:
            out += [f"    EVENT: _t.ClassVar[str] = {info.event!r}",
                    f"    VERSION: _t.ClassVar[int] = {info.version!r}",
                    f"    CHANNEL: _t.ClassVar[{'None' if info.channel is None else 'str'}] = "
                    f"{info.channel!r}",
                    f"    SCHEMA_ID: _t.ClassVar[str] = {info.schema_id!r}",
                    f"    STATUS: _t.ClassVar[str] = {info.status!r}", ""]
        for f in cls.fields:
            annotation, default = self._field_annotation(f)
            out.append(f"    {self.style.field(f, annotation, default)}")
            if f.doc:
                out += docstring(f.doc, "    ")
        if cls.additional is not None:
            value = self.checks.annotation(cls.additional)
            out.append(f"    {self.style.extra_field(cls.extra_name, f'dict[str, {value}]')}")
            out += docstring("Properties the schema does not declare, as they came.", "    ")
        if out[-1] != "":
            out.append("")
        out += self.style.post_init(cls)
        name = cls.name
        out += [
            "    @classmethod",
            f"    def from_dict(cls, data: object) -> {name}:",
            '        """Check a decoded payload against the contract and convert it."""',
            f"        return _load_{name}(data)",
            "",
            "    @classmethod",
            f"    def from_json(cls, text: str | bytes) -> {name}:",
            '        """Decode, check and convert a JSON payload."""',
            f"        return _load_{name}(_rt.parse_json(text))",
            "",
            "    def to_json(self) -> str:",
            '        """The payload as compact JSON."""',
            "        return _rt.to_json(self.to_dict())",
            "",
            *self._to_dict(cls),
        ]
        return out

    def _field_annotation(self, f: m.Field) -> tuple[str, str | None]:
        found = self._annotations.get(id(f))
        if found is None:
            found = self._annotations[id(f)] = self._compute_annotation(f)
        return found

    def _compute_annotation(self, f: m.Field) -> tuple[str, str | None]:
        annotation = self.checks.annotation(f.type)
        if f.required:
            return annotation, None
        if accepts_null(f.type):
            if annotation.endswith(" | None"):  # ruff (RUF036) wants None last
                return f"{annotation[:-7]} | _rt.Absent | None", "_rt.ABSENT"
            return f"{annotation} | _rt.Absent", "_rt.ABSENT"
        return f"{annotation} | None", "None"

    def _to_dict(self, cls: m.ClassDef) -> list[str]:
        out = ["    def to_dict(self) -> dict[str, _t.Any]:",
               '        """The payload, exactly as it was read (or as it would be sent)."""']
        required = [f for f in cls.fields if f.required]
        if required:
            out.append("        out: dict[str, _t.Any] = {")
            out += [f"            {f.json_name!r}: {self.checks.dump(f.type, 'self.' + f.name)},"
                    for f in required]
            out.append("        }")
        else:
            out.append("        out: dict[str, _t.Any] = {}")
        for f in cls.fields:
            if f.required:
                continue
            marker = "_rt.ABSENT" if accepts_null(f.type) else "None"
            dumped = self.checks.dump(f.type, f"self.{f.name}")
            out += [f"        if self.{f.name} is not {marker}:",
                    f"            out[{f.json_name!r}] = {dumped}"]
        if cls.additional is not None:
            extra = f"self.{cls.extra_name}"
            out += [f"        if {extra}:",
                    f"            out.update({self.checks.dump(m.Map(cls.additional), extra)})"]
        return [*out, "        return out"]

    # -- checks ---------------------------------------------------------------------------
    def _loader(self, cls: m.ClassDef) -> list[str]:
        checks = self.checks
        out = [f"def _load_{cls.name}(data: object) -> {cls.name}:",
               "    if not isinstance(data, dict):",
               "        raise _rt.type_error('an object', data)"]
        known = checks.const("frozenset({" + ", ".join(repr(f.json_name) for f in cls.fields)
                             + "})" if cls.fields else "frozenset()", "frozenset[str]")
        if cls.additional is None:
            out += [f"    if not {known}.issuperset(data):",
                    f"        raise _rt.extra(data, {known})"]
        if cls.checked is not None:
            out.append(f"    {checks.schema_check(cls.checked)}(data)")
        for value, op, rule in ((cls.min_properties, "<", "minProperties"),
                                (cls.max_properties, ">", "maxProperties")):
            if value is not None:
                out += [f"    if len(data) {op} {value}:",
                        f"        raise _rt.fail({rule!r}, "
                        f"'{'fewer' if op == '<' else 'more'} than {value} properties')"]
        body: list[str] = []
        args: list[tuple[str, str]] = []
        for i, f in enumerate(cls.fields):
            local = f"f{i}"
            args.append((f.name, local))
            body.append(f"key = {f.json_name!r}")
            if f.required:
                body.append(f"{local} = {self._load_expr(f.type, f'data[{f.json_name!r}]')}")
                continue
            annotation, default = self._field_annotation(f)
            body += [f"v = data.get({f.json_name!r}, _rt.ABSENT)",
                     f"{local}: {annotation} = {default} if v is _rt.ABSENT else "
                     f"{self._load_expr(f.type, 'v')}"]
        if body:
            out += ["    try:", *[f"        {line}" for line in body],
                    "    except KeyError:",
                    "        raise _rt.missing(key) from None",
                    "    except _rt.ValidationError as e:",
                    "        raise e.within(key) from None"]
        if cls.additional is not None:
            args.append((cls.extra_name, "extra"))
            value_type = checks.annotation(cls.additional)
            out += [f"    extra: dict[str, {value_type}]",
                    f"    if {known}.issuperset(data):", "        extra = {}", "    else:",
                    f"        undeclared = _rt.undeclared(data, {known})"]
            if isinstance(cls.additional, m.AnyValue):
                out.append("        extra = undeclared")
            else:
                loader = checks.loader(cls.additional)
                out += ["        try:",
                        f"            extra = {{k: {loader}(x) for k, x in undeclared.items()}}",
                        "        except _rt.ValidationError as e:",
                        f"            raise _rt.at_key(e, undeclared, {loader}) from None"]
        out += self.style.construct_checked(cls.name, args)
        return out

    def _load_expr(self, t: m.Type, src: str) -> str:
        """One expression that checks and converts ``src``: shared check functions keep each
        module small (one per distinct type, not one block per field)."""
        if isinstance(t, m.AnyValue):
            return src
        return f"{self.checks.loader(t)}({src})"

    def _alias_loader(self, alias: m.AliasDef) -> list[str]:
        out = [f"def _load_{alias.name}(value: _t.Any) -> {alias.name}:",
               f"    out: {alias.name}"]
        out += [f"    {line}" for line in self.checks.load(alias.type, "value", "out")]
        return [*out, "    return out"]


def wrappers(module: m.ModuleDef) -> list[str]:
    """The CloudEvents envelope classes of a module."""
    return [c.event.wrapper for c in module.classes
            if c.event is not None and c.event.wrapper is not None]


def sorted_names(names: list[str]) -> list[str]:
    """isort's order, as ruff wants `__all__`: CONSTANTS, then Classes, then the rest."""
    return sorted(names, key=lambda n: (0 if n.isupper() else 1 if n[:1].isupper() else 2, n))


def emit_module(module: m.ModuleDef, style: Style, header: list[str]) -> str:
    return ModuleEmitter(module, style).emit(header)
