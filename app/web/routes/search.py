"""Search: the results page, its help page and `/api/search`; one function serves both."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass
from typing import Annotated, NoReturn
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi import Query as Param
from fastapi.responses import (
    HTMLResponse,
    RedirectResponse,
    Response,
)

from app.parse.ids import symbol_to_id
from app.search.cache import LRU
from app.search.query import MAX_EXCLUDED, MAX_TERMS, Query, parse_query
from app.search.results import (
    After,
    AgendaCounts,
    DateSort,
    Filters,
    SearchRefused,
    SearchResult,
    Sort,
    UnknownPosition,
)
from app.search.services import search_service
from app.store import known, queries
from app.store.models import Statement
from app.store.services import archive_version
from app.web import paging
from app.web.charts import Chart, year_chart
from app.web.deps import RememberedDep, SessionDep
from app.web.pagecache import Remembered
from app.web.paging import LINK_HEADER, Cursor, CursorParam
from app.web.params import SearchYear
from app.web.routes.lookup import STALE_CURSOR, cursor_statement
from app.web.schemas import Problem, SearchHit, SearchResponse, StatementSummary
from app.web.templating import templates

router = APIRouter()

QueryText = Annotated[str, Param(max_length=5000, description="What to search for")]
Year = SearchYear
AgendaItem = Annotated[str | None, Param(max_length=500)]
SortParam = Annotated[Sort, Param(description="relevance, newest or oldest")]
DateSortParam = Annotated[DateSort, Param(description="newest or oldest")]
EXPORT_LIMIT = 100_000
"""Rows one download of a search's matches holds at most (app.web.routes.exports)."""


@dataclass
class FilterOptions:
    """The filters of a search, read from the query string (the same everywhere a search is)."""

    year_from: Year = None
    year_to: Year = None
    agenda: AgendaItem = None

    def filters(self) -> Filters:
        return Filters(
            year_from=self.year_from, year_to=self.year_to, agenda_item=self.agenda or None
        )


@dataclass
class SearchOptions(FilterOptions):
    """Filters and sort shared by the results page and the API."""

    sort: SortParam = "relevance"


@dataclass
class DateOptions(FilterOptions):
    """Filters and a date order: what lists every match (exports) reads."""

    sort: DateSortParam = "newest"


FiltersDep = Annotated[FilterOptions, Depends()]
OptionsDep = Annotated[SearchOptions, Depends()]
DateOptionsDep = Annotated[DateOptions, Depends()]


def run_search(
    session: SessionDep,
    q: str,
    filters: Filters,
    *,
    sort: Sort = "relevance",
    limit: int,
    offset: int = 0,
    after: After | None = None,
) -> tuple[Query, SearchResult]:
    """Parse and run a search (shared by the page, the API, feeds and exports); a 400 when
    `after` (from a cursor) names a paragraph no longer there. A search too broad or too
    expensive raises `SearchRefused`, which the app answers 400 with the reason (`app.web.app`;
    the results page shows it in the page)."""
    query = parse_query(q)
    try:
        result = search_service(session.connection()).search(
            session, query, filters=filters, sort=sort, limit=limit, offset=offset, after=after
        )
    except UnknownPosition:
        raise HTTPException(status_code=400, detail=STALE_CURSOR) from None
    return query, result


NOTHING_TO_FIND = "The query is empty: give words or a phrase to find."


def server_timing(cost: float) -> dict[str, str]:
    """A search's cost by its budget's own accounting (processor milliseconds), for the
    reader's tools and the benchmarks."""
    return {"Server-Timing": f'search;dur={cost * 1000:.1f};desc="processor time"'}


def nothing_to_search(query: Query) -> NoReturn:
    """A 400 saying why a query with nothing searchable in it cannot be answered."""
    raise HTTPException(status_code=400, detail=" ".join(query.notes) or NOTHING_TO_FIND)


def position(session: SessionDep, cursor: Cursor, sort: Sort) -> After:
    """Where a cursor from a search's `next` link starts the page."""
    if sort == "relevance":
        raise HTTPException(
            status_code=400,
            detail="A cursor pages a search sorted by date (sort=newest or sort=oldest); "
            "relevance pages by offset.",
        )
    statement = cursor_statement(session, cursor.id)
    if cursor.number is None:
        raise HTTPException(status_code=400, detail=paging.BAD_CURSOR)
    return After(statement.pk or 0, cursor.number)


