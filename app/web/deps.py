"""Request dependencies: a read-only database session, and figures kept per database version.

A request holds a database connection only while its handler runs, and at most as many
requests as the engine has connections (less a reserve) hold one at a time; the others wait
for their turn on the event loop, holding no thread. Without that bound, under load every worker
thread waited for a connection while the requests holding the connections waited for a thread
to finish their responses, and nothing moved until the pool's timeout (BENCHMARKS.md, "Load").
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import anyio
from fastapi import Depends, FastAPI, Path, Request
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.parse.statement import MAX_PARAGRAPHS
from app.store.engine import reader_connections
from app.web.pagecache import Remembered

RESERVED_CONNECTIONS = 3
"""Connections no request waits for: one for search's warm-up thread, one for /healthz, so that
the health answer stays fast however many requests queue, and one for the exports, which hold
theirs while their client downloads (one export streams at a time)."""


def open_readers(app: FastAPI, engine: Engine) -> None:
    """Set up the app's turns at `engine`'s connections (at start-up, on the event loop)."""
    app.state.engine = engine
    app.state.readers = anyio.Semaphore(reader_connections(engine) - RESERVED_CONNECTIONS)
    app.state.health_reader = anyio.Lock()
    app.state.export_reader = anyio.Lock()
    app.state.downloads = anyio.Lock()


async def get_session(request: Request) -> AsyncIterator[Session]:
    # Async, so the turn is awaited on the event loop and FastAPI opens and closes the session
    # there rather than with two trips to the thread pool: creating a session touches no
    # database, and closing one only hands its connection back to the pool. The (sync) routes
    # use it in their worker thread.
    async with request.app.state.readers:
        with Session(request.app.state.engine) as session:
            yield session


# scope="function": the session closes (and the turn passes on) as soon as the handler has
# built its response, not after a slow client has read it.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


async def get_health_session(request: Request) -> AsyncIterator[Session]:
    """A session on the connection kept for /healthz (one health check at a time)."""
    async with request.app.state.health_reader:
        with Session(request.app.state.engine) as session:
            yield session


HealthSessionDep = Annotated[Session, Depends(get_health_session, scope="function")]


async def get_remembered(request: Request) -> Remembered:
    return Remembered(getattr(request.app.state, "pages", None))


RememberedDep = Annotated[Remembered, Depends(get_remembered)]
"""Archive-wide figures kept per database version (see app/pagecache.py)."""


# Numbers in addresses, the same bounds wherever they appear (ingest keeps paragraphs to
# MAX_PARAGRAPHS, so a larger number names nothing).
ParagraphNumber = Annotated[int, Path(ge=1, le=MAX_PARAGRAPHS, description="Paragraph number")]
ResolutionNumber = Annotated[int, Path(ge=1, le=99_999, description="Resolution number")]
