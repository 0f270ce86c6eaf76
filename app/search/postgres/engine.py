"""Search on PostgreSQL: the archive's query language as a tsquery over `paragraph.tsv`.

The meaning is the FTS5 engine's (`app.search.fts5.engine`): words all present, "phrases" in
order, OR, exclusions and prefixes; case and accents folded, no stemming. Both sides are folded
by the database's own `archive_fold` (migration 0001), the words of a query in one round trip,
so a query and the paragraphs it should find are always folded alike. Every lexeme is quoted
into the tsquery: what a user types is never tsquery syntax.

Differences from FTS5, by design of each engine: counts and the per-year history are exact (a
GIN index answers them with a bitmap, with no need for the timeline's samples); relevance is
`ts_rank_cd` (cover density, normalised by length) rather than BM25, over the same newest
`RANK_CAP` matches; matches are marked in Python (`app.search.marking`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from markupsafe import Markup
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from app.search.cache import LRU
from app.search.interfaces import SearchLimits
from app.search.marking import excerpt, mark
from app.search.query import Query, Term
from app.search.results import (
    After,
    AgendaCounts,
    Filters,
    Hit,
    SearchRefused,
    SearchResult,
    Sort,
    UnknownPosition,
    Use,
    marked,
)
from app.store.models import Statement
from app.store.services import archive_version

TIMEOUT_SECONDS = 10.0
"""What a search may take: the read-only engine's statement timeout
(`app.store.postgres.connect.READER_STATEMENT_TIMEOUT_MS`), past which the server cancels it."""

P = ParamSpec("P")
R = TypeVar("R")


def _refusing(read: Callable[P, R]) -> Callable[P, R]:
    """A query too broad is refused before it runs; one the server cancels for taking longer
    than a reader may is refused too, with the reason (never a 503)."""

    @wraps(read)
    def reading(*args: P.args, **kwargs: P.kwargs) -> R:
        query = args[1] if len(args) > 1 else kwargs["query"]
        if isinstance(query, Query) and query.refused:
            raise SearchRefused(query.refused)
        try:
            return read(*args, **kwargs)
        except OperationalError as exc:
            if "statement timeout" not in str(exc.orig):
                raise
            raise SearchRefused(
                f"This search is too expensive to answer: it needed more than "
                f"{TIMEOUT_SECONDS:g} s of the server's time. Narrow it: fewer words joined by "
                "OR, a phrase in quotation marks, or a period of years.",
                cost=TIMEOUT_SECONDS,
            ) from exc

    return reading


RANK_CAP = 1_000
"""Relevance ranks at most this many matches, the newest (as on FTS5)."""
SNIPPET_FROM_WORDS = 80
SNIPPET_TOKENS = 48

Phrases = list[tuple[tuple[str, ...], bool]]


def quote_lexeme(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


class _Folded:
    """The query's words folded by the database, and the tsquery they make."""

    def __init__(self, session: Session, query: Query) -> None:
        tokens = sorted({t for term in query.terms() for t in term.tokens})
        # The query's words are runs of letters and digits, lower-cased: in ASCII that is
        # already what archive_fold makes of them; other words go to the database.
        self.folded: dict[str, tuple[str, ...]] = {t: (t,) for t in tokens if t.isascii()}
        others = [t for t in tokens if not t.isascii()]
        if others:
            rows = session.connection().exec_driver_sql(
                "SELECT t, archive_fold(t) FROM unnest(CAST(? AS text[])) AS t", (others,)
            )
            self.folded.update((t, tuple(f.split())) for t, f in rows)
        self.query = query

    def lexemes(self, term: Term) -> tuple[str, ...]:
        return tuple(w for t in term.tokens for w in self.folded.get(t, ()))

    def term(self, term: Term) -> str | None:
        words = self.lexemes(term)
        if not words:
            return None
        parts = [quote_lexeme(w) for w in words]
        if term.prefix:
            parts[-1] += ":*"
        return parts[0] if len(parts) == 1 else "(" + " <-> ".join(parts) + ")"

    def tsquery(self) -> str | None:
        groups = []
        for group in self.query.groups:
            alternatives = [t for t in (self.term(term) for term in group) if t]
            if alternatives:
                groups.append("(" + " | ".join(alternatives) + ")")
        if not groups:
            return None
        expression = " & ".join(groups)
        for term in self.query.excluded:
            if (text := self.term(term)) is not None:
                expression = f"({expression}) & !{text}"
        return expression

    def phrases(self) -> Phrases:
        """What to mark: the words of the terms to find (not of those excluded)."""
        return [(self.lexemes(t), t.prefix) for g in self.query.groups for t in g if t.tokens]


