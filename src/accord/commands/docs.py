"""`accord docs build|serve`: the documentation site of the registry, via MkDocs."""

from __future__ import annotations

import importlib.util
from dataclasses import replace
from pathlib import Path

import click

from accord.commands.common import display
from accord.config import find_config
from accord.docs.build import (
    Sources,
    build_site,
    log_to_stderr,
    serve_site,
    temporary_config,
)
from accord.errors import AccordError, UsageError


class DocsBuildError(AccordError):
    """MkDocs refused the site (strict-mode warnings, a broken link …).

    Exit 1, not 2: MkDocs has already printed the reasons, file by file. A contract or
    policy the plugin could not load is bad input instead: its own error, exit 2.
    """

    exit_code = 1


def _accord_cause(exc: BaseException) -> AccordError | None:
    """The registry error behind MkDocs' abort, if that is what stopped the build."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, AccordError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _sources() -> Sources:
    config = find_config()
    if not config.registry.is_dir():
        raise UsageError(f"no registry folder at {display(config.registry)} "
                         "(set [tool.accord] registry, or run `accord init`)")
    expectations = config.expectations or config.base / "expectations"
    return Sources(registry=config.registry.resolve(), policy=config.policy.resolve(),
                   expectations=expectations.resolve())


def _mkdocs() -> None:
    if any(importlib.util.find_spec(name) is None for name in ("mkdocs", "material", "nh3")):
        raise UsageError("the documentation site needs MkDocs and mkdocs-material: "
                         "pip install 'accord[docs]'")


def build(out: str | None, strict: bool, config_file: str | None,
          since: str | None = None) -> int:
    _mkdocs()
    from mkdocs.exceptions import MkDocsException

    log_to_stderr()
    target = Path(out) if out else (None if config_file else Path("build/docs"))
    try:
        if config_file:
            if since:
                raise UsageError("--since is for the catalog-only site; in your own MkDocs "
                                 "project, set `since:` in the accord plugin's entry")
            build_site(Path(config_file), target, strict=strict)
        else:
            with temporary_config(replace(_sources(), since=since)) as config:
                build_site(config, target, strict=strict)
    except MkDocsException as exc:
        cause = _accord_cause(exc)
        if cause is not None:
            raise cause from None
        raise DocsBuildError(f"the site was not built: {exc}") from None
    if target is not None:
        click.echo(f"site: {display(target / 'index.html')}: open it in a browser, from the "
                   "folder (search works there too), or serve it with `accord docs serve`",
                   err=True)
    return 0


def serve(dev_addr: str, config_file: str | None) -> int:
    _mkdocs()
    from mkdocs.exceptions import MkDocsException

    log_to_stderr()
    try:
        if config_file:
            serve_site(Path(config_file), dev_addr)
        else:
            with temporary_config(_sources()) as config:
                serve_site(config, dev_addr)
    except MkDocsException as exc:
        cause = _accord_cause(exc)
        if cause is not None:
            raise cause from None
        raise DocsBuildError(f"the site could not be served: {exc}") from None
    return 0
