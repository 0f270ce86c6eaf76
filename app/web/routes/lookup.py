"""Finding a statement by its public id, following aliases so no published link breaks."""

from __future__ import annotations

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session

from app.store import queries
from app.store.models import Paragraph, Statement


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


def paragraph_or_redirect(
    request: Request, session: Session, statement_id: str, number: int
) -> tuple[Statement, Paragraph, int] | RedirectResponse:
    """Paragraph `number` of the statement with this id, the statement and how many
    paragraphs it has; a redirect for an old id (as `statement_or_redirect`); else a 404
    saying what is missing."""
    found = statement_or_redirect(request, session, statement_id)
    if isinstance(found, RedirectResponse):
        return found
    return (found, *_paragraph_or_404(session, found, number))


def _paragraph_or_404(session: Session, statement: Statement, number: int) -> tuple[Paragraph, int]:
    paragraph = queries.paragraph_of(session, statement=statement, number=number)
    count = queries.paragraph_count(session, statement=statement)
    if paragraph is None:
        raise HTTPException(
            status_code=404,
            detail=f"{statement.symbol or statement.id} has no paragraph {number}: it has {count}.",
        )
    return paragraph, count


STALE_CURSOR = (
    "The cursor names something no longer in the archive (it changed since): "
    "start again from the first page."
)


def cursor_statement(session: Session, statement_id: str) -> Statement:
    """The statement a cursor names (by its id, or an id it once had); a 400 if it is gone."""
    statement = queries.statement_by_id(session, statement_id=statement_id) or (
        queries.resolve_alias(session, alias=statement_id)
    )
    if statement is None or statement.pk is None:
        raise HTTPException(status_code=400, detail=STALE_CURSOR)
    return statement


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