def _where(filters: Filters) -> tuple[str, list[Any]]:
    clauses: list[str] = ["p.tsv @@ to_tsquery('simple', ?)"]
    params: list[Any] = []
    if filters.year_from is not None:
        clauses.append("s.year >= ?")
        params.append(filters.year_from)
    if filters.year_to is not None:
        clauses.append("s.year <= ?")
        params.append(filters.year_to)
    if filters.agenda_item is not None:
        clauses.append("s.agenda_item = ?")
        params.append(filters.agenda_item)
    return " AND ".join(clauses), params


FROM = "FROM paragraph p JOIN statement s ON s.pk = p.statement_pk"


def _rows(session: Session, sql: str, params: Sequence[Any]) -> list[Any]:
    return list(session.connection().exec_driver_sql(sql, tuple(params)))


@_refusing
def search(
    session: Session,
    query: Query,
    *,
    filters: Filters = Filters(),
    sort: Sort = "relevance",
    limit: int = 20,
    offset: int = 0,
    after: After | None = None,
) -> SearchResult:
    """Paragraphs matching `query`, one page of them, with totals and the per-year history;
    with `after` (date sorts), the page past that match."""
    if after is not None and sort == "relevance":
        raise ValueError("a position (after) orders by date: sort newest or oldest")
    result = SearchResult(query)
    if query.fts() is None:
        return result
    folded = _Folded(session, query)
    tsquery = folded.tsquery()
    if tsquery is None:
        return result
    where, params = _where(filters)
    args = [tsquery, *params]
    version = archive_version(session.connection())
    key = (version, tsquery, filters) if version else None
    summary = _summaries.get_or_compute(key, lambda: _summarize(session, where, args))
    if summary is None:
        return result
    result.years = dict(summary.years)
    result.total_paragraphs = summary.paragraphs
    result.total_statements = sum(result.years.values())
    first, latest = summary.first, summary.latest

    # Rank = minus ts_rank_cd, so that lower is more relevant as with BM25 (the API's contract).
    score_sql = "-ts_rank_cd(p.tsv, to_tsquery('simple', ?), 1)"
    if sort == "relevance" and summary.paragraphs <= RANK_CAP:
        ranked = _rows(
            session,
            f"SELECT p.id, {score_sql} AS rank {FROM} WHERE {where} ORDER BY rank, p.id DESC "
            f"LIMIT {int(limit)} OFFSET {int(offset)}",
            [tsquery, *args],
        )
        page = [(int(pid), float(score)) for pid, score in ranked]
    elif sort == "relevance":
        # The newest RANK_CAP matches lie in the latest years that hold that many: only those
        # years' matches are read and sorted.
        since = _years_holding(summary, RANK_CAP + 1, newest=True)
        newest = _rows(
            session,
            f"SELECT p.id, s.date {FROM} WHERE {where} AND s.year >= ? "
            f"ORDER BY s.date DESC, p.id DESC LIMIT {RANK_CAP}",
            [*args, since],
        )
        result.ranked_among = RANK_CAP
        result.ranked_since = _date(newest[-1][1])
        ranked = _rows(
            session,
            f"SELECT p.id, {score_sql} AS rank FROM paragraph p WHERE p.id = ANY(?) "
            f"ORDER BY rank, p.id DESC LIMIT {int(limit)} OFFSET {int(offset)}",
            [tsquery, [int(r[0]) for r in newest]],
        )
        page = [(int(pid), float(score)) for pid, score in ranked]
    else:
        newest_first = sort == "newest"
        order = "DESC" if newest_first else "ASC"
        past_args: list[Any]
        if after is None:
            bound = _years_holding(summary, offset + limit, newest=newest_first)
            past, past_args = f"s.year {'>=' if newest_first else '<='} ?", [bound]
        else:
            # Just past the named match, in the order the pages follow: (date, paragraph id).
            date, pid = _position(session, after)
            past, past_args = f"(s.date, p.id) {'<' if newest_first else '>'} (?, ?)", [date, pid]
        rows = _rows(
            session,
            f"SELECT p.id {FROM} WHERE {where} AND {past} "
            f"ORDER BY s.date {order}, p.id {order} LIMIT {int(limit)} OFFSET {int(offset)}",
            [*args, *past_args],
        )
        page = [(int(r[0]), 0.0) for r in rows]

    wanted = [pid for pid, _ in page] + [first, latest]
    located = {
        int(pid): (int(pk), int(number), plain)
        for pid, pk, number, plain in _rows(
            session,
            "SELECT id, statement_pk, number, plain FROM paragraph WHERE id = ANY(?)",
            [wanted],
        )
    }
    statements = _statements(session, {pk for pk, _, _ in located.values()})
    phrases = folded.phrases()
    for pid, rank in page:
        pk, number, plain = located[pid]
        shown = (
            mark(plain, phrases)
            if len(plain.split()) < SNIPPET_FROM_WORDS
            else excerpt(plain, phrases, tokens=SNIPPET_TOKENS)
        )
        result.hits.append(Hit(statements[pk], number, marked(shown), rank))
    result.first_use = Use(statements[located[first][0]], located[first][1])
    result.latest_use = Use(statements[located[latest][0]], located[latest][1])
    pks = sorted(statements)
    result.paragraph_counts = {
        int(pk): int(n)
        for pk, n in _rows(
            session,
            "SELECT statement_pk, count(*) FROM paragraph WHERE statement_pk = ANY(?) "
            "GROUP BY statement_pk",
            [pks],
        )
    }
    return result


