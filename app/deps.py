"""Request dependencies: a read-only database session per request."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session


async def get_session(request: Request) -> AsyncIterator[Session]:
    # Async, so FastAPI opens and closes it on the event loop rather than with two trips to
    # the thread pool: creating a session touches no database, and closing one only hands its
    # connection back to the pool. The (sync) routes use it in their worker thread.
    with Session(request.app.state.engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
