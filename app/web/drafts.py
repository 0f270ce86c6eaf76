"""The draft check as the page, the API and the command line give it: the analysis of
`app.language.draft`, with phrase searches from `app.search`, and its JSON form.

Confidential by design: a draft is only ever held in memory for the request. Nothing here logs
it, and a database error is reported without its text (which would name the phrases searched).
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path
from typing import Literal
from urllib.parse import urlencode

from pydantic import BaseModel, Field
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from app.language.draft import (
    MAX_CHARS,
    MAX_WORDS,
    AgreedRun,
    DraftError,
    DraftReport,
    ParagraphCheck,
    RunHistory,
)
from app.language.draft_check import PhraseUses, check_draft
from app.language.precedents import Place, StatementRef
from app.search.query import parse_query
from app.search.results import Use
from app.search.services import search_service
from app.web.templating import long_date

log = logging.getLogger(__name__)


class DraftUnavailable(Exception):
    """The draft could not be checked: the database could not be read (`status` 503), or the
    check failed (500). The message says so without quoting the draft."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def phrase_uses(session: Session) -> PhraseUses:
    """Phrase searches over the whole archive, as the search page makes them."""
    service = search_service(session.connection())

    def uses(phrase: str) -> RunHistory | None:
        result = service.search(session, parse_query(f'"{phrase}"'), sort="oldest", limit=1)
        if result.first_use is None:
            return None
        return RunHistory(
            first=_place(result.first_use),
            latest=_place(result.latest_use),
            statements=result.total_statements,
            how="search",
            exact=not result.capped,
        )

    return uses


def _place(use: Use | None) -> Place | None:
    if use is None:
        return None
    s = use.statement
    assert s.pk is not None
    return Place(StatementRef(s.pk, s.id, s.symbol, s.date, s.meeting_number), use.number)


def check(session: Session, text: str, *, exact: bool = False) -> DraftReport:
    """Check `text` against the archive; `exact`: phrase-search what the index cannot settle
    (every use of every run; slow on a large archive, so pages do not). Raises DraftError (from
    the analysis) for a draft that cannot be checked, DraftUnavailable when the database cannot
    be read."""
    try:
        return check_draft(session, text, uses=phrase_uses(session) if exact else None)
    except DraftError:
        raise
    except SQLAlchemyError as exc:
        # Not the error's text: it names the statement and its parameters, the draft's words.
        log.error("draft check: the database could not be read (%s)", type(exc).__name__)
        raise DraftUnavailable(
            "The archive's database cannot be read right now. Please try again shortly.", 503
        ) from None
    except Exception as exc:
        # A failure is logged by its kind and place only: its message could quote the draft.
        where = traceback.extract_tb(exc.__traceback__)[-1]
        log.error(
            "draft check failed: %s at %s:%d",
            type(exc).__name__,
            Path(where.filename).name,
            where.lineno or 0,
        )
        raise DraftUnavailable(
            "The draft could not be checked: the archive hit an error, which was logged "
            "(without the draft). Please try again, or check it in parts.",
            500,
        ) from None


def search_url(run: AgreedRun) -> str:
    """The phrase search of a run (its words only: agreed language, already in the archive)."""
    return "/search?" + urlencode({"q": f'"{run.phrase}"', "sort": "oldest"})


def place_url(place: Place) -> str:
    return f"/statements/{place.statement.id}#p{place.number}"


# --- JSON -------------------------------------------------------------------------------------


class DraftIn(BaseModel):
    text: str = Field(
        description=f"The draft: one or many paragraphs (at most {MAX_WORDS:,} words, "
        f"{MAX_CHARS:,} characters). Never stored or logged.",
        examples=[
            "The Security Council reaffirms its primary responsibility for the maintenance of "
            "international peace and security."
        ],
    )


