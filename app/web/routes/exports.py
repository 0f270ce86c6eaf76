"""A search's matches to take away: CSV and JSON Lines of every matching paragraph.

Streamed as they are read (the next thousand matches at a time, through the search service's
date-ordered cursor), in the order of the paged API sorted the same way, and bounded: past
`EXPORT_LIMIT` rows the download stops, and says so before it starts: the response's
`X-Export-Truncated` header, the file's name, and a `Link` rel="next" to the download of the
rest (the same search from a cursor), which the search page names too.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Request
from fastapi import Query as Param
from fastapi.responses import Response, StreamingResponse
from sqlmodel import Session
from starlette.concurrency import iterate_in_threadpool

from app.search.query import Query
from app.search.results import After, Hit, SearchResult
from app.store import queries
from app.web import paging
from app.web.deps import SessionDep
from app.web.paging import CursorParam
from app.web.routes import search
from app.web.routes.search import DateOptions, DateOptionsDep

router = APIRouter(tags=["search"])

PAGE = 1_000
"""Matches read from the search service at a time."""
COLUMNS = [
    "statement",
    "symbol",
    "date",
    "meeting",
    "agenda_item",
    "paragraph",
    "url",
    "text",
]
"""Each row: the statement's id, symbol, date (ISO), meeting number and agenda item; the
paragraph's number, permanent link and text (as archived: *asterisks* mark emphasis)."""

Q = Annotated[str, Param(min_length=1, max_length=5000, description="What to search for")]


def _search(
    session: Session, q: str, options: DateOptions, *, limit: int, offset: int, after: After | None
) -> tuple[Query, SearchResult]:
    return search.run_search(
        session, q, options.filters(), sort=options.sort, limit=limit, offset=offset, after=after
    )


def _rows(
    session: Session, base: str, q: str, options: DateOptions, after: After | None, limit: int
) -> Iterator[dict[str, Any]]:
    """Up to `limit` matches from `after`, as export rows."""
    sent = 0
    while sent < limit:
        size = min(PAGE, limit - sent)
        _query, result = _search(session, q, options, limit=size, offset=0, after=after)
        texts = queries.paragraph_texts(
            session, statement_pks={h.statement.pk for h in result.hits if h.statement.pk}
        )
        for hit in result.hits:
            yield _row(base, hit, texts.get((hit.statement.pk or 0, hit.number), ""))
        sent += len(result.hits)
        if len(result.hits) < size:
            return
        last = result.hits[-1]
        after = After(last.statement.pk or 0, last.number)


def _row(base: str, hit: Hit, text: str) -> dict[str, Any]:
    s = hit.statement
    return {
        "statement": s.id,
        "symbol": s.symbol,
        "date": s.date.isoformat(),
        "meeting": s.meeting_number,
        "agenda_item": s.agenda_item,
        "paragraph": hit.number,
        "url": f"{base}/statements/{s.id}#p{hit.number}",
        "text": text,
    }


def _csv(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
        if out.tell() > 64 * 1024:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def _jsonl(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"


def _export(
    request: Request,
    session: Session,
    q: str,
    options: DateOptions,
    cursor: str | None,
    *,
    write: Callable[[Iterator[dict[str, Any]]], Iterator[str]],
    media_type: str,
    extension: str,
) -> StreamingResponse:
    """Check the search, learn whether the export will be cut (and where the rest starts),
    then stream it on a session of its own (the request's closes when the route returns)."""
    limit = search.EXPORT_LIMIT
    at = paging.decode(cursor) if cursor else None
    after = search.position(session, at, options.sort) if at else None
    seen = at.seen if at else 0
    query, result = _search(session, q, options, limit=1, offset=0, after=after)
    if query.empty:
        search.nothing_to_search(query)
    name = "prst-search"
    headers = {"Cache-Control": "private, max-age=300", "X-Export-Limit": str(limit)}
    if result.capped or result.total_paragraphs > limit:
        # The row at the limit, and whether one follows it.
        _query, edge = _search(session, q, options, limit=2, offset=limit - 1, after=after)
        if len(edge.hits) == 2:
            last = edge.hits[0]
            rest = paging.Cursor(last.statement.id, last.number, seen + limit)
            headers["Link"] = paging.link_header(request, next_cursor=rest)
            headers["X-Export-Truncated"] = "true"
            name += f"-first-{limit}"
    headers["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    engine = request.app.state.engine
    base = str(request.app.state.public_url)

    def body() -> Iterator[str]:
        with Session(engine) as own:
            yield from write(_rows(own, base, q, options, after, limit))

    async def streamed() -> AsyncIterator[str]:
        # An export reads the archive for as long as its client takes to download it: exports
        # take turns at the connection kept for them (app.web.deps), never at the requests'.
        async with request.app.state.export_reader:
            async for chunk in iterate_in_threadpool(body()):
                yield chunk

    return StreamingResponse(streamed(), media_type=media_type, headers=headers)


FORMATS = {
    "csv": (_csv, "text/csv; charset=utf-8"),
    "jsonl": (_jsonl, "application/x-ndjson"),
}


@router.get(
    "/api/search.{fmt}",
    response_class=Response,
    responses={
        200: {
            "description": "Every match of the search, newest (or oldest) first, at most "
            "100,000 rows: CSV (a header row first) or JSON Lines (one object per line)",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/x-ndjson": {"schema": {"type": "string"}},
            },
            "headers": {
                "X-Export-Truncated": {
                    "description": "true when the matches go on past the limit; the Link "
                    'header\'s rel="next" then downloads the rest',
                    "schema": {"type": "string"},
                },
                **paging.LINK_HEADER,
            },
        },
        400: {"description": "Nothing in the query can be searched, or a stale cursor"},
    },
)
def export(
    request: Request,
    session: SessionDep,
    fmt: Annotated[Literal["csv", "jsonl"], Path(description="csv or jsonl")],
    q: Q,
    options: DateOptionsDep,
    cursor: CursorParam = None,
) -> Response:
    """Every paragraph matching the search, as /api/search pages list them sorted by date:
    statement, symbol, date, meeting, agenda_item, paragraph, url, text (as archived:
    *asterisks* mark emphasis)."""
    write, media_type = FORMATS[fmt]
    return _export(
        request, session, q, options, cursor, write=write, media_type=media_type, extension=fmt
    )
