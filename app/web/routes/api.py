"""The JSON API for statements; the same data functions as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from app.parse.repair import repairs_between
from app.store import queries
from app.web import paging
from app.web.deps import RememberedDep, SessionDep
from app.web.routes.lookup import cursor_statement, statement_or_redirect
from app.web.routes.pages import Agenda, Order, Year, statement_total
from app.web.schemas import StatementSummary

router = APIRouter(prefix="/api", tags=["statements"])


class StatementList(BaseModel):
    total: int = Field(description="How many statements match the filters in all")
    items: list[StatementSummary]


class RepairOut(BaseModel):
    printed: str = Field(description="The word as extracted from the PDF, e.g. 'ord er'")
    repaired: str = Field(description="The word as shown and searched, e.g. 'order'")


class ParagraphOut(BaseModel):
    number: int
    text: str = Field(description="As archived; *asterisks* mark emphasis")
    url: str = Field(description="/statements/{id}#p{n}")
    repairs: list[RepairOut] = Field(
        default_factory=list,
        description="Words of `text` repaired from PDF-extraction damage (split apart, or a "
        "line-end hyphen lost), in order; the source file keeps them as extracted",
    )


class CorrigendumOut(BaseModel):
    symbol: str = Field(description="e.g. S/PRST/2000/27/Corr.1")
    date: dt.date | None
    text: str = Field(description="What the corrigendum says (it may withdraw the statement)")


class StatementDetail(StatementSummary):
    meeting_date: dt.date | None
    distribution_date: dt.date | None
    original_language: str | None
    intro: str | None
    footnotes: str | None
    corrigenda: list[CorrigendumOut]
    source_url: str
    paragraphs: list[ParagraphOut]


MAX_OFFSET = 10_000_000


@router.get(
    "/statements",
    response_model=StatementList,
    responses={
        200: {"headers": paging.LINK_HEADER},
        400: {"description": "A cursor this archive did not give, or whose statement is gone"},
    },
)
def api_statements(
    request: Request,
    response: Response,
    session: SessionDep,
    kept: RememberedDep,
    year: Year = None,
    agenda: Agenda = None,
    sort: Order = "newest",
    limit: Annotated[int, Query(ge=1, le=500)] = 25,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    cursor: paging.CursorParam = None,
) -> StatementList:
    """Statements, newest first by default, with the browse page's filters.

    Pages: the `Link` header names the next page (by a `cursor`, which reaches any depth as
    fast as the first page) and the previous one."""
    at = paging.decode(cursor) if cursor else None
    total = statement_total(kept, session, year=year, agenda=agenda)
    page = queries.list_statements(
        session,
        year=year,
        agenda_item=agenda or None,
        order=sort,
        limit=limit,
        offset=offset,
        total=total,
        after=cursor_statement(session, at.id) if at else None,
    )
    seen = (at.seen if at else 0) + offset
    last = page.rows[-1].statement if len(page.rows) == limit else None
    response.headers["Link"] = paging.link_header(
        request,
        next_cursor=paging.Cursor(last.id, None, seen + limit) if last else None,
        prev_offset=paging.previous_offset(seen, limit, MAX_OFFSET),
    )
    return StatementList(
        total=page.total,
        items=[StatementSummary.of(row.statement, row.paragraph_count) for row in page.rows],
    )


@router.get(
    "/statements/{statement_id}",
    response_model=StatementDetail,
    responses={301: {"description": "An old id: redirects to the current one"}, 404: {}},
)
def api_statement(
    statement_id: str, request: Request, session: SessionDep
) -> StatementDetail | Response:
    """One statement with its numbered paragraphs."""
    found = statement_or_redirect(request, session, statement_id)
    if isinstance(found, RedirectResponse):
        return found
    paragraphs = queries.paragraphs_of(session, statement=found)
    summary = StatementSummary.of(found, len(paragraphs))
    return StatementDetail(
        **summary.model_dump(),
        meeting_date=found.meeting_date,
        distribution_date=found.distribution_date,
        original_language=found.original_language,
        intro=found.intro,
        footnotes=found.footnotes,
        corrigenda=[
            CorrigendumOut(symbol=c.symbol, date=c.date, text=c.text)
            for c in queries.corrigenda_of(session, statement=found)
        ],
        source_url=f"/statements/{found.id}/source.txt",
        paragraphs=[
            ParagraphOut(
                number=p.number,
                text=p.text,
                url=f"/statements/{found.id}#p{p.number}",
                repairs=[
                    RepairOut(printed=r.printed, repaired=r.repaired)
                    for r in repairs_between(p.printed, p.text)
                ],
            )
            for p in paragraphs
        ],
    )
