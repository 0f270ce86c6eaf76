"""Citation downloads of a statement and of a paragraph: RIS, BibTeX and CSL-JSON."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response

from app.store import queries
from app.store.models import Paragraph, Statement
from app.web import cite
from app.web.deps import ParagraphNumber, SessionDep
from app.web.routes.lookup import heading_topic, paragraph_or_redirect, statement_or_redirect

router = APIRouter(tags=["citations"])

Format = Annotated[
    Literal["ris", "bib", "json"],
    Path(description="ris (EndNote, Zotero, Mendeley), bib (BibTeX) or json (CSL-JSON)"),
]
CSL_JSON = {"type": "array", "items": {"type": "object"}}
"""CSL-JSON: a list of items (JSON, so a client parses it as JSON)."""
DOWNLOAD: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The citation as a file to import into a reference manager",
        "content": {
            media: {"schema": CSL_JSON if fmt == "json" else {"type": "string"}}
            for fmt, media in cite.MEDIA_TYPES.items()
        },
    },
    301: {"description": "An old id: the same download under the current id"},
}


def reference_for(
    request: Request,
    statement: Statement,
    heading: str,
    paragraph: Paragraph | None = None,
) -> cite.Reference:
    """The reference of a statement (or of one of its paragraphs) titled by its page's
    heading, linked on the archive's public address."""
    return cite.reference(
        statement,
        topic=heading,
        base_url=str(request.app.state.public_url),
        paragraph=paragraph.number if paragraph else None,
        text=paragraph.plain if paragraph else None,
    )


def _download(ref: cite.Reference, fmt: str) -> Response:
    return Response(
        cite.FORMATS[fmt](ref),
        media_type=f"{cite.MEDIA_TYPES[fmt]}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{ref.key}.{fmt}"'},
    )


def _heading(session: SessionDep, statement: Statement) -> str:
    return heading_topic(statement, queries.catalogue_topic(session, symbol=statement.symbol))


@router.get(
    "/statements/{statement_id}/citation.{fmt}", response_class=Response, responses=DOWNLOAD
)
def statement_citation(
    statement_id: str, fmt: Format, request: Request, session: SessionDep
) -> Response:
    """The statement's citation, for a reference manager."""
    found = statement_or_redirect(request, session, statement_id)
    if isinstance(found, RedirectResponse):
        return found
    return _download(reference_for(request, found, _heading(session, found)), fmt)


@router.get(
    "/statements/{statement_id}/paragraphs/{number}/citation.{fmt}",
    response_class=Response,
    responses=DOWNLOAD,
)
def paragraph_citation(
    statement_id: str,
    number: ParagraphNumber,
    fmt: Format,
    request: Request,
    session: SessionDep,
) -> Response:
    """One paragraph's citation: the statement's, titled "..., paragraph N", linking to it."""
    located = paragraph_or_redirect(request, session, statement_id, number)
    if isinstance(located, RedirectResponse):
        return located
    found, paragraph, _count = located
    return _download(reference_for(request, found, _heading(session, found), paragraph), fmt)
