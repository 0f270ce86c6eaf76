"""Alerts as Atom feeds: any search, the statements citing a resolution, an agenda item.

A feed reader polling one of these is told of each new statement once: entries are statements,
newest first, identified by their permanent link on the archive's public address.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote_plus

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup

from app.search.results import After, Filters, Hit
from app.store import cited, queries
from app.store.models import Statement
from app.web import atom
from app.web.deps import ResolutionNumber, SessionDep
from app.web.routes.agenda import agenda_item_or_404
from app.web.routes.search import FiltersDep, QueryText, nothing_to_search, run_search
from app.web.templating import render_text

router = APIRouter(tags=["feeds"])

ENTRIES = 30
"""Statements in a feed: the newest."""
PAGE = 100
"""Matches read per page while gathering a search feed's statements..."""
PAGES = 10
"""...and at most this many pages (a statement rarely has more than 30 matching paragraphs)."""

FEED: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "An Atom feed (RFC 4287), newest statement first",
        "content": {atom.MEDIA_TYPE: {"schema": {"type": "string"}}},
    }
}


def _base(request: Request) -> str:
    """The archive's public address (settings), never the Host a client sent."""
    return str(request.app.state.public_url)


def _answer(
    request: Request, *, title: str, subtitle: str, page: str, entries: list[atom.Entry]
) -> Response:
    """The feed: identified by its own address on the public one, `page` its HTML twin."""
    base = _base(request)
    query = f"?{request.url.query}" if request.url.query else ""
    self_url = f"{base}{request.url.path}{query}"
    body = atom.feed(
        id=self_url,
        title=f"PRST Archive: {title}",
        subtitle=f"Newest statements by the President of the Security Council {subtitle}.",
        self_url=self_url,
        page_url=base + page,
        entries=entries,
    )
    return Response(body, media_type=atom.MEDIA_TYPE)


def _entry(
    base: str, statement: Statement, *, anchor: str = "", summary: str, html: str | None = None
) -> atom.Entry:
    """A statement as an entry, identified by its permanent link."""
    name = statement.symbol or statement.id
    return atom.Entry(
        id=f"{base}/statements/{statement.id}",
        title=f"{name}: {statement.agenda_item}" if statement.agenda_item else name,
        link=f"{base}/statements/{statement.id}{anchor}",
        day=statement.date,
        summary=summary,
        html=html,
        categories=[statement.agenda_item] if statement.agenda_item else [],
    )


def _paragraphs_html(base: str, statement: Statement, parts: Sequence[tuple[int, Markup]]) -> str:
    """Each paragraph as a linked number and its (escaped) text."""
    return "".join(
        Markup('<p><a href="{}">Paragraph {}</a>: {}</p>').format(
            f"{base}/statements/{statement.id}#p{number}", number, html
        )
        for number, html in parts
    )


def newest_statements(
    session: SessionDep, q: str, filters: Filters, *, count: int = ENTRIES
) -> list[tuple[Statement, list[Hit]]]:
    """The `count` newest statements matching `q`, each with all its matching paragraphs."""
    gathered: dict[int, tuple[Statement, list[Hit]]] = {}
    after = None
    for _ in range(PAGES):
        _query, result = run_search(session, q, filters, sort="newest", limit=PAGE, after=after)
        for hit in result.hits:
            gathered.setdefault(hit.statement.pk or 0, (hit.statement, []))[1].append(hit)
        if len(result.hits) < PAGE or len(gathered) > count:
            break
        last = result.hits[-1]
        after = After(last.statement.pk or 0, last.number)
    # Past `count`, the last statement may be only partly read: leave it out.
    return [(s, sorted(h, key=lambda x: x.number)) for s, h in list(gathered.values())[:count]]


@router.get(
    "/search.atom",
    response_class=Response,
    responses={**FEED, 400: {"description": "Nothing in the query can be searched"}},
)
def search_feed(
    request: Request, session: SessionDep, options: FiltersDep, q: QueryText = ""
) -> Response:
    """The newest statements matching a search (the same query and filters as /search):
    subscribe to it in a feed reader to hear of each new statement using the words."""
    query, _ = run_search(session, q, options.filters(), sort="newest", limit=1)
    if query.empty:
        nothing_to_search(query)
    base = _base(request)
    entries = [
        _entry(
            base,
            statement,
            anchor=f"?q={quote_plus(q)}#p{hits[0].number}",
            summary=f"{len(hits)} paragraph{'s' if len(hits) != 1 else ''} using it: "
            + ", ".join(str(h.number) for h in hits),
            html=_paragraphs_html(base, statement, [(h.number, h.snippet) for h in hits]),
        )
        for statement, hits in newest_statements(session, q, options.filters())
    ]
    page = request.url.remove_query_params(["page", "sort"]).include_query_params(sort="newest")
    return _answer(
        request,
        title=f"statements using {query.display()}",
        subtitle=_filters_said(options.filters()),
        page=f"/search?{page.query}",
        entries=entries,
    )


def _filters_said(filters: Filters) -> str:
    said = ["matching the search"]
    if filters.year_from or filters.year_to:
        said.append(f"from {filters.year_from or 'the first year'} to {filters.year_to or 'now'}")
    if filters.agenda_item:
        said.append(f"under the agenda item “{filters.agenda_item}”")
    return ", ".join(said)


@router.get("/resolutions/{number}.atom", response_class=Response, responses=FEED)
def resolution_feed(number: ResolutionNumber, request: Request, session: SessionDep) -> Response:
    """The newest statements citing a Security Council resolution, with the citing paragraphs."""
    result = cited.resolution_citations(session, number=number)
    base = _base(request)
    by_statement: dict[int, tuple[Statement, list[tuple[int, Markup]]]] = {}
    for c in reversed(result.citing):  # newest statement first
        entry = by_statement.setdefault(c.statement.pk or 0, (c.statement, []))
        entry[1].insert(0, (c.paragraph.number, render_text(c.paragraph.text)))
    entries = [
        _entry(
            base,
            statement,
            anchor=f"#p{parts[0][0]}",
            summary=f"Cites {result.label} in paragraph{'s' if len(parts) != 1 else ''} "
            + ", ".join(str(n) for n, _ in parts),
            html=_paragraphs_html(base, statement, parts),
        )
        for statement, parts in list(by_statement.values())[:ENTRIES]
    ]
    return _answer(
        request,
        title=f"statements citing {result.label}",
        subtitle=f"citing {result.label}",
        page=f"/resolutions/{number}",
        entries=entries,
    )


@router.get("/agenda/{slug}.atom", response_class=Response, responses=FEED)
def agenda_feed(slug: str, request: Request, session: SessionDep) -> Response:
    """The newest statements made under an agenda item (its variants gathered, as on its page)."""
    item = agenda_item_or_404(session, slug)
    newest = list(reversed(item.statements))[:ENTRIES]
    base = _base(request)
    entries = [
        _entry(base, row.statement, summary=row.first_words)
        for row in queries.summarize(session, newest)
    ]
    return _answer(
        request,
        title=item.title,
        subtitle=f"under “{item.title}”",
        page=f"/agenda/{item.slug}",
        entries=entries,
    )