class PlaceOut(BaseModel):
    statement_id: str
    symbol: str | None
    date: str
    meeting: int | None
    paragraph: int
    url: str

    @classmethod
    def of(cls, place: Place) -> PlaceOut:
        s = place.statement
        return cls(
            statement_id=s.id,
            symbol=s.symbol,
            date=s.date.isoformat(),
            meeting=s.meeting,
            paragraph=place.number,
            url=place_url(place),
        )


class HistoryOut(BaseModel):
    first: PlaceOut | None
    latest: PlaceOut | None
    statements: int
    exact: bool = Field(
        description="False when `statements` is an estimate (a very common phrase) or, with "
        "source 'compared', a lower bound"
    )
    source: Literal["index", "search", "compared"] = Field(
        description="index or search: every use in the archive; compared: the uses among the "
        "archived paragraphs compared with the draft only (the phrase search has all of them)"
    )


class RunOut(BaseModel):
    text: str
    words: int
    search_url: str
    history: HistoryOut | None


class PrecedentOut(PlaceOut):
    shared_words: int = Field(description="Words of the draft paragraph in runs it shares")
    coverage: float = Field(description="Share of the draft paragraph's compared words")
    other_coverage: float = Field(description="Share of the archived paragraph's words")
    similarity: float


class DiffPieceOut(BaseModel):
    op: Literal["equal", "delete", "insert"]
    text: str


class DraftParagraphOut(BaseModel):
    number: int = Field(description="Its place in the draft, from 1")
    name: str = Field(
        description="What the page calls it: its printed number, else its place among the "
        "paragraphs compared (empty for a paragraph not compared)"
    )
    label: str | None = Field(description="The number it was printed with, if any")
    text: str
    compared: bool = Field(description="False for a paragraph under 7 words")
    words: int = Field(description="Words counted (not a leading 'The Security Council')")
    agreed_words: int
    agreed_share: float
    precedents: list[PrecedentOut] = Field(
        description="The same agreed language in the archive, the most similar first, the "
        "oldest first among equals"
    )
    diff: list[DiffPieceOut] = Field(
        description="From the closest precedent to this paragraph: delete = only in the "
        "precedent, insert = only in the draft"
    )
    agreed_runs: list[RunOut]
    new_language: list[str]


class LeanedOut(BaseModel):
    statement_id: str
    symbol: str | None
    date: str
    words: int
    paragraphs: list[int] = Field(description="Numbers of the draft paragraphs it precedes")
    url: str


class DraftOut(BaseModel):
    words: int
    agreed_words: int
    agreed_share: float
    new_paragraphs: list[int] = Field(description="Numbers of the paragraphs wholly new")
    leaned_on: list[LeanedOut]
    phrase_searches: int
    paragraphs: list[DraftParagraphOut]


def _history(history: RunHistory | None) -> HistoryOut | None:
    if history is None:
        return None
    return HistoryOut(
        first=PlaceOut.of(history.first) if history.first else None,
        latest=PlaceOut.of(history.latest) if history.latest else None,
        statements=history.statements,
        exact=history.exact,
        source=history.how,
    )


def _paragraph(c: ParagraphCheck) -> DraftParagraphOut:
    return DraftParagraphOut(
        number=c.paragraph.number,
        name=c.paragraph.name,
        label=c.paragraph.label,
        text=c.paragraph.text,
        compared=c.compared,
        words=c.words,
        agreed_words=c.agreed_words,
        agreed_share=round(c.share, 3),
        precedents=[
            PrecedentOut(
                **PlaceOut.of(p.place).model_dump(),
                shared_words=p.shared_words,
                coverage=round(p.coverage, 3),
                other_coverage=round(p.other_coverage, 3),
                similarity=round(p.similarity, 3),
            )
            for p in c.precedents
        ],
        diff=[DiffPieceOut(op=piece.op, text=piece.text) for piece in c.diff()],
        agreed_runs=[
            RunOut(
                text=r.text, words=r.words, search_url=search_url(r), history=_history(r.history)
            )
            for r in c.runs
        ],
        new_language=c.new_language(),
    )