_agenda_choices: LRU[object, list[tuple[str, int]]] = LRU(4)


def _agenda_items(session: SessionDep) -> list[tuple[str, int]]:
    """The agenda filter's choices, counted once per version of the archive."""
    key = archive_version(session.connection())
    return _agenda_choices.get_or_compute(key, lambda: queries.agenda_items(session))


def _sorted_url(request: Request, sort: str) -> str:
    """This search sorted another way, from its first page."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("page", "sort")]
    return f"{request.url.path}?{urlencode([*params, ('sort', sort)])}"


def _reachable(result: SearchResult) -> int:
    """How many hits the pages can show: relevance ranks only the newest matches."""
    if result.ranked_among is not None:
        return min(result.total_paragraphs, result.ranked_among)
    return result.total_paragraphs


@dataclass(frozen=True)
class SymbolNotice:
    """A symbol typed in the box that cannot simply be opened: a paragraph the statement does
    not have, or a statement neither held nor catalogued."""

    symbol: str
    statement: Statement | None = None
    paragraphs: int = 0
    paragraph: int | None = None


def _open_symbol(session: SessionDep, query: Query) -> Response | SymbolNotice | None:
    """Where a symbol typed in the box leads: its statement (at the paragraph asked for), or
    what the catalogue knows of it; else a notice saying what is missing."""
    if not query.symbol:
        return None
    statement = queries.statement_by_symbol(session, symbol=query.symbol)
    if statement is None:
        if known.catalogue_entry(session, symbol=query.symbol) is not None:
            return RedirectResponse(f"/statements/{symbol_to_id(query.symbol)}", status_code=303)
        return SymbolNotice(query.symbol)
    count = queries.paragraph_count(session, statement=statement)
    if query.paragraph and query.paragraph > count:
        return SymbolNotice(query.symbol, statement, count, query.paragraph)
    anchor = f"#p{query.paragraph}" if query.paragraph else ""
    return RedirectResponse(f"/statements/{statement.id}{anchor}", status_code=303)


def _history(
    session: SessionDep, kept: Remembered, result: SearchResult
) -> tuple[Chart | None, known.Coverage | None]:
    """The chart of the query's use per year, and how much of those years the archive holds."""
    chart = year_chart(result.years, result.estimated_years)
    if chart is None:
        return None, None
    years = kept("completeness", lambda: queries.completeness(session))
    return chart, known.coverage(years, first=chart.first_year, last=chart.last_year)


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    session: SessionDep,
    kept: RememberedDep,
    options: OptionsDep,
    q: QueryText = "",
    page: Annotated[int, Param(ge=1, le=10_000)] = 1,
) -> Response:
    query = parse_query(q)
    symbol = _open_symbol(session, query)
    if isinstance(symbol, Response):
        return symbol
    refused = None
    if symbol is not None and symbol.statement is not None:
        result = SearchResult(query)  # only the notice: S/PRST/2023/6 has no paragraph 99
    else:
        try:
            query, result = run_search(
                session, q, options.filters(), sort=options.sort, limit=20, offset=(page - 1) * 20
            )
        except SearchRefused as exc:  # the page says why, with the form to narrow it
            refused, result = exc, SearchResult(query, cost=exc.cost)
    chart, coverage = _history(session, kept, result)
    agendas = (
        search_service(session.connection()).agenda_counts(
            session, query, filters=options.filters()
        )
        if result.total_paragraphs
        else AgendaCounts()
    )
    return templates.TemplateResponse(
        request,
        "search.html",
        {
            "q": q,
            "query": query,
            "result": result,
            "symbol": symbol,
            "chart": chart,
            "coverage": coverage,
            "agenda_counts": agendas,
            "export_limit": EXPORT_LIMIT,
            "sort": options.sort,
            "year_from": options.year_from,
            "year_to": options.year_to,
            "agenda": options.agenda or "",
            "page": page,
            "pages": max(1, -(-min(_reachable(result), 10_000 * 20) // 20)),
            "agenda_items": _agenda_items(session),
            "newest_url": _sorted_url(request, "newest"),
            "oldest_url": _sorted_url(request, "oldest"),
            "refused": refused.reason if refused else None,
        },
        status_code=400 if refused else 200,
        headers=server_timing(result.cost),
    )


@router.get(
    "/search/history.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def search_history_csv(
    session: SessionDep, kept: RememberedDep, options: OptionsDep, q: QueryText = ""
) -> Response:
    """The search page's chart as CSV, one row per year it spans: statements using the query
    (`estimated` when counted from a sample), statements whose text the archive holds, and
    statements known to exist (held, or listed in the catalogue)."""
    _query, result = run_search(session, q, options.filters(), limit=1)
    chart, coverage = _history(session, kept, result)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["year", "statements", "estimated", "texts_held", "statements_known"])
    for bar in chart.bars if chart else []:
        year = coverage.of(bar.year) if coverage else None
        writer.writerow(
            [bar.year, bar.count, int(bar.estimated), year and year.held, year and year.known]
        )
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="search-history.csv"'},
    )


