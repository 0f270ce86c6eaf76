"""Full-text search over paragraphs: all FTS5 SQL lives here.

A query is parsed by `app.query` into a safe FTS5 expression; the SQL joins the index to the
paragraph and statement tables on rowid, binds every value, ranks with bm25 and marks matches
with `highlight`/`snippet` using control characters that are turned into <mark> only after the
text has been escaped.

Counting is bounded: totals, the per-year history and relevance ranking look at no more than
`COUNT_CAP` matching paragraphs (the most recent ones, since rowids follow dates), and the
response says when that cap was reached, so a very common word stays fast on a large archive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from markupsafe import Markup, escape
from sqlalchemy import text
from sqlmodel import Session, col, select

from app.models import Statement
from app.query import Query

COUNT_CAP = 20_000
SNIPPET_FROM_WORDS = 80
"""Paragraphs longer than this are shown as an excerpt around the match."""
SNIPPET_TOKENS = 48
OPEN, CLOSE = "\x02", "\x03"

Sort = Literal["relevance", "newest", "oldest"]


@dataclass(frozen=True)
class Filters:
    year_from: int | None = None
    year_to: int | None = None
    agenda_item: str | None = None

    def sql(self) -> tuple[str, dict[str, Any]]:
        clauses: list[str] = []
        params: dict[str, Any] = {}
        if self.year_from is not None:
            clauses.append("s.year >= :year_from")
            params["year_from"] = self.year_from
        if self.year_to is not None:
            clauses.append("s.year <= :year_to")
            params["year_to"] = self.year_to
        if self.agenda_item:
            clauses.append("s.agenda_item = :agenda_item")
            params["agenda_item"] = self.agenda_item
        return "".join(f" AND {c}" for c in clauses), params


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
    hits: list[Hit] = field(default_factory=list)
    years: dict[int, int] = field(default_factory=dict)
    first_use: Use | None = None
    latest_use: Use | None = None
    paragraph_counts: dict[int, int] = field(default_factory=dict)

    def grouped(self) -> list[tuple[Statement, list[Hit]]]:
        """Hits grouped under their statement, statements in order of their best hit and
        hits within a statement in paragraph order, as a reader meets them."""
        groups: dict[int, tuple[Statement, list[Hit]]] = {}
        for hit in self.hits:
            pk = hit.statement.pk or 0
            groups.setdefault(pk, (hit.statement, []))[1].append(hit)
        return [(s, sorted(hits, key=lambda h: h.number)) for s, hits in groups.values()]


def marked(fts_text: str) -> Markup:
    """Text from highlight()/snippet(): escaped, then the match markers turned into <mark>."""
    escaped = str(escape(fts_text))
    return Markup(escaped.replace(OPEN, "<mark>").replace(CLOSE, "</mark>"))


MATCHES = """
    FROM paragraph_fts
    JOIN paragraph p ON p.id = paragraph_fts.rowid
    JOIN statement s ON s.pk = p.statement_pk
    WHERE paragraph_fts MATCH :q