def to_json(report: DraftReport) -> DraftOut:
    return DraftOut(
        words=report.words,
        agreed_words=report.agreed_words,
        agreed_share=round(report.share, 3),
        new_paragraphs=[p.number for p in report.new_paragraphs],
        leaned_on=[
            LeanedOut(
                statement_id=lean.statement.id,
                symbol=lean.statement.symbol,
                date=lean.statement.date.isoformat(),
                words=lean.words,
                paragraphs=[p.number for p in lean.paragraphs],
                url=f"/statements/{lean.statement.id}",
            )
            for lean in report.leaned_on
        ],
        phrase_searches=report.searches,
        paragraphs=[_paragraph(c) for c in report.paragraphs],
    )


# --- text (the command line) ------------------------------------------------------------------


def _mention(place: Place) -> str:
    s = place.statement
    return f"{s.symbol or s.id}, para. {place.number} ({long_date(s.date)})"


def _run_line(run: AgreedRun) -> str:
    line = f'  agreed: "{run.text}" ({run.words} words)'
    h = run.history
    if h is None or h.first is None:
        return line
    line += f": first {_mention(h.first)}"
    if h.latest is not None and h.latest != h.first:
        line += f", latest {_mention(h.latest)}"
    count = f"{h.statements} statement{'s' if h.statements != 1 else ''}"
    if h.how == "compared":
        return f"{line}; {count} among the paragraphs compared (all uses: archive search)"
    return f"{line}; {'about ' if not h.exact else ''}{count}"


def _paragraph_lines(c: ParagraphCheck) -> list[str]:
    p = c.paragraph
    if not c.compared:
        return [f"(not compared, under 7 words) {p.text}"]
    verdict = "new language" if c.wholly_new else f"{c.share:.0%} agreed"
    lines = [f"Paragraph {p.name}: {verdict}", f"  {p.text}"]
    if c.closest is not None:
        best = c.closest
        meeting = best.place.statement.meeting
        lines.append(
            f"  closest precedent: {_mention(best.place)}"
            + (f", meeting {meeting}" if meeting else "")
            + f": {best.coverage:.0%} of this paragraph, {best.other_coverage:.0%} of that one"
        )
        pieces = c.diff()
        if any(piece.op != "equal" for piece in pieces):
            marked = "".join(
                piece.text
                if piece.op == "equal"
                else f"{piece.lead}[-{piece.body}-]"
                if piece.op == "delete"
                else f"{piece.lead}{{+{piece.body}+}}"
                for piece in pieces
            )
            lines.append(f"  changes ([-precedent only-] {{+draft only+}}): {marked}")
        for other in c.precedents[1:]:
            lines.append(
                f"  also: {_mention(other.place)}: {other.coverage:.0%} of this paragraph, "
                f"{other.other_coverage:.0%} of that one"
            )
    lines += [_run_line(run) for run in c.runs]
    lines += [f'  new: "{piece}"' for piece in c.new_language()]
    return lines


def to_text(report: DraftReport) -> str:
    """The report as plain text, for a terminal or a file."""
    lines = [
        f"{report.agreed_words:,} of {report.words:,} words compared are agreed language "
        f"({report.share:.0%}): they lie in runs of at least 7 words found in the archive."
    ]
    for lean in report.leaned_on:
        s = lean.statement
        names = ", ".join(p.name for p in lean.paragraphs)
        lines.append(
            f"leans on {s.symbol or s.id} ({long_date(s.date)}): {lean.words} words, "
            f"paragraph{'s' if len(lean.paragraphs) > 1 else ''} {names}"
        )
    new = ", ".join(p.name for p in report.new_paragraphs) or "none"
    lines.append(f"wholly new paragraphs: {new}")
    for c in report.paragraphs:
        lines += ["", *_paragraph_lines(c)]
    return "\n".join(lines) + "\n"
