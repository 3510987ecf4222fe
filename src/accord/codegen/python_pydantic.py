"""The pydantic v2 style: the same checks and conversions, declared as `BaseModel`s.

`from_dict` runs the generated checks (so a model is exactly as strict as its schema,
which pydantic's own coercions are not) and then builds the model with
`model_construct`, which skips pydantic's second, looser pass. A wrap model validator
sends pydantic's own entry points (the constructor, `model_validate`, a field of a
hand-written model) through the same checks: a JSON payload is checked before pydantic
sees it, and what pydantic built is checked again through `to_dict`.
"""

from __future__ import annotations

from dataclasses import dataclass

from accord.codegen import model as m
from accord.codegen.python_dataclasses import Style, wrappers


@dataclass(frozen=True, slots=True)
class PydanticStyle(Style):
    name: str = "pydantic"
    any_annotation: str = "_t.Any"  # pydantic cannot build a schema for a string alias

    def imports(self) -> list[str]:
        return ["pydantic as _pd"]

    def class_header(self, cls: m.ClassDef) -> list[str]:
        return [f"class {cls.name}(_pd.BaseModel):"]

    def config(self, cls: m.ClassDef) -> list[str]:
        extra = "'forbid'" if cls.additional is None else "'ignore'"
        return [f"    model_config = _pd.ConfigDict(extra={extra}, validate_by_name=True, "
                "validate_by_alias=True,",
                "                                  protected_namespaces=(), "
                "arbitrary_types_allowed=True)", "",
                # pydantic's own entry points (model_validate, nested models, FastAPI) run
                # the exact checks too, instead of pydantic's lax coercions.
                "    @_pd.model_validator(mode='wrap')",
                "    @classmethod",
                f"    def _accord_check(cls, data: _t.Any, "
                f"handler: _pd.ModelWrapValidatorHandler[{cls.name}]) -> {cls.name}:",
                f"        if isinstance(data, {cls.name}):",
                "            return data",
                "        if _rt.is_json(data):  # a payload: the exact checks and conversions",
                f"            return handler(_rt.fields_of(_load_{cls.name}(data)))",
                # pydantic's own pass fills the instance (its constructor needs that), and
                # what it built is held to the contract too (a constructor's values).
                "        built = handler(data)",
                f"        _rt.constructed(built, _load_{cls.name})",
                "        return built", ""]

    def field(self, f: m.Field, annotation: str, default: str | None) -> str:
        if f.name == f.json_name:
            tail = f" = {default}" if default is not None else ""
            return f"{f.name}: {annotation}{tail}"
        default_arg = f"default={default}, " if default is not None else ""
        return f"{f.name}: {annotation} = _pd.Field({default_arg}alias={f.json_name!r})"

    def extra_field(self, name: str, annotation: str) -> str:
        return f"{name}: {annotation} = _pd.Field(default_factory=dict)"

    def construct(self, cls_name: str) -> str:
        return f"{cls_name}.model_construct"

    def construct_checked(self, cls_name: str, args: list[tuple[str, str]]) -> list[str]:
        named = ", ".join(f"{name}={value}" for name, value in args)
        return [f"    return {cls_name}.model_construct({named})"]

    def post_init(self, cls: m.ClassDef) -> list[str]:
        return []  # pydantic's constructor runs the wrap validator, hence the same checks

    def footer(self, module: m.ModuleDef) -> list[str]:
        # Annotations are strings (PEP 563): resolve them now that every class exists.
        return [f"{name}.model_rebuild()" for name in [c.name for c in module.classes]
                + wrappers(module)]


PYDANTIC = PydanticStyle()