@router.get("/search/help", response_class=HTMLResponse)
def search_help(request: Request) -> Response:
    limits = search_service(request.app.state.engine).limits
    return templates.TemplateResponse(
        request,
        "search_help.html",
        {**asdict(limits), "max_terms": MAX_TERMS, "max_excluded": MAX_EXCLUDED},
    )


MAX_OFFSET = 1_000_000


@router.get(
    "/api/search",
    response_model=SearchResponse,
    responses={
        200: {"headers": LINK_HEADER},
        400: {
            "model": Problem,
            "description": "The search is too broad or too expensive to answer (the detail "
            "says why and how to narrow it), or a cursor this archive did not give (or whose "
            "paragraph is gone)",
        },
    },
)
def api_search(
    request: Request,
    response: Response,
    session: SessionDep,
    q: Annotated[str, Param(min_length=1, max_length=5000, description="What to search for")],
    options: OptionsDep,
    limit: Annotated[int, Param(ge=1, le=100)] = 20,
    offset: Annotated[int, Param(ge=0, le=MAX_OFFSET)] = 0,
    cursor: CursorParam = None,
) -> SearchResponse:
    """Paragraphs matching the query (query language: see /search/help).

    Pages: the `Link` header names the next (by a `cursor` when sorted by date, which reaches
    any depth) and previous pages. `agenda_items` counts the statements matching per agenda
    item, as `years` does per year.

    A query with nothing searchable in it (only punctuation, or only operators such as `OR`)
    finds nothing: 200 with no results and `notes` saying what was ignored. A query too broad
    or too expensive to answer (many words or prefixes, or more than a request may spend) is a
    400 with the reason. The `Server-Timing` header says what the search cost the server."""
    at = paging.decode(cursor) if cursor else None
    after = position(session, at, options.sort) if at else None
    query, result = run_search(
        session, q, options.filters(), sort=options.sort, limit=limit, offset=offset, after=after
    )
    response.headers.update(server_timing(result.cost))
    seen = (at.seen if at else 0) + offset
    hits = result.hits
    next_cursor = next_offset = None
    if options.sort != "relevance" and len(hits) == limit:
        last = hits[-1]
        next_cursor = paging.Cursor(last.statement.id, last.number, seen + len(hits))
    elif options.sort == "relevance" and seen + len(hits) < _reachable(result):
        next_offset = seen + len(hits) if seen + len(hits) <= MAX_OFFSET else None
    response.headers["Link"] = paging.link_header(
        request,
        next_cursor=next_cursor,
        next_offset=next_offset,
        prev_offset=paging.previous_offset(seen, limit, MAX_OFFSET),
    )
    agendas = search_service(session.connection()).agenda_counts(
        session, query, filters=options.filters()
    )
    counts = result.paragraph_counts
    return SearchResponse(
        query=query.display(),
        total_paragraphs=result.total_paragraphs,
        total_statements=result.total_statements,
        capped=result.capped,
        notes=query.notes or ([NOTHING_TO_FIND] if query.empty else []),
        results=[
            SearchHit(
                statement=StatementSummary.of(hit.statement, counts.get(hit.statement.pk or 0, 0)),
                paragraph=hit.number,
                url=f"/statements/{hit.statement.id}#p{hit.number}",
                snippet=str(hit.snippet),
                rank=hit.rank,
            )
            for hit in hits
        ],
        years={str(year): n for year, n in result.years.items()},
        estimated_years=[str(year) for year in sorted(result.estimated_years)],
        agenda_items=agendas.counts,
        estimated_agenda_items=sorted(agendas.estimated),
        ranked_among=result.ranked_among,
        ranked_since=result.ranked_since,
    )
