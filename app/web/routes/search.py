"""Search: the results page, its help page and `/api/search`; one function serves both."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi import Query as Param
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from app.search.cache import LRU
from app.search.query import MAX_EXCLUDED, MAX_TERMS, Query, parse_query
from app.search.results import Filters, SearchRefused, SearchResult, Sort
from app.search.services import search_service
from app.store import queries
from app.store.services import archive_version
from app.web.deps import SessionDep
from app.web.params import SearchYear
from app.web.schemas import SearchHit, SearchRefusal, SearchResponse, StatementSummary
from app.web.templating import templates

router = APIRouter()

QueryText = Annotated[str, Param(max_length=5000, description="What to search for")]
Year = SearchYear
AgendaItem = Annotated[str | None, Param(max_length=500)]
SortParam = Annotated[Sort, Param(description="relevance, newest or oldest")]
NOTHING_TO_FIND = "The query holds nothing to search: give words or a phrase to find."


@dataclass
class SearchOptions:
    """Filters and sort shared by the results page and the API, read from the query string."""

    year_from: Year = None
    year_to: Year = None
    agenda: AgendaItem = None
    sort: SortParam = "relevance"

    def filters(self) -> Filters:
        return Filters(
            year_from=self.year_from, year_to=self.year_to, agenda_item=self.agenda or None
        )


OptionsDep = Annotated[SearchOptions, Depends()]


def run_search(
    session: SessionDep, q: str, options: SearchOptions, *, limit: int, offset: int
) -> tuple[Query, SearchResult, SearchRefused | None]:
    """Parse and run a search (shared by the page and the API): the query, what it found, and
    why the search was refused when it was (then the result is empty)."""
    query = parse_query(q)
    try:
        result = search_service(session.connection()).search(
            session, query, filters=options.filters(), sort=options.sort, limit=limit, offset=offset
        )
    except SearchRefused as refused:
        return query, SearchResult(query, cost=refused.cost), refused
    return query, result, None


def server_timing(result: SearchResult) -> dict[str, str]:
    """The search's cost by its budget's own accounting, for the reader's tools (and the
    benchmarks): processor milliseconds."""
    return {"Server-Timing": f'search;dur={result.cost * 1000:.1f};desc="processor time"'}


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


def _symbol_redirect(session: SessionDep, query: Query) -> Response | None:
    if not query.symbol:
        return None
    statement = queries.statement_by_symbol(session, symbol=query.symbol)
    if statement is None:
        return None
    anchor = ""
    if query.paragraph and query.paragraph <= queries.paragraph_count(session, statement=statement):
        anchor = f"#p{query.paragraph}"  # (a paragraph it does not have: the whole statement)
    return RedirectResponse(f"/statements/{statement.id}{anchor}", status_code=303)


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    session: SessionDep,
    options: OptionsDep,
    q: QueryText = "",
    page: Annotated[int, Param(ge=1, le=10_000)] = 1,
) -> Response:
    query, result, refused = run_search(session, q, options, limit=20, offset=(page - 1) * 20)
    if redirect := _symbol_redirect(session, query):
        return redirect
    return templates.TemplateResponse(
        request,
        "search.html",
        {
            "q": q,
            "query": query,
            "result": result,
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
        headers=server_timing(result),
    )


@router.get("/search/help", response_class=HTMLResponse)
def search_help(request: Request) -> Response:
    limits = search_service(request.app.state.engine).limits
    return templates.TemplateResponse(
        request,
        "search_help.html",
        {**asdict(limits), "max_terms": MAX_TERMS, "max_excluded": MAX_EXCLUDED},
    )


@router.get(
    "/api/search",
    response_model=SearchResponse,
    responses={
        400: {
            "model": SearchRefusal,
            "description": "The search is too broad or too expensive to answer (the detail "
            "says why and how to narrow it)",
        }
    },
)
def api_search(
    response: Response,
    session: SessionDep,
    q: Annotated[str, Param(min_length=1, max_length=5000, description="What to search for")],
    options: OptionsDep,
    limit: Annotated[int, Param(ge=1, le=100)] = 20,
    offset: Annotated[int, Param(ge=0, le=1_000_000)] = 0,
) -> SearchResponse | JSONResponse:
    """Paragraphs matching the query (query language: see /search/help).

    A query with nothing searchable in it (only punctuation, or only operators such as `OR`)
    finds nothing: the answer is 200 with no results and `notes` saying what was ignored. A
    query too broad or too expensive to answer (many words or prefixes, or more than a request
    may spend) is 400 with the reason. Every answer says what the search cost the server in a
    `Server-Timing` header."""
    query, result, refused = run_search(session, q, options, limit=limit, offset=offset)
    if refused:
        return JSONResponse(
            SearchRefusal(detail=refused.reason, query=q).model_dump(),
            status_code=400,
            headers=server_timing(result),
        )
    response.headers.update(server_timing(result))
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
            for hit in result.hits
        ],
        years={str(year): n for year, n in result.years.items()},
        estimated_years=[str(year) for year in sorted(result.estimated_years)],
        ranked_among=result.ranked_among,
        ranked_since=result.ranked_since,
    )
