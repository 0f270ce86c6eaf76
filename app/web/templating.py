"""The one Jinja environment: autoescaping, filters for statement text, shared globals."""

from __future__ import annotations

import datetime as dt
import functools
import re
from urllib.parse import urlencode

from fastapi.templating import Jinja2Templates
from jinja2 import select_autoescape
from markupsafe import Markup, escape
from starlette.requests import Request

from app.core.config import TEMPLATES_DIR
from app.parse.citations import DOCUMENT, PRST, RESOLUTION, Citation, find_citations
from app.parse.ids import symbol_to_id
from app.parse.repair import Repair, repairs_between
from app.parse.text import EMPHASIS_RE
from app.store.agenda import agenda_slug
from app.store.models import Paragraph, Statement
from app.store.queries import ParagraphText
from app.web.atom import xml_text

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
# Templates change with a deploy, never under a running server: no stat() of every template
# file on every render.
templates.env.auto_reload = False
# Every template is escaped, the Atom feed included (Jinja's default escapes .html and .xml
# only, and a `<` in an agenda item made the feed invalid XML).
templates.env.autoescape = select_autoescape(["html", "htm", "xml", "atom"])


def render_text(text: str | None) -> Markup:
    """Statement text as safe HTML: everything escaped, then *emphasis* shown as <em>."""
    if not text:
        return Markup("")
    escaped = str(escape(text))
    return Markup(EMPHASIS_RE.sub(r"<em>\1</em>", escaped))


ITEM_LABEL_RE = re.compile(r"^\(([a-z]{1,2}|[ivx]{1,5})\)")


def paragraph_parts(text: str | Markup) -> tuple[Markup, list[tuple[str, Markup]]]:
    """A paragraph's lead text and its lettered items [(label, html)], each escaped (or kept
    as already-safe marked-up text) with emphasis rendered."""
    lines = text.split("\n")
    html = [
        link_citations(line) if isinstance(line, Markup) else text_with_citations(line)
        for line in lines
    ]
    items: list[tuple[str, Markup]] = []
    for raw, rendered in zip(lines[1:], html[1:], strict=True):
        m = ITEM_LABEL_RE.match(str(raw))
        items.append((m.group(1) if m else str(len(items) + 1), rendered))
    return html[0], items


@functools.lru_cache(maxsize=8192)  # strftime is slow, and a page names the same dates again
def long_date(value: dt.date | None) -> str:
    """7 December 2023, as UN documents write dates."""
    return f"{value.day} {value:%B %Y}" if value else ""


def first_words(text: str | None, words: int = 30) -> str:
    parts = re.sub(r"\*", "", text or "").split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def repairs_in(paragraph: Paragraph | ParagraphText) -> list[Repair]:
    """The words of a paragraph repaired from extraction damage (none when it was not)."""
    return repairs_between(paragraph.printed, paragraph.text)


def with_repairs(paragraph: Paragraph | ParagraphText) -> str | Markup:
    """A paragraph's text, as HTML with each repaired word marked (its printed form shown on
    hover and keyboard focus) when extraction damage was repaired; else its plain text."""
    repairs = repairs_in(paragraph)
    if not repairs:
        return paragraph.text
    text, parts, last = paragraph.text, [], 0
    for r in repairs:
        parts.append(escape(text[last : r.start]))
        parts.append(
            Markup(
                '<span class="repaired" tabindex="0" data-printed="{0}" '
                'title="Printed “{0}” (extraction damage, repaired)">{1}</span>'
            ).format(r.printed, text[r.start : r.end])
        )
        last = r.end
    parts.append(escape(text[last:]))
    return Markup(EMPHASIS_RE.sub(r"<em>\1</em>", "".join(map(str, parts))))


templates.env.filters["text"] = render_text
templates.env.filters["with_repairs"] = with_repairs
templates.env.filters["repairs"] = repairs_in
templates.env.filters["long_date"] = long_date
templates.env.filters["first_words"] = first_words
templates.env.filters["xml"] = xml_text  # characters XML 1.0 forbids removed; then escaped