@dataclass(frozen=True)
class _Summary:
    years: tuple[tuple[int, int], ...]
    """Statements using the language, per year (a statement falls in one year)."""
    paragraphs_by_year: tuple[tuple[int, int], ...]
    paragraphs: int
    first: int
    latest: int


_summaries: LRU[tuple[Any, ...], _Summary | None] = LRU(1024)
"""Counts, history and first and latest use of recent queries, per version of the archive:
for a common word they are the costly part (every match is counted), and they stay true
until the next ingest commits."""


def _summarize(session: Session, where: str, args: list[Any]) -> _Summary | None:
    years = _rows(
        session,
        f"SELECT s.year, count(*), count(DISTINCT s.pk) {FROM} WHERE {where} GROUP BY s.year",
        args,
    )
    if not years:
        return None

    def edge(order: str, year: int) -> int:
        # Within the first (or last) year only: the rest of the matches need not be read.
        rows = _rows(
            session,
            f"SELECT p.id {FROM} WHERE {where} AND s.year = ? ORDER BY s.date {order}, "
            f"s.pk {order}, p.number {order} LIMIT 1",
            [*args, year],
        )
        return int(rows[0][0])

    held = sorted(int(y) for y, _, _ in years)
    return _Summary(
        years=tuple(sorted((int(y), int(k)) for y, _, k in years)),
        paragraphs_by_year=tuple(sorted((int(y), int(n)) for y, n, _ in years)),
        paragraphs=sum(int(n) for _, n, _ in years),
        first=edge("ASC", held[0]),
        latest=edge("DESC", held[-1]),
    )