"""


def search(
    session: Session,
    query: Query,
    *,
    filters: Filters = Filters(),
    sort: Sort = "relevance",
    limit: int = 20,
    offset: int = 0,
) -> SearchResult:
    """Paragraphs matching `query`, one page of them, with totals and the per-year history."""
    result = SearchResult(query)
    expression = query.fts()
    if expression is None:
        return result
    where, params = filters.sql()
    params = {**params, "q": expression, "cap": COUNT_CAP}
    conn = session.connection()

    # One pass over the newest COUNT_CAP matches (FTS5 hands out rowids in descending order
    # without sorting) gives the totals, the history per year and the first and latest use.
    bounded = (
        "SELECT paragraph_fts.rowid AS id, p.statement_pk, p.number, s.year, s.date "
        f"{MATCHES} {where} ORDER BY paragraph_fts.rowid DESC LIMIT :cap"
    )
    per_year = conn.execute(
        text(
            "SELECT year, count(*), count(DISTINCT statement_pk), "
            "min(date || ' ' || printf('%012d', statement_pk) || ' ' || printf('%06d', number)), "
            "max(date || ' ' || printf('%012d', statement_pk) || ' ' || printf('%06d', number)) "
            f"FROM ({bounded}) GROUP BY year ORDER BY year"
        ),
        params,
    ).all()
    if not per_year:
        return result
    result.total_paragraphs = sum(int(row[1]) for row in per_year)
    result.total_statements = sum(int(row[2]) for row in per_year)
    result.capped = result.total_paragraphs >= COUNT_CAP
    result.years = {int(row[0]): int(row[2]) for row in per_year}
    result.first_use = _use(session, per_year[0][3])
    result.latest_use = _use(session, per_year[-1][4])

    restrict = " AND paragraph_fts.rowid IN (SELECT id FROM bounded)" if result.capped else ""
    page_params = {**params, "limit": limit, "offset": offset}
    if sort == "relevance" and not where:
        # Ranking needs only the index: rank first, then join the page's twenty rows.
        page = conn.execute(
            text(
                f"WITH bounded AS ({bounded}), top AS ("
                "SELECT paragraph_fts.rowid AS id, paragraph_fts.rank AS rank FROM paragraph_fts "
                f"WHERE paragraph_fts MATCH :q{restrict} "
                "ORDER BY rank LIMIT :limit OFFSET :offset) "
                "SELECT p.id, p.statement_pk, p.number, top.rank FROM top "
                "JOIN paragraph p ON p.id = top.id ORDER BY top.rank"
            ),
            page_params,
        ).all()
    else:
        order = {
            "relevance": "rank, s.date DESC, p.number",
            "newest": "s.date DESC, s.pk DESC, p.number",
            "oldest": "s.date ASC, s.pk ASC, p.number",
        }[sort]
        page = conn.execute(
            text(
                f"WITH bounded AS ({bounded}) "
                f"SELECT p.id, p.statement_pk, p.number, paragraph_fts.rank {MATCHES} {where}"
                f"{restrict} ORDER BY {order} LIMIT :limit OFFSET :offset"
            ),
            page_params,
        ).all()
    statements = _statements(session, {r[1] for r in page})
    snippets = _snippets(session, expression, [r[0] for r in page])
    result.hits = [
        Hit(statements[pk], number, snippets.get(pid, Markup("")), float(rank))
        for pid, pk, number, rank in page
    ]
    result.paragraph_counts = paragraph_counts(session, [h.statement.pk for h in result.hits])
    return result


def _statements(session: Session, pks: set[int]) -> dict[int, Statement]:
    if not pks:
        return {}
    rows = session.exec(select(Statement).where(col(Statement.pk).in_(pks)))
    return {s.pk: s for s in rows if s.pk is not None}


def paragraph_counts(session: Session, pks: list[int | None]) -> dict[int, int]:
    wanted = [pk for pk in pks if pk is not None]
    if not wanted:
        return {}
    rows = session.connection().execute(
        text(
            "SELECT statement_pk, count(*) FROM paragraph WHERE statement_pk IN "
            f"({','.join(str(int(pk)) for pk in set(wanted))}) GROUP BY statement_pk"
        )
    )
    return {int(pk): int(n) for pk, n in rows}


def _snippets(session: Session, expression: str, ids: list[int]) -> dict[int, Markup]:
    """Whole paragraphs when short, an excerpt around the match when long, matches marked."""
    if not ids:
        return {}
    id_list = ",".join(str(int(i)) for i in ids)
    rows = session.connection().execute(
        text(
            "SELECT rowid, "
            "CASE WHEN length(plain) - length(replace(plain, ' ', '')) < :words "
            "THEN highlight(paragraph_fts, 0, :open, :close) "
            "ELSE snippet(paragraph_fts, 0, :open, :close, '…', :tokens) END "
            f"FROM paragraph_fts WHERE paragraph_fts MATCH :q AND rowid IN ({id_list})"
        ),
        {
            "q": expression,
            "open": OPEN,
            "close": CLOSE,
            "words": SNIPPET_FROM_WORDS,
            "tokens": SNIPPET_TOKENS,
        },
    )
    return {int(rowid): marked(value) for rowid, value in rows}


def _use(session: Session, key: str) -> Use | None:
    """The statement and paragraph named by a 'date pk number' key from the history pass."""
    _date, pk, number = key.split(" ")
    statement = session.get(Statement, int(pk))
    return Use(statement, int(number)) if statement else None


def marked_paragraphs(session: Session, query: Query, *, statement_pk: int) -> dict[int, Markup]:
    """For a statement page opened from a search hit: its matching paragraphs with the
    matched words marked, by paragraph number."""
    expression = query.fts()
    if expression is None:
        return {}
    rows = session.connection().execute(
        text(
            "SELECT p.number, highlight(paragraph_fts, 0, :open, :close) "
            "FROM paragraph_fts JOIN paragraph p ON p.id = paragraph_fts.rowid "
            "WHERE paragraph_fts MATCH :q AND p.statement_pk = :pk"
        ),
        {"q": expression, "open": OPEN, "close": CLOSE, "pk": statement_pk},
    )
    return {int(number): marked(value) for number, value in rows}
