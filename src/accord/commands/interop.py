"""`accord export asyncapi` and `accord import asyncapi`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from accord.commands.common import display, open_workspace
from accord.errors import AccordError, Location, UsageError
from accord.interop.asyncapi_export import export_asyncapi
from accord.interop.asyncapi_import import ImportError_, import_asyncapi, note_invalid_examples
from accord.interop.asyncapi_refs import bundle
from accord.interop.asyncapi_verify import verified
from accord.registry import load_registry
from accord.registry.confine import inside, write_inside
from accord.registry.yamlio import dump_yaml, load_json_document, load_yaml_file


def export(service: str | None, out: str | None, fmt: str) -> int:
    workspace = open_workspace()
    known = {s for c in workspace.registry.contracts for s in (*c.producers, *c.consumers)}
    if service is not None and service not in known:
        raise UsageError(f"no contract names service {service!r}; services: "
                         f"{', '.join(sorted(known))}")
    document = export_asyncapi(workspace.registry, service=service)
    text = json.dumps(document, indent=2) + "\n" if fmt == "json" or (
        out and out.endswith(".json")) else dump_yaml(document)
    if out:
        _write(Path(out), text)
        click.echo(f"wrote {out}: {len(document['components']['messages'])} messages, "
                   f"{len(document['operations'])} operations", err=True)
    else:
        click.echo(text, nl=False)
    return 0


def import_(file: str, into: str | None, domain: str | None, owner: str | None,
            force: bool, refs_root: str | None = None) -> int:
    path = Path(file)
    if not path.is_file():
        raise UsageError("no such file", Location(file))
    reader = load_json_document if path.suffix.lower() == ".json" else load_yaml_file
    document, source = reader(path, file)
    if isinstance(document, dict):
        # References to other files are followed inside the current folder (or the
        # document's own, when it lies elsewhere), or inside --refs-root.
        here = Path.cwd().resolve()
        default = here if path.resolve().is_relative_to(here) else path.resolve().parent
        document = bundle(document, path, Path(refs_root) if refs_root else default, source)
    try:
        result = import_asyncapi(document, source, domain=domain, owner=owner)
    except (AttributeError, TypeError, KeyError, ValueError, IndexError) as exc:
        # A shape the importer does not expect (`channels: {c: 5}`): bad input, not a crash.
        raise UsageError(f"not a well-formed AsyncAPI document: {type(exc).__name__}: {exc} "
                         "(an object is expected where a value of another type is)",
                         Location(file)) from None
    # What is written must load: a contract that would keep the registry from loading is
    # left out and named; an error in no contract is the importer's bug, never a success.
    try:
        result, _ = verified(result)
    except ImportError_:
        raise
    except AccordError as exc:
        raise UsageError(f"the imported registry does not load (please report this "
                         f"importer bug with the document): {exc.message}",
                         Location(file)) from None
    root = Path(into) if into else open_workspace_root()
    # Every target is checked before anything is written: inside --into once symlinks are
    # followed, and never a symlink itself (so --force replaces only the import's own files).
    for rel in result.files:
        target = inside(root, rel, "import target")
        if target.is_symlink():
            raise UsageError(f"{display(target)} is a symbolic link; refusing to write "
                             "through it")
    clashes = [rel for rel in result.files if (root / rel).exists()]
    if clashes and not force:
        raise UsageError(f"{display(root / clashes[0])} exists; use --force to overwrite "
                         f"({len(clashes)} file(s) would be replaced)")
    for rel, content in result.files.items():
        try:
            target = write_inside(root, rel, dump_yaml(content), "import target")
        except OSError as exc:
            raise UsageError(f"cannot write: {exc.strerror or exc}",
                             Location(display(root / rel))) from None
        click.echo(f"wrote {display(target)}")
    # What was written must load: a registry that does not is the importer's bug, never
    # a success.
    try:
        registry = load_registry(root)
    except AccordError as exc:
        raise UsageError(f"the imported registry does not load (please report this "
                         f"importer bug with the document): {exc}", Location(file)) from None
    for rel in note_invalid_examples(registry, result):
        write_inside(root, rel, dump_yaml(result.files[rel]), "import target")
        click.echo(f"warning: {rel}: the document's own examples do not validate; kept, "
                   "with examples-valid suppressed", err=True)
    for line in [*result.notes, *result.skipped]:
        click.echo(f"warning: {line}", err=True)
    if result.skipped:
        click.echo(f"{len(result.skipped)} message(s) skipped, "
                   f"{sum(1 for f in result.files if not f.startswith('_shared'))} "
                   "contract file(s) written", err=True)
        return 1
    return 0


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write: {exc.strerror or exc}", Location(display(path))) from None


def open_workspace_root() -> Path:
    from accord.config import find_config

    return find_config().registry
