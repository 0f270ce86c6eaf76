"""Request dependencies: a read-only database session, and figures kept per database version."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from app.web.pagecache import Remembered


async def get_session(request: Request) -> AsyncIterator[Session]:
    # Async, so FastAPI opens and closes it on the event loop rather than with two trips to
    # the thread pool: creating a session touches no database, and closing one only hands its
    # connection back to the pool. The (sync) routes use it in their worker thread.
    with Session(request.app.state.engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


async def get_remembered(request: Request) -> Remembered:
    return Remembered(getattr(request.app.state, "pages", None))


RememberedDep = Annotated[Remembered, Depends(get_remembered)]
"""Archive-wide figures kept per database version (see app/pagecache.py)."""
