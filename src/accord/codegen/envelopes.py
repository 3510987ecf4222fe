"""The CloudEvents 1.0 envelope class of an `envelope: cloudevents` contract version.

`OrderPlacedV1Event` holds the context attributes as typed fields and the version's class
as `data`. The attribute checks live in `_runtime` (`load_cloudevent`), so each wrapper
is a few lines; `data` goes through the version's own generated checks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accord.codegen import model as m

if TYPE_CHECKING:  # the emitter imports this module
    from accord.codegen.python_dataclasses import Style

ATTRIBUTES = ("specversion", "id", "source", "type", "dataschema", "time", "subject",
              "datacontenttype")


def wrapper_class(style: Style, cls: m.ClassDef) -> list[str]:
    """The envelope class of the event class ``cls``."""
    info = cls.event
    assert info is not None and info.wrapper is not None
    name, data = info.wrapper, cls.name
    shell = m.ClassDef(name, cls.module, ())
    fields = [
        ("id", "str", None), ("source", "str", None), ("data", data, None),
        ("specversion", "str", "'1.0'"), ("type", "str", repr(info.event)),
        ("dataschema", "str | None", repr(info.dataschema)),
        ("time", "_dt.datetime | None", "None"), ("subject", "str | None", "None"),
        ("datacontenttype", "str | None", "'application/json'"),
    ]
    out = [*style.class_header(shell),
           f'    """`{data}` in a CloudEvents 1.0 envelope (structured or binary mode)."""', "",
           *style.config(shell),
           f"    EVENT: _t.ClassVar[str] = {info.event!r}",
           f"    VERSION: _t.ClassVar[int] = {info.version!r}",
           f"    DATASCHEMA: _t.ClassVar[str] = {info.dataschema!r}",
           "    SOURCES: _t.ClassVar[frozenset[str]] = frozenset("
           + ("{" + ", ".join(repr(s) for s in sorted(info.sources)) + "}" if info.sources
              else "") + ")",
           '    """The producers: the `source` values accepted (any, if there are none)."""', ""]
    for field, annotation, default in fields:
        declared = m.Field(field, field, m.AnyValue(), default is None)
        out.append(f"    {style.field(declared, annotation, default)}")
    out.append(f"    {style.extra_field('extensions', f'dict[str, {style.any_annotation}]')}")
    out += ['    """Extension attributes, as they came."""', ""]
    out += [
        "    @classmethod",
        f"    def from_dict(cls, data: object) -> {name}:",
        '        """Check a structured-mode CloudEvent (decoded) and convert it."""',
        f"        return _load_{name}(data)",
        "",
        "    @classmethod",
        f"    def from_json(cls, text: str | bytes) -> {name}:",
        '        """Decode, check and convert a structured-mode CloudEvent."""',
        f"        return _load_{name}(_rt.parse_json(text))",
        "",
        "    @classmethod",
        "    def from_binary(cls, headers: _t.Mapping[str, bytes | str],",
        f"                    body: bytes | str) -> {name}:",
        '        """Check and convert a binary-mode CloudEvent (`ce_` or `ce-` headers)."""',
        f"        return _load_{name}(_rt.cloudevent_from_binary(headers, body))",
        "",
        "    def to_dict(self) -> dict[str, _t.Any]:",
        '        """The structured-mode CloudEvent."""',
        "        return _rt.dump_cloudevent({",
        *[f"            {a!r}: self.{a}," for a in ATTRIBUTES],
        "        }, self.extensions, self.data.to_dict())",
        "",
        "    def to_json(self) -> str:",
        '        """The structured-mode CloudEvent as compact JSON."""',
        "        return _rt.to_json(self.to_dict())",
        "",
        "    def to_binary(self) -> tuple[dict[str, bytes], bytes]:",
        '        """The binary-mode CloudEvent: (`ce_` headers, JSON body)."""',
        "        return _rt.cloudevent_to_binary(self.to_dict())",
    ]
    return out


def wrapper_loader(style: Style, cls: m.ClassDef) -> list[str]:
    info = cls.event
    assert info is not None and info.wrapper is not None
    name = info.wrapper
    return [
        f"def _load_{name}(data: object) -> {name}:",
        "    attributes, extensions, payload = _rt.load_cloudevent(",
        f"        data, {name}.EVENT, {name}.DATASCHEMA, {name}.SOURCES)",
        "    try:",
        f"        body = _load_{cls.name}(payload)",
        "    except _rt.ValidationError as e:",
        "        raise e.within('data') from None",
        f"    return {style.construct(name)}(data=body, extensions=extensions, **attributes)",
    ]
