"""The MkDocs plugin: `plugins: [accord: {registry: ../contracts}]` in any MkDocs project.

At build time it loads the registry, generates the catalog pages in memory (nothing is
written into the docs folder) and serves Mermaid from the site itself, so that the site
needs no network when it is viewed.
"""

from __future__ import annotations

import logging
import posixpath
import re
import secrets
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from accord.docs.escape import RAW_CLOSE, RAW_OPEN
from accord.docs.generate import generate_pages
from accord.docs.history import ref_date, version_dates
from accord.docs.reliance import read_reliance
from accord.errors import AccordError
from accord.registry import Policy, load_policy, load_registry

log = logging.getLogger("mkdocs.plugins.accord")
# Mermaid 11 from npm (see assets/mermaid.VERSION), shipped as package data.
ASSETS = Path(__file__).resolve().parent / "assets"
MERMAID = "assets/accord/mermaid.min.js"
STYLESHEET = "assets/accord/accord.css"
# iframe-worker from npm (see assets/iframe-worker.VERSION): Material's offline plugin
# needs it for search from file:// and would otherwise add it from a CDN.
IFRAME_WORKER = "assets/accord/iframe-worker-shim.js"
# Pages that the nav of a site normally lists; event, domain … pages are reached by links.
_RAW = re.compile(re.escape(RAW_OPEN) + r"\n(.*?)\n" + re.escape(RAW_CLOSE), re.S)
_HREF = re.compile(r'href="([^"#:]+\.md)(#[^"]*)?"')
_NAV_PAGES = ("index.md", "flow.md", "events/index.md", "domains/index.md",
              "services/index.md", "channels/index.md")


# MkDocs' Config.__init_subclass__ has no annotations; nothing to check at these two lines.
class AccordConfig(Config):  # type: ignore[no-untyped-call]
    registry = opt.Type(str, default="contracts")
    """The registry folder, relative to mkdocs.yml."""
    policy = opt.Optional(opt.Type(str))
    """governance/policy.yaml, relative to mkdocs.yml; none means the default policy."""
    expectations = opt.Optional(opt.Type(str))
    """The consumers' expectation files folder, relative to mkdocs.yml."""
    prefix = opt.Type(str, default="catalog")
    """Where the catalog goes in the site; "" puts it at the root."""
    change_kinds = opt.Type(str, default="change-kinds.md")
    """The change-kind reference page, linked from change tables when the site has it."""
    since = opt.Optional(opt.Type(str))
    """A git ref: the Atom feed lists only versions committed after it."""


