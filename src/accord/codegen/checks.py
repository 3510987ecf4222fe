"""Generated validation code: for each IR type, the statements that check and convert a
JSON value, the expression that turns it back, and its annotation.

The checks are straight-line code with constants hoisted to module level (compiled
patterns, key sets, enum maps); the only calls into `_runtime` are for slow paths and
the few rules that need a loop (uniqueItems, JSON-equality enums, oneOf). Contract values
only ever appear through ``repr``.
"""

from __future__ import annotations

from typing import Any

from accord.codegen import model as m

_FORMAT_TYPES = {"date-time": "_dt.datetime", "date": "_dt.date", "uuid": "_uuid.UUID",
                 "decimal": "_decimal.Decimal"}
_FORMAT_LOAD = {"date-time": "load_datetime", "date": "load_date", "uuid": "load_uuid",
                "decimal": "load_decimal"}
_FORMAT_DUMP = {"date-time": "dump_datetime", "date": "dump_date", "uuid": "dump_uuid",
                "decimal": "dump_decimal"}
_KIND_TEST = {
    "null": "{v} is None",
    "boolean": "type({v}) is bool",
    "object": "isinstance({v}, dict)",
    "array": "isinstance({v}, list)",
    "string": "isinstance({v}, str)",
    "number": "_rt.is_number({v})",
}
_KIND_NAME = {"null": "null", "boolean": "a boolean", "object": "an object",
              "array": "an array", "string": "a string", "number": "a number"}


def _num(value: float) -> str:
    return repr(value)


