"""The vendored JSON-Schema-Test-Suite as contracts: each group's schema as property ``v``
of an object event (issue #16's measure), for the validation layer and for codegen."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parent / "JSON-Schema-Test-Suite" / "tests"
META = {"draft2020-12": "https://json-schema.org/draft/2020-12/schema",
        "draft7": "http://json-schema.org/draft-07/schema#"}
DRAFTS = tuple(META)
_RESOURCE_WORDS = ("$id", "$defs", "definitions", "$anchor", "$dynamicAnchor")


@dataclass(frozen=True)
class Group:
    draft: str
    file: str
    index: int
    description: str
    schema: Any
    tests: tuple[tuple[str, Any, bool], ...]

    @property
    def id(self) -> str:
        return f"{self.draft}/{self.file}/{self.index}"

    @property
    def event(self) -> str:
        """A contract name for the group: `suite.<File><index>`."""
        name = "".join(p[:1].upper() + p[1:] for p in self.file.replace("-", "_").split("_"))
        return f"suite.{name}{self.index}"

    def contract_schema(self) -> dict[str, Any]:
        """The group's schema as property ``v`` of an object. A schema whose references
        are relative to its own root travels as an embedded resource, so they still are."""
        meta = META[self.draft]
        if _self_relative(self.schema):
            inner = dict(self.schema)
            inner.pop("$schema", None)
            inner.setdefault("$id", f"urn:accord:suite:{self.draft}:{self.file}:{self.index}")
            return {"$schema": meta, "type": "object", "required": ["v"],
                    "properties": {"v": {"$ref": "#/$defs/v"}}, "$defs": {"v": inner}}
        return {"$schema": meta, "type": "object", "required": ["v"],
                "properties": {"v": self.schema}}


def _self_relative(schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    text = json.dumps(schema)
    return any(f'"{w}"' in text for w in _RESOURCE_WORDS) or '"#' in text


def groups(draft: str) -> Iterator[Group]:
    """Every group of ``draft`` except refRemote (it needs the suite's HTTP server)."""
    for path in sorted((ROOT / draft).glob("*.json")):
        if path.stem == "refRemote":
            continue
        for i, raw in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            yield Group(draft, path.stem, i, raw["description"], raw["schema"],
                        tuple((t["description"], t["data"], t["valid"]) for t in raw["tests"]))
