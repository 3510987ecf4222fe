"""MkDocs hook for this site: nav entries of pages not written yet are left out.

Some pages (broker, codegen, pytest plugin) are written by the engineers of those parts.
Until a page exists its nav entry is dropped with a note, instead of a broken link.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

log = logging.getLogger("mkdocs.hooks.accord_site")
GENERATED = "catalog/"


def _keep(entry: Any, docs: Path) -> Any:
    if isinstance(entry, dict):
        kept = {k: v for k, v in ((k, _keep(v, docs)) for k, v in entry.items())
                if v not in (None, [])}
        return kept or None
    if isinstance(entry, list):
        return [e for e in (_keep(e, docs) for e in entry) if e is not None]
    if isinstance(entry, str) and entry.endswith(".md") and not entry.startswith(GENERATED) \
            and not (docs / entry).is_file():
        log.info("nav: %s is not written yet; left out", entry)
        return None
    return entry


def on_config(config: Any) -> Any:
    if config.nav:
        config.nav = _keep(config.nav, Path(config.docs_dir))
    return config
