"""Citations: who cites a Security Council resolution, and the most cited documents."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from app.parse.citations import KIND_LABELS
from app.store import cited
from app.web.deps import ResolutionNumber, SessionDep
from app.web.templating import templates

router = APIRouter()

Kind = Annotated[
    str | None,
    Query(pattern="^(resolution|prst|document|convention)$", description="Only this kind"),
]
Limit = Annotated[int, Query(ge=1, le=1000)]


@router.get("/resolutions/{number}", response_class=HTMLResponse)
def resolution_page(number: ResolutionNumber, request: Request, session: SessionDep) -> Response:
    result = cited.resolution_citations(session, number=number)
    return templates.TemplateResponse(request, "resolution.html", {"result": result})


PER_PAGE = 50


@router.get("/citations", response_class=HTMLResponse)
def citations_page(
    request: Request,
    session: SessionDep,
    kind: Kind = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    total = cited.cited_count(session, kind=kind)
    documents = cited.most_cited(session, kind=kind, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    return templates.TemplateResponse(
        request,
        "citations.html",
        {
            "documents": documents,
            "kind": kind,
            "kind_labels": KIND_LABELS,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // PER_PAGE)),
            "first_rank": (page - 1) * PER_PAGE + 1,
        },
    )


class CitingOut(BaseModel):
    statement_id: str
    symbol: str | None
    date: str
    paragraph: int
    url: str


class ResolutionOut(BaseModel):
    number: int
    label: str
    statements: int
    citing: list[CitingOut]


class CitedOut(BaseModel):
    kind: str
    key: str
    label: str
    statements: int
    paragraphs: int
    first: str
    last: str


@router.get("/api/resolutions/{number}")
def resolution_api(number: ResolutionNumber, session: SessionDep) -> ResolutionOut:
    """Every statement paragraph citing the resolution, oldest first."""
    result = cited.resolution_citations(session, number=number)
    return ResolutionOut(
        number=result.number,
        label=result.label,
        statements=result.statements,
        citing=[
            CitingOut(
                statement_id=c.statement.id,
                symbol=c.statement.symbol,
                date=c.statement.date.isoformat(),
                paragraph=c.paragraph.number,
                url=f"/statements/{c.statement.id}#p{c.paragraph.number}",
            )
            for c in result.citing
        ],
    )


@router.get("/api/citations")
def citations_api(session: SessionDep, kind: Kind = None, limit: Limit = 200) -> list[CitedOut]:
    """The most cited documents, by number of citing statements."""
    return [
        CitedOut(
            kind=d.kind,
            key=d.key,
            label=d.label,
            statements=d.statements,
            paragraphs=d.paragraphs,
            first=d.first.isoformat(),
            last=d.last.isoformat(),
        )
        for d in cited.most_cited(session, kind=kind, limit=limit)
    ]
