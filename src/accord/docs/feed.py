"""The catalog's "recent changes" as an Atom feed (RFC 4287): each version that changed
an event, newest first, dated by git, linking to the event's changelog."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping
from xml.etree import ElementTree as ET

from accord.docs.catalog import Catalog
from accord.docs.changes import VersionChanges

ATOM = "http://www.w3.org/2005/Atom"
LIMIT = 50


def atom(catalog: Catalog, changes: Mapping[str, Mapping[int, VersionChanges]],
         dates: Mapping[str, Mapping[int, str]], url_of: Callable[[str], str],
         since: str | None = None) -> str:
    """The feed's XML. Only dated versions (git knows them), and with ``since`` (an ISO
    date) only those after it; links are relative to the feed (``url_of`` gives a page's
    URL from the site's root)."""
    here = posixpath.dirname(catalog.feed())

    def href(path: str, anchor: str = "") -> str:
        url = url_of(path)
        rel = posixpath.relpath(url or ".", here or ".")
        return rel + ("/" if url.endswith("/") and not rel.endswith("/") else "") + anchor

    entries = []
    for contract in catalog.contracts:
        for number, when in dates.get(contract.event, {}).items():
            if since is not None and when <= since:
                continue
            found = changes.get(contract.event, {}).get(number)
            if found is None:
                what = "first version"
            else:
                verdict = "compatible" if found.compatible else "breaking"
                what = f"{verdict} under {found.level}, {len(found.changes)} change(s)"
            entries.append((when, contract.event, number, what))
    entries.sort(key=lambda e: (e[0], e[1], e[2]), reverse=True)
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = "Event catalog: recent changes"
    ET.SubElement(feed, f"{{{ATOM}}}id").text = "urn:accord:catalog:changes"
    newest = entries[0][0] if entries else "1970-01-01"
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = f"{newest}T00:00:00Z"
    ET.SubElement(feed, f"{{{ATOM}}}link", href=href(catalog.home()))
    for when, event, number, what in entries[:LIMIT]:
        contract = next(c for c in catalog.contracts if c.event == event)
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = f"{event} v{number}"
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"urn:accord:{event}:v{number}"
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = f"{when}T00:00:00Z"
        ET.SubElement(entry, f"{{{ATOM}}}link",
                      href=href(catalog.changes(contract), f"#version-{number}"))
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = what
        author = ET.SubElement(entry, f"{{{ATOM}}}author")
        ET.SubElement(author, f"{{{ATOM}}}name").text = contract.owner or "unknown"
    return ET.tostring(feed, encoding="unicode", xml_declaration=True) + "\n"
