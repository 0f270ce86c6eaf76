"""What a search answers, whatever engine found it: hits, totals, history, first and latest use.

Engines mark matched words with the control characters `OPEN` and `CLOSE`; `marked` turns them
into <mark> only after the text is escaped, so nothing a statement or a user typed reaches a page
as markup.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from markupsafe import Markup, escape

from app.search.query import Query
from app.store.models import Statement

OPEN, CLOSE = "\x02", "\x03"

Sort = Literal["relevance", "newest", "oldest"]
DateSort = Literal["newest", "oldest"]


@dataclass(frozen=True)
class Filters:
    year_from: int | None = None
    year_to: int | None = None
    agenda_item: str | None = None


@dataclass(frozen=True)
class After:
    """A place in a date-sorted search, just past one of its matches (named by its statement
    and paragraph number, which every engine knows): where the next page starts. A cursor
    that stays valid as deep as the matches go, where an offset would make the engine count
    its way there again."""

    statement_pk: int
    number: int


class UnknownPosition(LookupError):
    """The paragraph an `After` names is not in the archive (any more)."""


@dataclass(frozen=True)
class AgendaCounts:
    """Statements using a query per agenda item (the statement's own wording of it)."""

    counts: dict[str, int] = field(default_factory=dict)
    """Most used first (then by name); items with no statement using the query are left out."""
    estimated: frozenset[str] = frozenset()
    """Items whose count is estimated from a sample of the matches (like the history's years)."""


@dataclass
class Hit:
    statement: Statement
    number: int
    snippet: Markup
    rank: float


@dataclass
class Use:
    statement: Statement
    number: int


@dataclass
class SearchResult:
    query: Query
    total_paragraphs: int = 0
    total_statements: int = 0
    capped: bool = False
    """The totals are estimates (some years had more matches than were read)."""
    hits: list[Hit] = field(default_factory=list)
    years: dict[int, int] = field(default_factory=dict)
    estimated_years: frozenset[int] = frozenset()
    first_use: Use | None = None
    latest_use: Use | None = None
    paragraph_counts: dict[int, int] = field(default_factory=dict)
    ranked_among: int | None = None
    """Set when relevance ranked only the newest matches: how many it ranked."""
    ranked_since: dt.date | None = None
    """The date of the oldest match ranked, when `ranked_among` is set."""
    cost: float = 0.0
    """Seconds of the server's processor the search took, by its budget's own accounting."""

    def grouped(self) -> list[tuple[Statement, list[Hit]]]:
        """Hits grouped under their statement, statements in order of their best hit and
        hits within a statement in paragraph order, as a reader meets them."""
        groups: dict[int, tuple[Statement, list[Hit]]] = {}
        for hit in self.hits:
            pk = hit.statement.pk or 0
            groups.setdefault(pk, (hit.statement, []))[1].append(hit)
        return [(s, sorted(hits, key=lambda h: h.number)) for s, hits in groups.values()]


class SearchRefused(Exception):
    """A search the archive will not run, or stopped: too broad, or more expensive than a
    request may be. `reason` says why in words for the reader; `cost` is the processor time
    spent before it was refused (seconds)."""

    def __init__(self, reason: str, cost: float = 0.0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.cost = cost


def marked(fts_text: str) -> Markup:
    """Text from highlight()/snippet(): escaped, then the match markers turned into <mark>."""
    escaped = str(escape(fts_text))
    return Markup(escaped.replace(OPEN, "<mark>").replace(CLOSE, "</mark>"))