class Checks:
    """Collects the module-level constants and helpers that one module's checks use."""

    def __init__(self, module: str, any_annotation: str = "_rt.JsonValue") -> None:
        self.module = module
        self.any_annotation = any_annotation
        self.constants: list[str] = []
        self.helpers: list[str] = []
        self.imports: set[str] = set()
        self._const_names: dict[str, str] = {}
        self._helper_names: dict[object, str] = {}
        self._annotations: dict[object, str] = {}
        self._fresh = 0

    # -- names ----------------------------------------------------------------------------
    def fresh(self, prefix: str) -> str:
        self._fresh += 1
        return f"{prefix}{self._fresh}"

    def const(self, expr: str, annotation: str | None = None) -> str:
        key = f"{annotation}:{expr}"
        if key not in self._const_names:
            name = f"_C{len(self._const_names) + 1}"
            self._const_names[key] = name
            declared = f"{name}: {annotation}" if annotation else name
            self.constants.append(f"{declared} = {expr}")
        return self._const_names[key]

    def qualify(self, module: str, name: str) -> str:
        if module == self.module:
            return name
        self.imports.add(module)
        return f"_{module}.{name}"

    # -- annotations ----------------------------------------------------------------------
    def annotation(self, t: m.Type) -> str:
        key = _key(t)
        found = self._annotations.get(key)
        if found is None:
            found = self._annotations[key] = self._annotation(t)
        return found

    def _annotation(self, t: m.Type) -> str:
        if isinstance(t, m.Str):
            if t.format:
                self.imports.add(f"fmt:{t.format}")
                return _FORMAT_TYPES[t.format]
            return "str"
        if isinstance(t, m.Num):
            return "int" if t.integer else "float"
        if isinstance(t, m.Bool):
            return "bool"
        if isinstance(t, m.Null):
            return "None"
        if isinstance(t, m.AnyValue | m.Checked):
            return self.any_annotation
        if isinstance(t, m.Enum):
            if t.name is not None:
                return self.qualify(t.module, t.name)
            if all(v is None or isinstance(v, str | int) for v in t.values):
                return "_t.Literal[" + ", ".join(repr(v) for v in t.values) + "]"
            return self.any_annotation
        if isinstance(t, m.Array):
            return f"list[{self.annotation(t.items)}]"
        if isinstance(t, m.Map):
            return f"dict[str, {self.annotation(t.values)}]"
        if isinstance(t, m.Ref):
            if not t.is_class and self.any_annotation == "_t.Any":
                # pydantic evaluates field annotations and cannot evaluate a recursive string
                # alias; the generated checks still hold the value to its exact shape.
                return "_t.Any"
            return self.qualify(t.module, t.name)
        assert isinstance(t, m.Union)
        parts: list[str] = []
        for option in t.options:
            text = self.annotation(option)
            for part in _split_union(text):
                if part not in parts:
                    parts.append(part)
        if "None" in parts:  # `X | None` reads best with None last
            parts.remove("None")
            parts.append("None")
        return " | ".join(parts)

    # -- loading --------------------------------------------------------------------------
    def load(self, t: m.Type, src: str, dst: str) -> list[str]:
        """Statements that check local ``src`` and bind its converted value to ``dst``."""
        if isinstance(t, m.Str):
            return self._load_str(t, src, dst)
        if isinstance(t, m.Num):
            return self._load_num(t, src, dst)
        if isinstance(t, m.Bool):
            return [f"if type({src}) is not bool:",
                    f"    raise _rt.type_error('a boolean', {src})", f"{dst} = {src}"]
        if isinstance(t, m.Null):
            return [f"if {src} is not None:", f"    raise _rt.type_error('null', {src})",
                    f"{dst} = None"]
        if isinstance(t, m.AnyValue):
            return [f"{dst} = {src}"]
        if isinstance(t, m.Checked):
            return [f"{self.schema_check(t)}({src})", f"{dst} = {src}"]
        if isinstance(t, m.Enum):
            return self._load_enum(t, src, dst)
        if isinstance(t, m.Array):
            return self._load_array(t, src, dst)
        if isinstance(t, m.Map):
            return self._load_map(t, src, dst)
        if isinstance(t, m.Ref):
            return [f"{dst} = {self.qualify(t.module, '_load_' + t.name)}({src})"]
        assert isinstance(t, m.Union)
        return self._load_union(t, src, dst)

    def schema_check(self, t: m.Checked) -> str:
        """The module constant that holds a value to the schema at ``t.pointer``."""
        root = self.const(repr(t.root), "str")
        patterns = self.const(repr(dict(t.patterns)), "dict[str, str]")
        return self.const(f"_rt.schema_check({root}, {t.pointer!r}, {patterns})")

    def loader(self, t: m.Type) -> str:
        """The name of a function ``(object) -> T`` that loads ``t`` (made once per type)."""
        if isinstance(t, m.Ref):
            return self.qualify(t.module, "_load_" + t.name)
        key = _key(t)
        if key not in self._helper_names:
            name = f"_L{len(self._helper_names) + 1}"
            self._helper_names[key] = name
            body = self.load(t, "value", "out")
            annotation = self.annotation(t)
            self.helpers.append("\n".join(
                [f"def {name}(value: _t.Any) -> {annotation}:", f"    out: {annotation}"]
                + [f"    {line}" for line in body] + ["    return out"]))
        return self._helper_names[key]

    def _load_str(self, t: m.Str, src: str, dst: str) -> list[str]:
        out = [f"if not isinstance({src}, str):", f"    raise _rt.type_error('a string', {src})"]
        if t.min_length is not None:
            out += [f"if len({src}) < {t.min_length}:",
                    f"    raise _rt.fail('minLength', 'shorter than {t.min_length} characters')"]
        if t.max_length is not None:
            out += [f"if len({src}) > {t.max_length}:",
                    f"    raise _rt.fail('maxLength', 'longer than {t.max_length} characters')"]
        if t.python_pattern is not None:
            self.imports.add("fmt:re")
            search = self.const(f"_re.compile({t.python_pattern!r}, _re.ASCII).search")
            message = repr(f"does not match '{t.pattern}'")
            out += [f"if {search}({src}) is None:", f"    raise _rt.fail('pattern', {message})"]
        if t.format:
            out.append(f"{dst} = _rt.{_FORMAT_LOAD[t.format]}({src})")
        else:
            out.append(f"{dst} = {src}")
        return out

    def _load_num(self, t: m.Num, src: str, dst: str) -> list[str]:
        if t.integer:
            out = [f"if type({src}) is not int:", f"    {src} = _rt.as_int({src})"]
        else:
            out = [f"if type({src}) is not float and type({src}) is not int "
                   f"and not _rt.is_number({src}):",
                   f"    raise _rt.type_error('a number', {src})"]
        for value, op, rule, text in (
            (t.minimum, "<", "minimum", "less than"),
            (t.maximum, ">", "maximum", "greater than"),
            (t.exclusive_minimum, "<=", "exclusiveMinimum", "not greater than"),
            (t.exclusive_maximum, ">=", "exclusiveMaximum", "not less than"),
        ):
            if value is not None:
                message = repr(f"{text} {value!r}")
                out += [f"if {src} {op} {_num(value)}:", f"    raise _rt.fail({rule!r}, {message})"]
        if t.multiple_of is not None:
            message = repr(f"not a multiple of {t.multiple_of!r}")
            out += [f"if not _rt.multiple_of({src}, {_num(t.multiple_of)}):",
                    f"    raise _rt.fail('multipleOf', {message})"]
        out.append(f"{dst} = {src}")
        return out

    def _load_enum(self, t: m.Enum, src: str, dst: str) -> list[str]:
        message = repr("not one of " + ", ".join(repr(v) for v in t.values)[:200])
        if t.name is not None:
            cls = self.qualify(t.module, t.name)
            table = self.const(f"{{m.value: m for m in {cls}}}", f"dict[str, {cls}]")
            found = self.fresh("e")
            return [f"{found} = {table}.get({src}) if isinstance({src}, str) else None",
                    f"if {found} is None:", f"    raise _rt.fail('enum', {message})",
                    f"{dst} = {found}"]
        if len(t.values) == 1 and isinstance(t.values[0], str):
            return [f"if not isinstance({src}, str) or {src} != {t.values[0]!r}:",
                    f"    raise _rt.fail('const', {message})", f"{dst} = {t.values[0]!r}"]
        allowed = self.const("_rt.keys((" + "".join(f"{v!r}, " for v in t.values) + "))")
        return [f"if not _rt.json_in({src}, {allowed}):", f"    raise _rt.fail('enum', {message})",
                f"{dst} = {src}"]

    def _load_array(self, t: m.Array, src: str, dst: str) -> list[str]:
        out = [f"if not isinstance({src}, list):", f"    raise _rt.type_error('an array', {src})"]
        if t.min_items is not None:
            out += [f"if len({src}) < {t.min_items}:",
                    f"    raise _rt.fail('minItems', 'fewer than {t.min_items} items')"]
        if t.max_items is not None:
            out += [f"if len({src}) > {t.max_items}:",
                    f"    raise _rt.fail('maxItems', 'more than {t.max_items} items')"]
        if t.unique:
            out.append(f"_rt.check_unique({src})")
        if isinstance(t.items, m.AnyValue):
            return [*out, f"{dst} = list({src})"]
        item = self.loader(t.items)
        return [*out, "try:", f"    {dst} = [{item}(x) for x in {src}]",
                "except _rt.ValidationError as e:",
                f"    raise _rt.at_index(e, {src}, {item}) from None"]

    def _load_map(self, t: m.Map, src: str, dst: str) -> list[str]:
        out = [f"if not isinstance({src}, dict):", f"    raise _rt.type_error('an object', {src})"]
        if t.min_properties is not None:
            out += [f"if len({src}) < {t.min_properties}:",
                    f"    raise _rt.fail('minProperties', 'fewer than {t.min_properties} "
                    "properties')"]
        if t.max_properties is not None:
            out += [f"if len({src}) > {t.max_properties}:",
                    f"    raise _rt.fail('maxProperties', 'more than {t.max_properties} "
                    "properties')"]
        if t.keys is not None:
            names = self.loader(t.keys)
            out += ["try:", f"    for k in {src}:", f"        {names}(k)",
                    "except _rt.ValidationError as e:",
                    f"    raise _rt.at_key(e, {{k: k for k in {src}}}, {names}) from None"]
        if isinstance(t.values, m.AnyValue):
            return [*out, f"{dst} = dict({src})"]
        value = self.loader(t.values)
        return [*out, "try:", f"    {dst} = {{k: {value}(x) for k, x in {src}.items()}}",
                "except _rt.ValidationError as e:",
                f"    raise _rt.at_key(e, {src}, {value}) from None"]

    def _load_union(self, t: m.Union, src: str, dst: str) -> list[str]:
        out: list[str] = []
        if t.kind == "type":
            kinds: list[str] = []
            for i, option in enumerate(t.options):
                tests = sorted(m.json_types(option))
                kinds += tests
                cond = " or ".join(_KIND_TEST[k].format(v=src) for k in tests)
                out.append(f"{'if' if i == 0 else 'elif'} {cond}:")
                if isinstance(option, m.Null):
                    out.append(f"    {dst} = None")
                else:
                    out += [f"    {line}" for line in self.load(option, src, dst)]
            expected = " or ".join(_KIND_NAME[k] for k in sorted(set(kinds)))
            return [*out, "else:", f"    raise _rt.type_error({expected!r}, {src})"]
        if t.kind == "tag":
            tag = self.fresh("tag")
            out += [f"if not isinstance({src}, dict):",
                    f"    raise _rt.type_error('an object', {src})",
                    f"{tag} = {src}.get({t.tag!r})"]
            for i, (option, value) in enumerate(zip(t.options, t.tags, strict=True)):
                out += [f"{'if' if i == 0 else 'elif'} {tag} == {value!r}:",
                        f"    {dst} = {self.loader(option)}({src})"]
            message = repr(f"{t.tag!r} is none of " + ", ".join(repr(v) for v in t.tags))
            return [*out, "else:", f"    raise _rt.fail('oneOf', {message})"]
        helper = "one_of" if t.kind == "oneOf" else "any_of"
        options = ", ".join(self.loader(o) for o in t.options)
        return [*out, f"{dst} = _rt.{helper}({src}, ({options},))"]

    # -- dumping --------------------------------------------------------------------------
    def plain(self, t: m.Type) -> bool:
        """True when values of ``t`` are their own JSON (no conversion back)."""
        if isinstance(t, m.Str):
            return t.format is None
        if isinstance(t, m.Enum):
            return t.name is None
        if isinstance(t, m.Num | m.Bool | m.Null | m.AnyValue | m.Checked):
            return True
        if isinstance(t, m.Union):
            return all(self.plain(o) for o in t.options)
        return False

    def dump(self, t: m.Type, expr: str) -> str:
        """An expression giving the JSON of ``expr`` (a value of ``t``)."""
        if isinstance(t, m.Str) and t.format:
            return f"_rt.{_FORMAT_DUMP[t.format]}({expr})"
        if isinstance(t, m.Enum) and t.name is not None:
            return f"{expr}.value"
        if self.plain(t):
            return expr
        if isinstance(t, m.Array):
            if self.plain(t.items):
                return f"list({expr})"
            return f"[{self.dump(t.items, 'x')} for x in {expr}]"
        if isinstance(t, m.Map):
            if self.plain(t.values):
                return f"dict({expr})"
            return f"{{k: {self.dump(t.values, 'x')} for k, x in {expr}.items()}}"
        if isinstance(t, m.Ref) and t.is_class:
            return f"{expr}.to_dict()"
        if isinstance(t, m.Union):
            rest = [o for o in t.options if not isinstance(o, m.Null)]
            if len(rest) == 1 and len(t.options) == 2:
                return f"None if {expr} is None else {self.dump(rest[0], expr)}"
        return f"_rt.dump({expr})"


