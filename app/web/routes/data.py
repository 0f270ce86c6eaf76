"""The archive as data: About page, Atom feed, JSON Lines and SQLite downloads."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import anyio
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from app.core.config import Archive
from app.store import queries
from app.store.engine import is_file
from app.store.maintenance import ArchiveUnreadable, NotOnThisEngine, snapshot, versioned_file
from app.store.services import archive_version
from app.web.deps import SessionDep
from app.web.schemas import UNREADABLE
from app.web.templating import templates

router = APIRouter()
log = logging.getLogger(__name__)


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


def _file(media_type: str, description: str) -> dict[int | str, dict[str, Any]]:
    return {
        200: {"description": description, "content": {media_type: {"schema": {"type": "string"}}}}
    }


@router.get(
    "/feed.atom",
    response_class=Response,
    responses=_file("application/atom+xml", "An Atom feed of the 30 latest statements"),
)
def feed(request: Request, session: SessionDep) -> Response:
    """An Atom feed of the 30 latest statements."""
    latest = queries.summarize(session, queries.latest_statements(session, limit=30))
    return templates.TemplateResponse(
        request,
        "feed.atom",
        {"rows": latest, "base": request.app.state.public_url},
        media_type="application/atom+xml",
    )


def _jsonl_file(engine: Engine, archive: Archive) -> Path:
    """The JSON Lines file of the archive as one snapshot of it reads, built once per version."""
    with Session(engine) as session:

        def write(target: Path) -> None:
            with target.open("w", encoding="utf-8") as out:
                for record in queries.bulk_records(session):
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")

        version = archive_version(session.connection())
        return versioned_file(archive, version, "statements.jsonl", write)


async def _download(request: Request, build: Callable[[], Path], *, reads: bool = False) -> Path:
    """A download file of the archive as it is now, built on a worker thread the first time it
    is asked for after a commit; one build at a time, every other request for it waiting on the
    event loop (without a thread) and then served the same file. A build that `reads` the
    archive through its engine takes a turn at its connections like any request."""
    try:
        async with request.app.state.downloads:
            if not reads:
                return await anyio.to_thread.run_sync(build)
            async with request.app.state.readers:
                return await anyio.to_thread.run_sync(build)
    except (ArchiveUnreadable, SQLAlchemyError, OSError) as exc:
        log.error("download not built: %s", exc)
        raise HTTPException(status_code=503, detail=UNREADABLE) from exc


@router.get(
    "/data/statements.jsonl",
    response_class=Response,
    responses=_file("application/x-ndjson", "One statement per line of JSON, oldest first"),
)
async def jsonl(request: Request) -> FileResponse:
    """Every statement on one line of JSON, paragraphs and corrigenda included, oldest first."""
    build = partial(_jsonl_file, request.app.state.engine, request.app.state.db_path)
    made = await _download(request, build, reads=True)
    return FileResponse(made, media_type="application/x-ndjson", filename="statements.jsonl")


@router.get(
    "/data/archive.sqlite",
    response_class=Response,
    responses=_file("application/vnd.sqlite3", "The archive as an SQLite database file"),
)
async def sqlite_file(request: Request) -> FileResponse:
    """The SQLite database itself (read it with any SQLite client): a consistent snapshot of
    the archive as it is now, never the live file (which may lack what is still in its WAL)."""
    try:
        copy = await _download(request, partial(snapshot, request.app.state.db_path))
    except NotOnThisEngine as exc:
        raise HTTPException(
            status_code=404,
            detail=f"No SQLite download here: {exc}. The JSON Lines download holds every "
            "statement.",
        ) from None
    return FileResponse(copy, media_type="application/vnd.sqlite3", filename="prst-archive.sqlite")