def page_url(request: Request, page: int) -> str:
    """The current URL with only its page changed: filters, sort and query are kept."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
    if page > 1:
        params.append(("page", str(page)))
    return f"{request.url.path}?{urlencode(params)}" if params else request.url.path


def url_with(request: Request, **params: object) -> str:
    """The current URL, from its first page, with `params` set (filters changed)."""
    url = request.url.remove_query_params("page").include_query_params(**params)
    return f"{url.path}?{url.query}"


templates.env.filters["paragraph_parts"] = paragraph_parts
templates.env.globals["page_url"] = page_url
templates.env.globals["url_with"] = url_with
# --- Citations and agenda items (issue 6) ---
_TAG_RE = re.compile(r"(<[^>]*>)")
# Letters that re.IGNORECASE matches to an ASCII letter although str.lower() does not.
_IGNORECASE_ODDITIES = ("\u017f", "\u212a", "\u0131", "\u0130")


def may_cite(text: str) -> bool:
    """False only if `find_citations` cannot find anything in `text`.

    Every citation it knows needs a symbol's slash, the word "resolution" or the word
    "convention" (in any case). Most paragraphs have none of them, and skipping the finders'
    dozen case-insensitive patterns for those is most of the cost of showing a statement.
    """
    if "/" in text:
        return True
    lower = text.lower()
    return (
        "resolution" in lower
        or "convention" in lower
        or any(odd in text for odd in _IGNORECASE_ODDITIES)
    )


def _citation_href(citation: Citation) -> str:
    if citation.kind == RESOLUTION:
        return f"/resolutions/{citation.key}"
    if citation.kind == PRST:
        return f"/statements/{symbol_to_id(citation.key)}"
    if citation.kind == DOCUMENT:
        return f"https://undocs.org/{citation.key}"
    return f"/citations#{agenda_slug(citation.key)}"


def link_citations(html: Markup | str, here: str | None = None) -> Markup:
    """Safe HTML (such as `render_text` gives) with each cited document made a link, except a
    citation of the page `here` itself, which is only marked (a link would lead back to it).

    Only text between tags is searched, so a citation split by emphasis stays unlinked.
    """
    out = []
    for part in _TAG_RE.split(str(html)):
        if part.startswith("<") or not may_cite(part):
            out.append(part)
            continue
        last = 0
        for found in find_citations(part):
            if found.start < last:
                continue  # inside a longer citation already linked
            href = _citation_href(found.citation)
            out.append(part[last : found.start])
            cited = part[found.start : found.end]
            if href == here:
                out.append(f'<strong class="citation-here">{cited}</strong>')
            else:
                out.append(f'<a class="citation" href="{escape(href)}">{cited}</a>')
            last = found.end
        out.append(part[last:])
    return Markup("".join(out))


def text_with_citations(text: str | None, here: str | None = None) -> Markup:
    """`render_text`, then `link_citations`: a paragraph as HTML with its citations linked
    (but for those of the page `here`)."""
    return link_citations(render_text(text), here)


def small_change(text: str) -> bool:
    """A change of a few characters (a comma, "s"), which a reader could miss in a diff."""
    return len(text.strip()) <= 3


templates.env.tests["small_change"] = small_change
templates.env.filters["cited"] = text_with_citations
templates.env.filters["agenda_slug"] = agenda_slug
templates.env.filters["symbol_id"] = symbol_to_id


def citation(statement: Statement, number: int | None = None) -> str:
    """How to cite a statement or one of its paragraphs: S/PRST/2012/16, para. 9 (25 April 2012)."""
    name = statement.symbol or f"Statement of {long_date(statement.date)}"
    para = f", para. {number}" if number is not None else ""
    return f"{name}{para} ({long_date(statement.date)})"


templates.env.globals["citation"] = citation


def absolute_url(request: Request, path: str) -> str:
    """`path` on the archive's public address (settings), never on the Host a client sent."""
    return str(request.app.state.public_url) + path


templates.env.globals["absolute_url"] = absolute_url