def _key(t: m.Type) -> object:
    """A dict key for ``t`` that tells 1, 1.0 and true apart (their checks differ)."""
    return _KEYS[type(t)](t)


def _num_key(t: m.Num) -> object:
    bounds = (t.minimum, t.maximum, t.exclusive_minimum, t.exclusive_maximum, t.multiple_of)
    return ("n", t.integer, *((type(b).__name__, b) for b in bounds))


# By exact type: this runs for every field, and a dict lookup beats a chain of isinstance.
_KEYS: dict[type, Any] = {
    m.Str: lambda t: ("s", t.min_length, t.max_length, t.pattern, t.format),
    m.Num: _num_key,
    m.Enum: lambda t: ("e", t.name, t.module, repr(t.values)),
    m.Array: lambda t: ("a", _key(t.items), t.min_items, t.max_items, t.unique),
    m.Map: lambda t: ("m", _key(t.values), t.min_properties, t.max_properties,
                      None if t.keys is None else _key(t.keys)),
    m.Ref: lambda t: ("r", t.name, t.module, t.is_class),
    m.Union: lambda t: ("u", t.kind, t.tag, t.tags, tuple(_key(o) for o in t.options)),
    m.Bool: lambda t: ("b",),
    m.Null: lambda t: ("z",),
    m.AnyValue: lambda t: ("any",),
    m.Checked: lambda t: ("chk", t.root, t.pointer),
}


def _split_union(text: str) -> list[str]:
    """Top-level `|` parts of an annotation."""
    parts, depth, start = [], 0, 0
    for i, c in enumerate(text):
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
        elif c == "|" and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return parts


def accepts_null(t: m.Type) -> bool:
    return "null" in m.json_types(t)
