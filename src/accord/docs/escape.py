"""Putting contract strings into generated Markdown so that they stay text.

Every string that comes from a contract (names, summaries, enum values, property names,
examples) is untrusted: it could hold `<script>`, an `onerror=` attribute, Markdown that
turns into a link, or a `|` that breaks a table. ``text`` encodes each character that
Markdown or HTML would read as syntax as a numeric character reference, which both
Python-Markdown and browsers show as the character itself and never parse.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

# Harmless punctuation stays readable; everything else ASCII-punctuation is encoded.
_SAFE_PUNCTUATION = frozenset(" ,;?/@%'\"")
_WHITESPACE = re.compile(r"\s+")
# Inside a line these only matter at its start (lists, numbered lists, definitions).
_SAFE_INSIDE = frozenset(".-:")
_SLUG_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def _encode(char: str, first: bool) -> str:
    if char.isalnum() or char in _SAFE_PUNCTUATION or ord(char) > 127:
        return char
    if char in _SAFE_INSIDE and not first:
        return char
    return f"&#{ord(char)};"


def text(value: object) -> str:
    """Inline Markdown that displays ``value`` literally, on one line."""
    flat = _WHITESPACE.sub(" ", str(value)).strip()
    return "".join(_encode(c, i == 0) for i, c in enumerate(flat))


_JINJA = re.compile(r"\{(?=[{%#])")
"""What starts a Jinja tag: sites that use `mkdocs-macros` run Jinja over every page, so a
contract string holding `{{ … }}` would be executed at build time."""


def code(value: object) -> str:
    """A code span showing ``value``; ``text`` when a backtick would end it early."""
    flat = _WHITESPACE.sub(" ", str(value)).strip()
    if not flat or "`" in flat or "|" in flat or _JINJA.search(flat):
        # A backtick would end the span; a pipe could split a table row; a Jinja tag
        # would run under mkdocs-macros (`text` encodes the brace).
        return text(flat)
    return f"`{flat}`"


def json_value(value: Any) -> str:
    """A JSON value (an enum member, a default, a const) as a code span."""
    return code(json.dumps(value, ensure_ascii=False, sort_keys=True))


def html(value: object) -> str:
    """``value`` for an HTML text node (never an attribute: quotes are left as they are).

    Only `&`, `<` and `>` matter in a text node; leaving quotes alone keeps JSON blocks
    free of entities, which MkDocs' HTML parsers are slow to step through.
    """
    escaped = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _JINJA.sub("&#123;", escaped)


def attr(value: object) -> str:
    """``value`` for a double-quoted HTML attribute."""
    return html(value).replace('"', "&quot;")


def slug(name: str) -> str:
    """A file-name-safe, case-preserving slug; a hash keeps lossy slugs distinct."""
    cleaned = _SLUG_UNSAFE.sub("-", name).strip("-.")
    if cleaned == name and cleaned:
        return cleaned
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    return f"{cleaned[:60]}-{digest}" if cleaned else digest


def mermaid_label(value: object) -> str:
    """A quoted Mermaid label: only letters, digits and a few marks are left bare.

    Mermaid reads `#NNN;` as a character code, so no quote, bracket or angle bracket in a
    name can end the label or reach Mermaid's HTML labels as markup.
    """
    flat = _WHITESPACE.sub(" ", str(value)).strip()
    body = "".join(c if c.isalnum() or c in " ._-/:" else f"#{ord(c)};" for c in flat)
    return f'"{body}"'


def front_matter(title: str, hide: tuple[str, ...] = ()) -> str:
    """YAML front matter naming the page: an HTML-escaped title, as a JSON string.

    MkDocs would otherwise take the title from the page's heading, unescaped, and themes
    print `page.title` without escaping (in nav links, footers, `<title>`): a contract
    name holding `<img onerror=…>` would become markup there.
    """
    safe = _WHITESPACE.sub(" ", title).strip()
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"),
                         ("'", "&#39;")):
        safe = safe.replace(char, entity)
    extra = f"hide: {json.dumps(list(hide))}\n" if hide else ""
    return f"---\ntitle: {json.dumps(safe)}\n{extra}---\n\n"


RAW_OPEN = "<!--accord-raw-->"
RAW_CLOSE = "<!--/accord-raw-->"


def raw_block(markup: str) -> str:
    """A block of HTML built (and escaped) here, between markers.

    Python-Markdown passes it through as raw HTML, but parsing large tables and code
    blocks costs it a lot of time; the MkDocs plugin lifts marked blocks out before
    Markdown runs and puts them back afterwards. Contract text cannot forge a marker:
    inside blocks `<` is always escaped, and in Markdown text it is a character reference.
    """
    return f"\n{RAW_OPEN}\n{markup}\n{RAW_CLOSE}\n"


RESERVED_PAGES = frozenset({"index", "readme", "404", "sitemap", "search", "assets"})
"""Page names the site (or MkDocs) uses itself: `services/index.md` is the service list."""


def page_slug(name: str) -> str:
    """``slug(name)``, kept off the names of the site's own pages (a service, channel or
    domain called `index` would replace the list it is on)."""
    cleaned = slug(name)
    if cleaned.lower() in RESERVED_PAGES:
        digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
        return f"{cleaned}-{digest}"
    return cleaned
