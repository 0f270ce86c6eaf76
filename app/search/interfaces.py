"""What the archive asks of a full-text search engine: the seam a second engine plugs into.

Two sides, each a small interface with one implementation per storage engine (SQLite's FTS5
under `app/search/fts5/`), chosen by `app.search.services` from the engine the archive is
opened with (modelled on warehouse's `search/interfaces.py` and `services.py`):

- `SearchService`, the read side pages and the API call: a query in the archive's query
  language (`app.search.query`) → `app.search.results.SearchResult`.
- `SearchIndex`, the write side the ingest calls: keep the index in step with the paragraphs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from markupsafe import Markup
from sqlalchemy.engine import Connection
from sqlmodel import Session

from app.search.query import Query
from app.search.results import After, AgendaCounts, Filters, SearchResult, Sort


@dataclass(frozen=True)
class SearchLimits:
    """The bounds an engine works within, which pages explain to readers."""

    sample: int
    """Matches read per year before a year's count is estimated."""
    rank_cap: int
    """Relevance ranks at most this many matches, the newest."""
    max_prefix_words: int
    """A prefix standing for more words than this is searched as a prefix..."""
    min_broad_prefix: int
    """...which needs at least this many letters..."""
    max_broad_prefixes: int
    """...and a query may hold this many of."""
    budget_seconds: float
    """Processor time one search may spend before it is refused."""


class SearchService(Protocol):
    """Searching the archive's paragraphs."""

    @property
    def limits(self) -> SearchLimits: ...

    def search(
        self,
        session: Session,
        query: Query,
        *,
        filters: Filters = Filters(),
        sort: Sort = "relevance",
        limit: int = 20,
        offset: int = 0,
        after: After | None = None,
    ) -> SearchResult:
        """One page of the paragraphs matching `query`, with totals and the per-year history.

        With `after` (date sorts only) the page starts just past that match in the sort's
        order, by (statement date, paragraph id), `offset` counting from there; the totals
        and history stay those of the whole query. `UnknownPosition` when `after` names no
        paragraph; ValueError with sort "relevance"."""
        ...

    def agenda_counts(
        self, session: Session, query: Query, *, filters: Filters = Filters()
    ) -> AgendaCounts:
        """How many statements use `query` under each agenda item, within `filters`: the count
        for an item is the `total_statements` a search filtered to that item answers (exact
        where the search's counts are, else an estimate the result names)."""
        ...

    def marked_paragraphs(
        self, session: Session, query: Query, *, statement_pk: int
    ) -> dict[int, Markup]:
        """A statement's paragraphs matching `query`, matched words marked, by number."""
        ...

    def prepare(self, session: Session) -> bool:
        """Build what searches of the archive's current version need; False when it cannot."""
        ...

    def prepared(self, session: Session) -> bool:
        """Whether `prepare` has been done for the current version."""
        ...

    def clear_caches(self, *, timelines: bool = True) -> None:
        """Forget what is kept between requests."""
        ...

    def check_readable(self, session: Session) -> None:
        """Raise the engine's error when the index cannot be read."""
        ...


class SearchIndex(Protocol):
    """Keeping the index in step with the paragraph table, inside the ingest's transaction."""

    def add(self, conn: Connection, *, from_id: int) -> None:
        """Index the paragraphs whose id is `from_id` or more (just written)."""
        ...

    def vocabulary(self, conn: Connection) -> Counter[str]:
        """Every indexed word with the number of paragraphs holding it."""
        ...

    def phrase_count(self, conn: Connection, words: Sequence[str], *, at_most: int) -> int:
        """How many paragraphs hold `words` in a row (as search matches a phrase: case and
        hyphens aside), counted up to `at_most`."""
        ...

    def optimise(self, conn: Connection, *, added: int) -> None:
        """Reorganise the index after a run that added `added` paragraphs, if worth it."""
        ...
