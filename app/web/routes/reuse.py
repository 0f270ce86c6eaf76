"""Agreed language: compare two paragraphs word by word; related paragraphs as JSON."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel
from sqlmodel import Session

from app.language import precedents
from app.language.diff import compare_words
from app.language.shingles import overlap, words
from app.store.queries import Located
from app.web.deps import ParagraphNumber, SessionDep
from app.web.templating import templates

router = APIRouter()


def _located(session: Session, statement_id: str, number: int) -> Located:
    found = precedents.paragraph_at(session, statement_id=statement_id, number=number)
    if found is None:
        raise HTTPException(
            status_code=404,
            detail=f"No paragraph {number} in a statement with the id {statement_id!r}.",
        )
    return found


@router.get(
    "/statements/{statement_id}/paragraphs/{number}/compare/{other_id}/{other_number}",
    response_class=HTMLResponse,
)
def compare_page(
    statement_id: str,
    number: ParagraphNumber,
    other_id: str,
    other_number: ParagraphNumber,
    request: Request,
    session: SessionDep,
) -> Response:
    """Paragraph `number` of one statement beside paragraph `other_number` of another: the older
    is the base, so <del> marks words the newer dropped and <ins> words it added."""
    this = _located(session, statement_id, number)
    other = _located(session, other_id, other_number)
    old, new = sorted([this, other], key=lambda x: x.sort_key)
    measure = overlap(words(old.paragraph.plain), words(new.paragraph.plain))
    comparison = compare_words(old.paragraph.plain, new.paragraph.plain)
    return templates.TemplateResponse(
        request,
        "compare.html",
        {
            "this": this,
            "other": other,
            "old": old,
            "new": new,
            "pieces": comparison.pieces,
            "word_by_word": comparison.exact,
            "measure": measure,
            "related": precedents.related_paragraphs(session, paragraph=this.paragraph),
        },
    )


class RelatedOut(BaseModel):
    statement_id: str
    symbol: str | None
    date: str
    paragraph: int
    url: str
    compare_url: str
    shared_words: int
    coverage: float
    other_coverage: float
    similarity: float


@router.get("/api/statements/{statement_id}/paragraphs/{number}/related")
def related_api(
    statement_id: str, number: ParagraphNumber, session: SessionDep
) -> list[RelatedOut]:
    """Paragraphs of other statements sharing this paragraph's language, oldest first."""
    this = _located(session, statement_id, number)
    base = f"/statements/{statement_id}/paragraphs/{number}/compare"
    return [
        RelatedOut(
            statement_id=r.statement.id,
            symbol=r.statement.symbol,
            date=r.statement.date.isoformat(),
            paragraph=r.paragraph.number,
            url=f"/statements/{r.statement.id}#p{r.paragraph.number}",
            compare_url=f"{base}/{r.statement.id}/{r.paragraph.number}",
            shared_words=r.shared_words,
            coverage=round(r.coverage, 3),
            other_coverage=round(r.other_coverage, 3),
            similarity=round(r.similarity, 3),
        )
        for r in precedents.related_paragraphs(session, paragraph=this.paragraph)
    ]
