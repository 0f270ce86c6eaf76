"""HTML pages for reading: home, browse, a statement, a paragraph, a meeting."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlmodel import Session

from app.language import precedents
from app.search.query import parse_query
from app.search.results import SearchRefused
from app.search.services import search_service
from app.store import known, queries
from app.web.deps import ParagraphNumber, RememberedDep, SessionDep
from app.web.pagecache import Remembered
from app.web.params import StatementYear
from app.web.routes.cite import reference_for
from app.web.routes.lookup import heading_topic, paragraph_or_redirect, statement_or_redirect
from app.web.templating import citation, templates

router = APIRouter()

PAGE_SIZE = 25
Year = StatementYear
Agenda = Annotated[str | None, Query(max_length=500, description="Only this agenda item")]
Order = Annotated[queries.DateOrder, Query(description="newest or oldest first")]
PageNumber = Annotated[int, Query(ge=1, le=100_000)]


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, kept: RememberedDep) -> Response:
    stats = kept("stats", lambda: queries.archive_stats(session))
    years = kept("completeness", lambda: queries.completeness(session))
    return templates.TemplateResponse(
        request,
        "home.html",
        {
            "stats": stats,
            "coverage": known.coverage(years, first=stats.first_year, last=stats.last_year)
            if stats.first_year
            else None,
            "latest": queries.summarize(session, queries.latest_statements(session, limit=8)),
            "years": kept("years", lambda: queries.year_counts(session)),
            "agenda_items": kept("agenda items", lambda: queries.agenda_items(session))[:15],
        },
    )


def statement_total(
    kept: Remembered, session: Session, *, year: int | None, agenda: str | None
) -> int:
    """How many statements pass the browse filters, counted once per database version."""
    return kept(
        ("statements", year, agenda or None),
        lambda: queries.count_statements(session, year=year, agenda_item=agenda or None),
    )


@router.get("/statements", response_class=HTMLResponse)
def browse(
    request: Request,
    session: SessionDep,
    kept: RememberedDep,
    year: Year = None,
    agenda: Agenda = None,
    sort: Order = "newest",
    page: PageNumber = 1,
) -> Response:
    total = statement_total(kept, session, year=year, agenda=agenda)
    result = queries.list_statements(
        session,
        year=year,
        agenda_item=agenda or None,
        order=sort,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
        total=total,
    )
    pages = max(1, -(-result.total // PAGE_SIZE))
    if page > pages:
        raise HTTPException(
            status_code=404, detail=f"There is no page {page}; the last is {pages}."
        )
    return templates.TemplateResponse(
        request,
        "browse.html",
        {
            "result": result,
            "year": year,
            "agenda": agenda or "",
            "sort": sort,
            "page": page,
            "pages": pages,
            "years": kept("years", lambda: queries.year_counts(session)),
            "agenda_items": kept("agenda items", lambda: queries.agenda_items(session)),
            "completeness": next(
                (
                    c
                    for c in kept("completeness", lambda: queries.completeness(session))
                    if c.year == year
                ),
                None,
            )
            if year
            else None,
            "missing": queries.missing_texts(session, year=year) if year else [],
        },
    )


@router.get("/statements/{statement_id}", response_class=HTMLResponse)
def statement_page(
    statement_id: str,
    request: Request,
    session: SessionDep,
    q: Annotated[str, Query(max_length=5000, description="Search to mark in the text")] = "",
) -> Response:
    try:
        found = statement_or_redirect(request, session, statement_id)
    except HTTPException:
        entry = known.catalogue_entry_for_id(session, statement_id=statement_id)
        if entry is None:
            raise
        return templates.TemplateResponse(request, "catalogued.html", {"entry": entry})
    if isinstance(found, RedirectResponse):
        return found
    statement = found
    assert statement.pk is not None
    query = parse_query(q)
    marked: dict[int, Markup] = {}
    unmarked = None
    if q:
        try:
            marked = search_service(session.connection()).marked_paragraphs(
                session, query, statement_pk=statement.pk
            )
        except SearchRefused as refused:  # the statement is shown all the same, unmarked
            unmarked = refused.reason
    previous, following = queries.neighbours(session, statement=statement)
    catalogue_topic = queries.catalogue_topic(session, symbol=statement.symbol)
    heading = heading_topic(statement, catalogue_topic)
    return templates.TemplateResponse(
        request,
        "statement.html",
        {
            "statement": statement,
            "paragraphs": queries.paragraphs_of(session, statement=statement),
            "marked": marked,
            "unmarked": unmarked,
            "q": q,
            "query": query,
            "previous": previous,
            "following": following,
            "corrigenda": queries.corrigenda_of(session, statement=statement),
            "topic": None if statement.agenda_item else catalogue_topic,
            "heading": heading,
            "reference": reference_for(request, statement, heading),
            "reuse_notes": precedents.reuse_notes(session, statement=statement),
        },
    )


@router.get("/statements/{statement_id}/paragraphs/{number}", response_class=HTMLResponse)
def paragraph_page(
    statement_id: str,
    number: ParagraphNumber,
    request: Request,
    session: SessionDep,
) -> Response:
    located = paragraph_or_redirect(request, session, statement_id, number)
    if isinstance(located, RedirectResponse):
        return located
    found, paragraph, count = located
    catalogue_topic = queries.catalogue_topic(session, symbol=found.symbol)
    heading = heading_topic(found, catalogue_topic)
    return templates.TemplateResponse(
        request,
        "paragraph.html",
        {
            "statement": found,
            "paragraph": paragraph,
            "citation": citation(found, number),
            "count": count,
            "topic": None if found.agenda_item else catalogue_topic,
            "heading": heading,
            "reference": reference_for(request, found, heading, paragraph),
            "related": precedents.related_paragraphs(session, paragraph=paragraph),
        },
    )


@router.get("/statements/{statement_id}/source.txt", response_class=PlainTextResponse)
def source_text(statement_id: str, request: Request, session: SessionDep) -> Response:
    """The statement's source file exactly as it was ingested."""
    found = statement_or_redirect(request, session, statement_id)
    if isinstance(found, RedirectResponse):
        return found
    return PlainTextResponse(found.source_bytes)


@router.get("/meetings/{number}", response_class=HTMLResponse)
def meeting(
    number: Annotated[int, Path(ge=1, le=1_000_000)], request: Request, session: SessionDep
) -> Response:
    statements = queries.statements_at_meeting(session, meeting=number)
    if not statements:
        raise HTTPException(
            status_code=404, detail=f"No statement in the archive was made at meeting {number}."
        )
    if len(statements) == 1:
        return RedirectResponse(f"/statements/{statements[0].id}", status_code=302)
    return templates.TemplateResponse(
        request,
        "meeting.html",
        {"number": number, "rows": queries.summarize(session, statements)},
    )
