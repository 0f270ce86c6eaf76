"""Agenda items: the subjects statements are made under, each with its statements over time."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from app.store import agenda, queries
from app.web.deps import SessionDep
from app.web.templating import templates

router = APIRouter()


@router.get("/agenda", response_class=HTMLResponse)
def agenda_index(request: Request, session: SessionDep) -> Response:
    return templates.TemplateResponse(
        request, "agenda_index.html", {"items": agenda.agenda_items(session)}
    )


def agenda_item_or_404(session: SessionDep, slug: str) -> agenda.AgendaItem:
    """The agenda item (or variant of one) whose slug is `slug`, else a 404 saying so."""
    item = agenda.agenda_item(session, slug=slug)
    if item is None:
        raise HTTPException(status_code=404, detail=f"No agenda item {slug!r} in the archive.")
    return item


@router.get("/agenda/{slug}", response_class=HTMLResponse)
def agenda_page(slug: str, request: Request, session: SessionDep) -> Response:
    item = agenda_item_or_404(session, slug)
    rows = {row.statement.pk: row for row in queries.summarize(session, item.statements)}
    return templates.TemplateResponse(request, "agenda.html", {"item": item, "rows": rows})
