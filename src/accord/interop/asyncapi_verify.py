"""An imported registry must load: each contract that would keep it from loading is left
out, named, with the loader's reason, and the rest is imported (never a registry that
fails to load, never all-or-nothing)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from accord.errors import AccordError
from accord.interop.asyncapi_import import ImportError_, ImportResult
from accord.registry import Registry, load_registry
from accord.registry.yamlio import dump_yaml


def _load(files: dict[str, dict[str, object]]) -> Registry:
    with tempfile.TemporaryDirectory(prefix="accord-import-") as folder:
        root = Path(folder)
        for rel, content in files.items():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(dump_yaml(content), encoding="utf-8")
        return load_registry(root)


def _culprit(exc: AccordError, files: dict[str, dict[str, object]]) -> str | None:
    """The contract file the loader's error names first, when it is one of ours."""
    text = str(exc)
    found = [(text.find(f"/{rel}"), rel) for rel in files if not rel.startswith("_shared")]
    found = [(at, rel) for at, rel in found if at >= 0]
    return min(found)[1] if found else None


def verified(result: ImportResult) -> tuple[ImportResult, Registry]:
    """``result`` without the contracts that keep it from loading, and the loaded registry.

    An error in no contract of the import (a shared file, say) is the importer's bug: it
    is raised, for the command to report as such.
    """
    files = dict(result.files)
    skipped = list(result.skipped)
    while True:
        try:
            return ImportResult(files, skipped, result.notes), _load(files)
        except AccordError as exc:
            rel = _culprit(exc, files)
            if rel is None:
                raise
            event = files.pop(rel).get("event", rel)
            # The loader's lines about this file only (it reports every file's at once), and
            # without our temporary folder.
            lines = [line for line in str(exc).splitlines() if f"/{rel}" in line]
            reason = re.sub(r"\S*accord-import-[^/\s]+/", "", "; ".join(lines) or str(exc))
            skipped.append(f"{event} skipped: the registry it makes does not load: {reason}")
            if not any(not r.startswith("_shared") for r in files):
                raise ImportError_("no message could be imported:\n  " +
                                   "\n  ".join(skipped), exc.location) from None
