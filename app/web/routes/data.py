"""The archive as data: About page, Atom feed, JSON Lines and SQLite downloads."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, Response, StreamingResponse

from app.store import queries
from app.store.engine import is_file
from app.store.maintenance import NotOnThisEngine, snapshot
from app.web.deps import SessionDep
from app.web.templating import templates

router = APIRouter()


@router.get("/about", response_class=HTMLResponse)
def about(request: Request, session: SessionDep) -> Response:
    return templates.TemplateResponse(
        request,
        "about.html",
        {
            "stats": queries.archive_stats(session),
            "completeness": queries.completeness(session),
            "sqlite_download": is_file(request.app.state.db_path),
        },
    )


@router.get("/feed.atom")
def feed(request: Request, session: SessionDep) -> Response:
    """An Atom feed of the 30 latest statements."""
    latest = queries.summarize(session, queries.latest_statements(session, limit=30))
    return templates.TemplateResponse(
        request,
        "feed.atom",
        {"rows": latest, "base": request.app.state.public_url},
        media_type="application/atom+xml",
    )


@router.get("/data/statements.jsonl")
def jsonl(session: SessionDep) -> StreamingResponse:
    """Every statement on one line of JSON, paragraphs and corrigenda included, oldest first."""

    def lines() -> Iterator[bytes]:
        for record in queries.bulk_records(session):
            yield (json.dumps(record, ensure_ascii=False) + "\n").encode()

    return StreamingResponse(
        lines(),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="statements.jsonl"'},
    )


@router.get("/data/archive.sqlite")
def sqlite_file(request: Request) -> FileResponse:
    """The SQLite database itself (read it with any SQLite client): a consistent snapshot of
    the archive as it is now, never the live file (which may lack what is still in its WAL)."""
    try:
        copy = snapshot(
            request.app.state.db_path, Path(tempfile.gettempdir()) / "prst-archive-snapshots"
        )
    except NotOnThisEngine as exc:
        raise HTTPException(
            status_code=404,
            detail=f"No SQLite download here: {exc}. The JSON Lines download holds every "
            "statement.",
        ) from None
    return FileResponse(copy, media_type="application/vnd.sqlite3", filename="prst-archive.sqlite")
