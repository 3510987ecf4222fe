"""Contract descriptions: Markdown rendered, raw HTML never passed through.

Two layers, because either alone has gaps. Python-Markdown runs with its raw-HTML
handlers removed, so `<script>` or `<img onerror=…>` written in a description shows as
text. The resulting HTML then goes through nh3 (the ammonia sanitizer) with a small
allow-list, which drops what Markdown itself can produce that is unsafe, such as a
`javascript:` link target. The sanitized HTML goes into the page as one raw block, which
MkDocs passes through unchanged.
"""

from __future__ import annotations

import threading

import markdown
import nh3

from accord.docs.escape import raw_block

_TAGS = {
    "p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "del",
}
_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
_SCHEMES = {"http", "https", "mailto"}

_local = threading.local()


def _renderer() -> markdown.Markdown:
    renderer: markdown.Markdown | None = getattr(_local, "renderer", None)
    if renderer is None:
        renderer = markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists"])
        # Without these, raw HTML in the source is escaped and shown, never interpreted.
        renderer.preprocessors.deregister("html_block")
        renderer.inlinePatterns.deregister("html")
        _local.renderer = renderer
    return renderer


MAX_BRACKETS = 200
"""Python-Markdown's link and image parser is quadratic in unmatched `[` (20,000 of them
took 53 s); past this many, brackets are rendered as text and no links are made."""


def render_markdown(source: str) -> str:
    """Sanitized HTML for a Markdown description."""
    renderer = _renderer()
    if source.count("[") > MAX_BRACKETS:
        source = source.replace("\\", "\\\\").replace("[", "\\[")
    rendered = renderer.reset().convert(source)
    return nh3.clean(
        rendered,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def markdown_block(source: str | None, css_class: str = "accord-description") -> str:
    """A raw HTML block for a generated page; empty when there is no description."""
    if not source or not source.strip():
        return ""
    return raw_block(f'<div class="{css_class}">\n{render_markdown(source)}\n</div>')
