"""The documentation site: catalog pages generated from the registry, and the MkDocs plugin.

`generate_pages` is a pure function (registry in, {path: content} out); `plugin` adds its
output to an MkDocs build; `build` writes a temporary MkDocs config for `accord docs`.
Names are imported lazily: Markdown, nh3 and MkDocs are the optional `docs` extra, and
`accord docs` checks for them before it imports anything that needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accord.docs.generate import generate_pages
    from accord.docs.reliance import Reliance, read_reliance

__all__ = ["Reliance", "generate_pages", "read_reliance"]


def __getattr__(name: str) -> Any:
    if name == "generate_pages":
        from accord.docs.generate import generate_pages

        return generate_pages
    if name in ("Reliance", "read_reliance"):
        from accord.docs import reliance

        return getattr(reliance, name)
    raise AttributeError(name)
