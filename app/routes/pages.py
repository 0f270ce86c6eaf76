"""HTML pages: home and statement."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app import crud, crud_reuse
from app.deps import SessionDep
from app.templating import templates

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep) -> Response:
    return templates.TemplateResponse(
        request,
        "home.html",
        {
            "stats": crud.archive_stats(session),
            "latest": crud.latest_statements(session, limit=20),
        },
    )


@router.get("/statements/{statement_id}", response_class=HTMLResponse)
def statement_page(statement_id: str, request: Request, session: SessionDep) -> Response:
    statement = crud.statement_by_id(session, statement_id=statement_id)
    if statement is None:
        moved = crud.resolve_alias(session, alias=statement_id)
        if moved is not None:
            return RedirectResponse(
                request.url_for("statement_page", statement_id=moved.id).path, status_code=301
            )
        raise HTTPException(status_code=404, detail=f"No statement with the id {statement_id!r}.")
    return templates.TemplateResponse(
        request,
        "statement.html",
        {
            "statement": statement,
            "paragraphs": crud.paragraphs_of(session, statement=statement),
            "reuse_notes": crud_reuse.reuse_notes(session, statement=statement),
        },
    )
