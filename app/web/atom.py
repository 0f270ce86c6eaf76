"""Atom feeds (RFC 4287) built as XML trees, so that whatever a statement or a query says is
text in the document, never markup: ElementTree escapes it, and the characters XML 1.0
cannot hold at all (a PDF's form feed, other control characters) are dropped first.

Entries are identified by the permanent link of what they describe on the archive's public
address (`ARCHIVE_BASE_URL`), never by the Host a client sent, so an entry keeps its id from
one fetch of a feed to the next.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field

NS = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml"
AUTHOR = "President of the Security Council"
EPOCH = "1970-01-01T00:00:00Z"
"""The `updated` of a feed with no entry (Atom requires one; a fixed one keeps the feed's
ETag stable)."""

_NOT_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: object) -> str:
    """Text XML 1.0 can hold: the control characters it forbids (escaped or not) removed."""
    return _NOT_XML_RE.sub("", "" if text is None else str(text))


def timestamp(day: dt.date) -> str:
    """An RFC 3339 date-time for a date (statements carry no time of day)."""
    return f"{day.isoformat()}T00:00:00Z"


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    link: str
    day: dt.date
    """The statement's date: both `published` and `updated` (a re-ingest is not news)."""
    summary: str = ""
    html: str | None = None
    """The entry's content as HTML (already escaped where it holds text), if any."""
    categories: Sequence[str] = field(default_factory=tuple)


def _add(parent: ET.Element, tag: str, text: object = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def feed(
    *,
    id: str,
    title: str,
    subtitle: str,
    self_url: str,
    page_url: str,
    entries: Sequence[Entry],
) -> bytes:
    """A complete Atom document, newest entry first as given."""
    # Names without a namespace under a root declaring Atom's as the default: <feed xmlns=...>
    root = ET.Element("feed", xmlns=NS)
    _add(root, "title", title)
    _add(root, "subtitle", subtitle)
    _add(root, "id", id)
    _add(root, "link", rel="self", type=MEDIA_TYPE, href=self_url)
    _add(root, "link", rel="alternate", type="text/html", href=page_url)
    _add(root, "updated", max((timestamp(e.day) for e in entries), default=EPOCH))
    _add(_add(root, "author"), "name", AUTHOR)
    _add(root, "generator", "PRST Archive")
    for entry in entries:
        element = _add(root, "entry")
        _add(element, "title", entry.title)
        _add(element, "id", entry.id)
        _add(element, "link", rel="alternate", type="text/html", href=entry.link)
        _add(element, "published", timestamp(entry.day))
        _add(element, "updated", timestamp(entry.day))
        for term in entry.categories:
            _add(element, "category", term=term)
        if entry.summary:
            _add(element, "summary", entry.summary)
        if entry.html is not None:
            _add(element, "content", entry.html, type="html")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
