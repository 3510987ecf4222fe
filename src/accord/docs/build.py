"""`accord docs build|serve` for a user with no MkDocs project: a temporary config.

The config puts the catalog at the site's root, with mkdocs-material, its search, and no
web fonts, so that the built site works offline. With ``config_file`` the user's own
MkDocs project is built instead (its `accord` plugin entry says where the registry is).
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from accord.errors import UsageError
from accord.registry.yamlio import dump_yaml

# mkdocs-material's suggested separator: also splits at dots and inside camelCase, so
# `OrderPlaced`, `Placed` and `email` find `orders.OrderPlaced` and `customer.email`.
SEARCH_SEPARATOR = r'[\s\-,:!=\[\]()"`/]+|\.(?!\d)|&[lg]t;|(?!\b)(?=[A-Z][a-z])'

NAV = [
    {"Overview": "index.md"},
    {"Event flow map": "flow.md"},
    {"All events": "events/index.md"},
    {"Domains": "domains/index.md"},
    {"Services": "services/index.md"},
    {"Channels": "channels/index.md"},
]


@dataclass(frozen=True, slots=True)
class Sources:
    """Where the catalog comes from (absolute paths)."""

    registry: Path
    policy: Path | None = None
    expectations: Path | None = None
    site_name: str = "Event catalog"
    since: str | None = None
    """A git ref: the Atom feed lists only versions committed after it."""


def config_document(sources: Sources, docs_dir: Path) -> dict[str, object]:
    plugin: dict[str, object] = {"registry": str(sources.registry), "prefix": ""}
    if sources.policy is not None and sources.policy.is_file():
        plugin["policy"] = str(sources.policy)
    if sources.expectations is not None:
        plugin["expectations"] = str(sources.expectations)
    if sources.since:
        plugin["since"] = sources.since
    return {
        "site_name": sources.site_name,
        "docs_dir": str(docs_dir),
        "theme": {
            "name": "material",
            "font": False,  # no Google Fonts: the site is viewed offline too
            "features": ["content.code.copy", "navigation.top", "search.suggest",
                         "search.highlight"],
        },
        # Opened from a folder (file://) as well as served: page links as files, and the
        # search index inlined by Material's offline plugin.
        "use_directory_urls": False,
        "plugins": [{"search": {"separator": SEARCH_SEPARATOR}}, "offline", {"accord": plugin}],
        "markdown_extensions": ["admonition", "attr_list", "tables",
                                {"toc": {"permalink": True}}],
        "validation": {"links": {"anchors": "warn"}},
        "nav": NAV,
    }


@contextmanager
def temporary_config(sources: Sources) -> Iterator[Path]:
    """A config file (and an empty docs folder) that live as long as the context."""
    with tempfile.TemporaryDirectory(prefix="accord-docs-") as folder:
        docs = Path(folder) / "docs"
        docs.mkdir()
        config = Path(folder) / "mkdocs.yml"
        config.write_text(dump_yaml(config_document(sources, docs)),
                          "utf-8")
        yield config


def quiet_material() -> None:
    # mkdocs-material prints a multi-line notice about its successor on every build.
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def log_to_stderr(verbose: bool = False) -> None:
    """Show MkDocs' messages the way its own CLI does (it is not the one running)."""
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "_accord", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        handler._accord = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)


def build_site(config_file: Path, out: Path | None, *, strict: bool) -> None:
    """Run `mkdocs build`; MkDocs exceptions propagate to the caller."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    quiet_material()
    overrides: dict[str, object] = {"strict": strict}
    if out is not None:
        overrides["site_dir"] = str(out.resolve())
    config = load_config(str(config_file), **overrides)  # type: ignore[arg-type]
    site = Path(config["site_dir"]).resolve()
    claim_site_dir(site, protected=[Path.cwd(), config_file.parent,
                                    Path(config["docs_dir"])])
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    (site / SITE_MARKER).write_text("Built by `accord docs build`; the next build replaces "
                                    "everything in this folder.\n", "utf-8")


SITE_MARKER = ".accord-site"
"""Written into every build: a folder with it is one `accord docs build` may replace."""


def claim_site_dir(site: Path, protected: list[Path]) -> None:
    """Refuse an output folder whose contents a build would wipe and that is not a build.

    MkDocs empties the site folder before writing it, so `--out .` or `--out docs` would
    delete the project or hand-written pages.
    """
    for folder in protected:
        folder = folder.resolve()
        if folder == site or folder.is_relative_to(site):
            raise UsageError(f"the site folder {site} holds {folder}: building there would "
                             "delete it; choose a folder of its own, such as build/site")
    if not site.exists():
        return
    if not site.is_dir():
        raise UsageError(f"the site folder {site} is a file")
    entries = {p.name for p in site.iterdir()}
    previous = SITE_MARKER in entries or {"index.html", "sitemap.xml.gz"} <= entries
    if entries and not previous:
        raise UsageError(f"the site folder {site} is not empty and is not a previous "
                         "build: a build would delete what is in it; choose an empty or "
                         "new folder (or remove it yourself)")


def serve_site(config_file: Path, dev_addr: str) -> None:
    from mkdocs.commands.serve import serve

    quiet_material()
    serve(config_file=str(config_file), dev_addr=dev_addr, livereload=True)
