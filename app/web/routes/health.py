"""`/healthz`: whether the app can read its database."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from app.search.services import search_service
from app.store import queries
from app.web.deps import HealthSessionDep

router = APIRouter()

EMPTY = "The archive holds no statements yet: `archive ingest` loads them."
NO_STORE = {"Cache-Control": "no-store"}
"""A health answer is about now: no cache may keep it."""


@router.get("/healthz", tags=["operations"])
def healthz(session: HealthSessionDep) -> JSONResponse:
    """200 with the number of statements when the archive answers and holds some; 503 with the
    reason when it cannot be read (`"status": "error"`) or holds no statement yet
    (`"status": "empty"`: nothing to serve, so not ready)."""
    try:
        statements = queries.count_statements(session)
        search_service(session.connection()).check_readable(session)
    except SQLAlchemyError as exc:
        return JSONResponse(
            {"status": "error", "detail": str(getattr(exc, "orig", None) or exc)},
            status_code=503,
            headers=NO_STORE,
        )
    if not statements:
        return JSONResponse(
            {"status": "empty", "statements": 0, "detail": EMPTY},
            status_code=503,
            headers=NO_STORE,
        )
    return JSONResponse({"status": "ok", "statements": statements}, headers=NO_STORE)
