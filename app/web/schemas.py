"""JSON shapes of the public API (what scripts rely on), shared by every /api route."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from app.store.models import Statement


class StatementSummary(BaseModel):
    id: str = Field(description="Stable id used in URLs, e.g. S-PRST-2023-6")
    symbol: str | None = Field(description="Document symbol, e.g. S/PRST/2023/6")
    title: str
    date: dt.date = Field(description="Meeting date, or date of issue (ISO 8601)")
    meeting: int | None = Field(description="Meeting number, if the statement was made at one")
    agenda_item: str | None
    paragraph_count: int
    url: str = Field(description="Absolute path of the statement page")

    @classmethod
    def of(cls, statement: Statement, paragraph_count: int) -> StatementSummary:
        return cls(
            id=statement.id,
            symbol=statement.symbol,
            title=statement.title,
            date=statement.date,
            meeting=statement.meeting_number,
            agenda_item=statement.agenda_item,
            paragraph_count=paragraph_count,
            url=f"/statements/{statement.id}",
        )


class SearchHit(BaseModel):
    statement: StatementSummary
    paragraph: int
    url: str = Field(description="/statements/{id}#p{n}")
    snippet: str = Field(description="Paragraph text (or an excerpt), matches in <mark>; escaped")
    rank: float = Field(
        description="relevance score, lower is more relevant (SQLite: BM25; PostgreSQL: "
        "minus ts_rank_cd)"
    )


class SearchResponse(BaseModel):
    query: str = Field(description="What was searched, in the query language")
    total_paragraphs: int
    total_statements: int
    capped: bool = Field(
        description="True when the totals are estimates: some years had more matches than "
        "were read, and were estimated from a sample of them (listed in estimated_years)"
    )
    notes: list[str] = Field(description="Parts of the query that were not understood")
    results: list[SearchHit]
    years: dict[str, int] = Field(description="Statements using the query, per year")
    estimated_years: list[str] = Field(
        default_factory=list, description="Years whose count in `years` is an estimate"
    )
    agenda_items: dict[str, int] = Field(
        default_factory=dict,
        description="Statements using the query per agenda item, most first (each the "
        "total_statements of the same search filtered to that item)",
    )
    estimated_agenda_items: list[str] = Field(
        default_factory=list, description="Agenda items whose count is an estimate"
    )
    ranked_among: int | None = Field(
        default=None,
        description="Set when sorting by relevance ranked only the newest matches: how many",
    )
    ranked_since: dt.date | None = Field(
        default=None, description="Date of the oldest match ranked, when ranked_among is set"
    )


class Problem(BaseModel):
    """Every error the API and the downloads answer (4xx, and 503), in one shape."""

    status: int = Field(description="The HTTP status, repeated")
    detail: str = Field(description="What went wrong, in words, and what to do instead")
    problems: list[str] = Field(
        default_factory=list,
        description="One line per parameter not understood (422): `name: what it must be`",
    )


UNREADABLE = "The archive's database cannot be read right now. Please try again shortly."
"""What a page or the API says when the archive cannot be read (503)."""