class AccordPlugin(BasePlugin[AccordConfig]):  # type: ignore[no-untyped-call]
    """Adds the event catalog to an MkDocs build."""

    def __init__(self) -> None:
        self._base = Path(".")
        self._generated: set[str] = set()
        self._stash: dict[str, list[str]] = {}
        # Placeholders carry a per-build nonce, so no page text can spell one.
        self._nonce = secrets.token_hex(8)

    def _path(self, value: str) -> Path:
        return (self._base / value).resolve()

    @event_priority(100)  # before Material's offline plugin, which adds a CDN copy
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self._base = Path(config.config_file_path or ".").parent
        if STYLESHEET not in config.extra_css:
            config.extra_css.append(STYLESHEET)
        if "material/offline" in config.plugins or "offline" in config.plugins:
            polyfills = config.extra.setdefault("polyfills", [])
            if not any("iframe-worker" in str(url) for url in polyfills):
                polyfills.append(IFRAME_WORKER)
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        registry_dir = self._path(self.config.registry)
        try:
            registry = load_registry(str(registry_dir))
            policy = load_policy(self._path(self.config.policy)) if self.config.policy \
                else Policy()
        except AccordError as exc:
            # Chained, so that `accord docs build` can exit 2 with the file and line.
            raise PluginError(f"accord: {exc}") from exc
        folder = self.config.expectations
        reliance = read_reliance(self._path(folder) if folder else None)
        for problem in reliance.problems:
            log.warning(problem)
        self._generated = set()  # `mkdocs serve` may reuse the plugin for a rebuild
        kinds = self.config.change_kinds
        dates = version_dates(registry_dir)  # from git; none outside a work tree
        since = ref_date(registry_dir, self.config.since) if self.config.since else None
        if self.config.since and since is None:
            unknown = AccordError(f"since: {self.config.since!r} is not a git ref here")
            raise PluginError(f"accord: {unknown}") from unknown
        directory_urls = config.use_directory_urls

        def url_of(path: str) -> str:
            base = path.removesuffix(".md")
            if base.endswith("index"):
                base = base.removesuffix("index")
                return base if directory_urls else base + "index.html"
            return base + "/" if directory_urls else base + ".html"

        pages = generate_pages(registry, policy, reliance=reliance, prefix=self.config.prefix,
                               kinds_page=kinds if files.get_file_from_path(kinds) else None,
                               dates=dates, url_of=url_of, since=since)
        prefix = self.config.prefix.strip("/")
        nav = {posixpath.join(prefix, p) if prefix else p for p in _NAV_PAGES}
        for path, content in pages.items():
            if files.get_file_from_path(path) is not None:
                raise PluginError(f"accord: {path} is generated from the registry; "
                                  "remove the hand-written file or change the plugin's prefix")
            level = InclusionLevel.UNDEFINED if path in nav else InclusionLevel.NOT_IN_NAV
            self._generated.add(path)
            files.append(File.generated(config, path, content=content, inclusion=level))
        for target, name in ((MERMAID, "mermaid.min.js"), (STYLESHEET, "accord.css"),
                             (IFRAME_WORKER, "iframe-worker-shim.js")):
            files.append(File.generated(config, target, abs_src_path=str(ASSETS / name)))
        return files

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str | None:
        # Lift the HTML blocks built by the generator out of Markdown's way (see
        # escape.raw_block): a third of the build time went to re-parsing them.
        if page.file.src_uri not in self._generated:
            return markdown
        stash: list[str] = []

        def hold(match: re.Match[str]) -> str:
            stash.append(match.group(1))
            return f"\n\naccordraw{self._nonce}n{len(stash) - 1}\n\n"

        self._stash[page.file.src_uri] = stash
        return _RAW.sub(hold, markdown)

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str | None:
        stash = self._stash.pop(page.file.src_uri, None)
        if not stash:
            return html
        html = re.sub(f"<p>accordraw{self._nonce}n([0-9]+)</p>",
                      lambda m: self._links(stash[int(m.group(1))], page, files), html)
        if f"accordraw{self._nonce}" in html:  # another plugin moved a placeholder
            log.warning("accord: %s: a generated block could not be put back",
                        page.file.src_uri)
        return html

    def _links(self, block: str, page: Page, files: Files) -> str:
        """Resolve `.md` links in a generated block, as MkDocs does for Markdown links.

        Only the generator's own hrefs are ever in a block (contract text in it is
        escaped), so a plain pattern is enough; a missing target is a warning, which
        fails a strict build like a broken Markdown link.
        """
        def resolve(match: re.Match[str]) -> str:
            target = posixpath.normpath(
                posixpath.join(posixpath.dirname(page.file.src_uri), match.group(1)))
            found = files.get_file_from_path(target)
            if found is None:
                log.warning("accord: %s links to %s, which is not in the site",
                            page.file.src_uri, target)
                return match.group(0)
            return f'href="{get_relative_url(found.url, page.url)}{match.group(2) or ""}"'

        return _HREF.sub(resolve, block)

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        # Only pages with a graph pay for Mermaid (3.5 MB). mkdocs-material loads Mermaid
        # from a CDN unless `mermaid` is already defined when the page is ready, and a
        # deferred script runs before that moment: this keeps the site offline.
        if '<pre class="mermaid"' not in output:
            return output
        url = get_relative_url(MERMAID, page.url)
        tag = f'<script src="{url}" defer></script>'
        return output.replace("</head>", f"{tag}\n</head>", 1)

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        # `mkdocs serve` rebuilds when a contract changes, not only when a page does.
        server.watch(str(self._path(self.config.registry)))
        if self.config.expectations:
            server.watch(str(self._path(self.config.expectations)))
        return server
