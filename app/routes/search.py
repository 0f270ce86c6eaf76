"""Search: the results page, its help page and `/api/search`; one function serves both."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi import Query as Param
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from app import crud
from app.deps import SessionDep
from app.query import Query, parse_query
from app.schemas import SearchHit, SearchResponse, StatementSummary
from app.search import Filters, SearchResult, Sort, search
from app.templating import templates

router = APIRouter()

QueryText = Annotated[str, Param(max_length=5000, description="What to search for")]
Year = Annotated[int | None, Param(ge=1946, le=2100)]
AgendaItem = Annotated[str | None, Param(max_length=500)]
SortParam = Annotated[Sort, Param(description="relevance, newest or oldest")]


def run_search(
    session: SessionDep,
    q: QueryText = "",
    year_from: Year = None,
    year_to: Year = None,
    agenda: AgendaItem = None,
    sort: SortParam = "relevance",
    page: Annotated[int, Param(ge=1, le=10_000)] = 1,
    limit: Annotated[int, Param(ge=1, le=100)] = 20,
    offset: Annotated[int | None, Param(ge=0, le=1_000_000)] = None,
) -> tuple[Query, SearchResult, int]:
    """Parse and run a search from request parameters (shared by the page and the API)."""
    query = parse_query(q)
    start = offset if offset is not None else (page - 1) * limit
    filters = Filters(year_from=year_from, year_to=year_to, agenda_item=agenda or None)
    result = search(session, query, filters=filters, sort=sort, limit=limit, offset=start)
    return query, result, start


def _symbol_redirect(session: SessionDep, query: Query) -> Response | None:
    if not query.symbol:
        return None
    statement = crud.statement_by_symbol(session, symbol=query.symbol)
    if statement is None:
        return None
    anchor = f"#p{query.paragraph}" if query.paragraph else ""
    return RedirectResponse(f"/statements/{statement.id}{anchor}", status_code=303)


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    session: SessionDep,
    q: QueryText = "",
    year_from: Year = None,
    year_to: Year = None,
    agenda: AgendaItem = None,
    sort: SortParam = "relevance",
    page: Annotated[int, Param(ge=1, le=10_000)] = 1,
) -> Response:
    query, result, start = run_search(
        session, q, year_from, year_to, agenda, sort, page=page, limit=20
    )
    if redirect := _symbol_redirect(session, query):
        return redirect
    return templates.TemplateResponse(
        request,
        "search.html",
        {
            "q": q,
            "query": query,
            "result": result,
            "sort": sort,
            "year_from": year_from,
            "year_to": year_to,
            "agenda": agenda or "",
            "page": page,
            "pages": max(1, -(-min(result.total_paragraphs, 10_000 * 20) // 20)),
            "agenda_items": crud.agenda_items(session),
            "start": start,
        },
    )


@router.get("/search/help", response_class=HTMLResponse)
def search_help(request: Request) -> Response:
    return templates.TemplateResponse(request, "search_help.html", {})


@router.get(
    "/api/search",
    response_model=SearchResponse,
    responses={400: {"description": "The query holds nothing that can be searched"}},
)
def api_search(
    session: SessionDep,
    q: Annotated[str, Param(min_length=1, max_length=5000, description="What to search for")],
    year_from: Year = None,
    year_to: Year = None,
    agenda: AgendaItem = None,
    sort: SortParam = "relevance",
    limit: Annotated[int, Param(ge=1, le=100)] = 20,
    offset: Annotated[int, Param(ge=0, le=1_000_000)] = 0,
) -> SearchResponse | JSONResponse:
    """Paragraphs matching the query (query language: see /search/help)."""
    query, result, _ = run_search(
        session, q, year_from, year_to, agenda, sort, limit=limit, offset=offset
    )
    if query.empty:
        detail = " ".join(query.notes) or "The query is empty: give words or a phrase to find."
        return JSONResponse({"detail": detail, "query": q}, status_code=400)
    counts = result.paragraph_counts
    return SearchResponse(
        query=query.display(),
        total_paragraphs=result.total_paragraphs,
        total_statements=result.total_statements,
        capped=result.capped,
        notes=query.notes,
        results=[
            SearchHit(
                statement=StatementSummary.of(hit.statement, counts.get(hit.statement.pk or 0, 0)),
                paragraph=hit.number,
                url=f"/statements/{hit.statement.id}#p{hit.number}",
                snippet=str(hit.snippet),
                rank=hit.rank,
            )
            for hit in result.hits
        ],
        years={str(year): n for year, n in result.years.items()},
    )
