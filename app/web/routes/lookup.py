"""Finding a statement by its public id, following aliases so no published link breaks."""

from __future__ import annotations

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session

from app.store import queries
from app.store.models import Statement


def statement_or_redirect(
    request: Request, session: Session, statement_id: str
) -> Statement | RedirectResponse:
    """The statement with this id; for an old id (or the id in other capitals, or a
    corrigendum's), a permanent redirect to the same URL under the current id (paragraph,
    source and API paths included); else a 404."""
    statement = queries.statement_by_id(session, statement_id=statement_id)
    if statement is not None:
        return statement
    moved = queries.resolve_alias(session, alias=statement_id) or queries.statement_for_unknown_id(
        session, statement_id=statement_id
    )
    if moved is not None:
        path = request.url.path.replace(f"/{statement_id}", f"/{moved.id}", 1)
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(path + query, status_code=301)
    raise HTTPException(status_code=404, detail=f"No statement has the id “{statement_id}”.")


LONG_TOPIC = 100
"""An agenda item longer than this is a list of letters ("Letter dated 29 June 1998 from...;
Letter dated 25 June 1998 from..."), too long to name the statement in its heading."""


def heading_topic(statement: Statement, catalogue_topic: str | None) -> str:
    """What a statement is about, for its H1 and <title>: its agenda item; the catalogue's
    topic where the item is a long list of letters or is not known; else its title."""
    item = statement.agenda_item
    if item and (len(item) <= LONG_TOPIC or not catalogue_topic):
        return item
    return catalogue_topic or statement.title