def _position(session: Session, after: After) -> tuple[dt.date, int]:
    rows = _rows(
        session,
        "SELECT s.date, p.id FROM paragraph p JOIN statement s ON s.pk = p.statement_pk "
        "WHERE p.statement_pk = ? AND p.number = ?",
        [after.statement_pk, after.number],
    )
    if not rows:
        raise UnknownPosition(f"no paragraph {after.number} of statement {after.statement_pk}")
    return _date(rows[0][0]), int(rows[0][1])


_agendas: LRU[tuple[Any, ...], AgendaCounts] = LRU(1024)


@_refusing
def agenda_counts(session: Session, query: Query, *, filters: Filters = Filters()) -> AgendaCounts:
    """Statements using `query` per agenda item, exact (most used first, then by name)."""
    if query.fts() is None:
        return AgendaCounts()
    tsquery = _Folded(session, query).tsquery()
    if tsquery is None:
        return AgendaCounts()
    where, params = _where(filters)
    version = archive_version(session.connection())
    key = (version, tsquery, filters) if version else None

    def count() -> AgendaCounts:
        rows = _rows(
            session,
            f"SELECT s.agenda_item, count(DISTINCT s.pk) AS n {FROM} WHERE {where} "
            "AND s.agenda_item IS NOT NULL GROUP BY s.agenda_item ORDER BY n DESC, s.agenda_item",
            [tsquery, *params],
        )
        return AgendaCounts({str(item): int(n) for item, n in rows})

    return _agendas.get_or_compute(key, count)


def _years_holding(summary: _Summary, wanted: int, *, newest: bool) -> int:
    """The year back to which (or, oldest first, up to which) the matches number `wanted`."""
    years = sorted(summary.paragraphs_by_year, reverse=newest)
    seen = 0
    for year, n in years:
        seen += n
        if seen >= wanted:
            return year
    return years[-1][0]


def _date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _statements(session: Session, pks: Iterable[int]) -> dict[int, Statement]:
    wanted = set(pks)
    if not wanted:
        return {}
    big: tuple[Any, ...] = (Statement.source_zlib, Statement.intro, Statement.footnotes)
    rows = session.exec(
        select(Statement).where(col(Statement.pk).in_(wanted)).options(*(defer(c) for c in big))
    )
    return {s.pk: s for s in rows if s.pk is not None}


@_refusing
def marked_paragraphs(session: Session, query: Query, *, statement_pk: int) -> dict[int, Markup]:
    """A statement's paragraphs matching `query`, matched words marked, by number."""
    if query.fts() is None:
        return {}
    folded = _Folded(session, query)
    tsquery = folded.tsquery()
    if tsquery is None:
        return {}
    phrases = folded.phrases()
    rows = _rows(
        session,
        "SELECT number, plain FROM paragraph WHERE statement_pk = ? "
        "AND tsv @@ to_tsquery('simple', ?)",
        [statement_pk, tsquery],
    )
    return {int(number): marked(mark(plain, phrases)) for number, plain in rows}


def prepare(session: Session) -> bool:
    """Nothing to build ahead: the GIN index answers every query as it comes."""
    return True


def prepared(session: Session) -> bool:
    return True


def clear_caches(*, timelines: bool = True) -> None:
    """Forget the counts kept between requests (this engine has no timelines)."""
    _summaries.clear()
    _agendas.clear()


def check_readable(session: Session) -> None:
    session.connection().exec_driver_sql("SELECT id FROM paragraph WHERE tsv IS NOT NULL LIMIT 1")


class PostgresSearch:
    """The search service over PostgreSQL's full-text search (`SearchService`)."""

    limits = SearchLimits(
        sample=0,
        rank_cap=RANK_CAP,
        max_prefix_words=0,
        min_broad_prefix=0,
        max_broad_prefixes=0,
        budget_seconds=TIMEOUT_SECONDS,
    )
    search = staticmethod(search)
    agenda_counts = staticmethod(agenda_counts)
    marked_paragraphs = staticmethod(marked_paragraphs)
    prepare = staticmethod(prepare)
    prepared = staticmethod(prepared)
    clear_caches = staticmethod(clear_caches)
    check_readable = staticmethod(check_readable)
