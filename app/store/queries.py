"""Read-side data functions shared by pages, the JSON API and scripts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import func, tuple_
from sqlalchemy.orm import defer, load_only
from sqlmodel import Session, col, select

from app.parse.ids import symbol_to_id
from app.store.models import Alias, CatalogueEntry, Corrigendum, Paragraph, Statement
from app.store.previews import Preview, previews
from app.store.sql import as_date
from app.store.sql import rows as sql_rows

DateOrder = Literal["newest", "oldest"]


@dataclass(frozen=True)
class Located:
    """A paragraph with its statement."""

    statement: Statement
    paragraph: Paragraph

    @property
    def sort_key(self) -> tuple[object, ...]:
        """Oldest first: by the statement's date, then its id, then paragraph number."""
        return (self.statement.date, self.statement.id, self.paragraph.number)


@dataclass(frozen=True, slots=True)
class StatementLink:
    """Enough of a statement to link to it."""

    id: str
    symbol: str | None
    date: dt.date


@dataclass(frozen=True, slots=True)
class ParagraphText:
    """A paragraph as the pages and the API show it."""

    id: int
    number: int
    text: str
    printed: str | None = None
    """As extracted, when extraction damage in `text` was repaired."""


def _rows(session: Session, sql: str, *params: object) -> list[Any]:
    """Rows of hand-written SQL on the session's connection, as plain tuples (`app.store.sql`)."""
    return sql_rows(session.connection(), sql, params)


@dataclass
class ArchiveStats:
    statements: int
    paragraphs: int
    first_year: int | None
    last_year: int | None


@dataclass
class StatementRow:
    """A statement with what listing it needs beyond its own columns."""

    statement: Statement
    paragraph_count: int
    first_words: str
    """The opening words of the paragraph that says what the statement is about."""
    preview_number: int = 1
    """That paragraph's number."""


@dataclass
class StatementPage:
    total: int
    rows: list[StatementRow]


def archive_stats(session: Session) -> ArchiveStats:
    statements, first, last = session.exec(
        select(func.count(col(Statement.pk)), func.min(Statement.year), func.max(Statement.year))
    ).one()
    paragraphs = session.exec(select(func.count(col(Paragraph.id)))).one()
    return ArchiveStats(statements, paragraphs, first, last)


def latest_statements(session: Session, *, limit: int = 10) -> list[Statement]:
    return list(
        session.exec(
            select(Statement).order_by(col(Statement.date).desc(), col(Statement.id)).limit(limit)
        )
    )


def count_statements(
    session: Session, *, year: int | None = None, agenda_item: str | None = None
) -> int:
    """How many statements the browse filters let through."""
    return session.exec(
        select(func.count(col(Statement.pk))).where(*_filters(year, agenda_item))
    ).one()


def _filters(year: int | None, agenda_item: str | None) -> list[Any]:
    conditions = []
    if year is not None:
        conditions.append(col(Statement.year) == year)
    if agenda_item:
        conditions.append(col(Statement.agenda_item) == agenda_item)
    return conditions


LISTED: tuple[Any, ...] = (
    Statement.pk,
    Statement.id,
    Statement.symbol,
    Statement.title,
    Statement.date,
    Statement.year,
    Statement.meeting_number,
    Statement.agenda_item,
)
"""What a listing shows of each statement; the rest (the source text above all) stays unread."""


def list_statements(
    session: Session,
    *,
    year: int | None = None,
    agenda_item: str | None = None,
    order: DateOrder = "newest",
    limit: int = 25,
    offset: int = 0,
    total: int | None = None,
    after: Statement | None = None,
) -> StatementPage:
    """One page of statements with the browse filters, and how many match in all (`total`,
    when the caller knows it already); with `after`, the page starts just past that statement
    in the order asked for (a cursor: no rows are counted off to get there)."""
    if total is None:
        total = count_statements(session, year=year, agenda_item=agenda_item)
    by_date = col(Statement.date).desc() if order == "newest" else col(Statement.date).asc()
    by_pk = col(Statement.pk).desc() if order == "newest" else col(Statement.pk).asc()
    conditions = _filters(year, agenda_item)
    if after is not None:
        key = tuple_(col(Statement.date), col(Statement.pk))
        past = (after.date, after.pk)
        conditions.append(key < past if order == "newest" else key > past)
    statements = list(
        session.exec(
            select(Statement)
            .options(load_only(*LISTED))
            .where(*conditions)
            .order_by(by_date, by_pk)
            .limit(limit)
            .offset(offset)
        )
    )
    return StatementPage(total, summarize(session, statements))


def summarize(session: Session, statements: list[Statement]) -> list[StatementRow]:
    """Paragraph counts and a preview (`app.store.previews`) for a list of statements."""
    pks = [s.pk for s in statements if s.pk is not None]
    marks = ", ".join("?" * len(pks))
    # Counting reads entries of the statement_pk index only.
    counts = dict(
        _rows(
            session,
            f"SELECT statement_pk, count(*) FROM paragraph WHERE statement_pk IN ({marks}) "
            "GROUP BY statement_pk",
            *pks,
        )
    )
    shown = previews(session, pks)
    rows = []
    for s in statements:
        preview = shown.get(s.pk or 0, Preview(1, ""))
        rows.append(
            StatementRow(s, counts.get(s.pk, 0), _first_words(preview.text), preview.number)
        )
    return rows


def _first_words(text: str, words: int = 30) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def year_counts(session: Session) -> list[tuple[int, int]]:
    rows = session.exec(
        select(Statement.year, func.count(col(Statement.pk)))
        .group_by(col(Statement.year))
        .order_by(col(Statement.year).desc())
    )
    return [(year, n) for year, n in rows]


def agenda_items(session: Session) -> list[tuple[str, int]]:
    """Agenda items with how many statements each has, most used first."""
    rows = session.exec(
        select(Statement.agenda_item, func.count(col(Statement.pk)))
        .where(col(Statement.agenda_item).is_not(None))
        .group_by(col(Statement.agenda_item))
        .order_by(func.count(col(Statement.pk)).desc(), col(Statement.agenda_item))
    )
    return [(item, n) for item, n in rows if item]


def statement_by_id(session: Session, *, statement_id: str) -> Statement | None:
    """The statement with that id (its source file read only if asked for)."""
    source = defer(Statement.source_zlib)  # type: ignore[arg-type]
    return session.exec(
        select(Statement).where(Statement.id == statement_id).options(source)
    ).first()


def statement_by_symbol(session: Session, *, symbol: str) -> Statement | None:
    return session.exec(select(Statement).where(Statement.symbol == symbol)).first()


def resolve_alias(session: Session, *, alias: str) -> Statement | None:
    """The statement an old, published id now points to."""
    row = session.get(Alias, alias)
    return session.get(Statement, row.statement_pk) if row else None


def statements_at_meeting(session: Session, *, meeting: int) -> list[Statement]:
    return list(
        session.exec(
            select(Statement)
            .where(Statement.meeting_number == meeting)
            .order_by(col(Statement.date), col(Statement.pk))
        )
    )


def paragraphs_of(session: Session, *, statement: Statement) -> list[ParagraphText]:
    """The statement's paragraphs in order."""
    rows = _rows(
        session,
        "SELECT id, number, text, printed FROM paragraph WHERE statement_pk = ? ORDER BY number",
        statement.pk,
    )
    return [ParagraphText(*row) for row in rows]


def paragraph_count(session: Session, *, statement: Statement) -> int:
    [(count,)] = _rows(
        session, "SELECT count(*) FROM paragraph WHERE statement_pk = ?", statement.pk
    )
    return int(count)


def paragraph_of(session: Session, *, statement: Statement, number: int) -> Paragraph | None:
    return session.exec(
        select(Paragraph).where(Paragraph.statement_pk == statement.pk, Paragraph.number == number)
    ).first()


def neighbours(session: Session, *, statement: Statement) -> tuple[StatementLink | None, ...]:
    """The statements just before and just after this one by date (then by pk)."""
    # Row values, not `date < d OR (date = d AND pk < p)`: SQLite walks the date index (whose
    # entries end with the pk) straight to the neighbour instead of sorting the OR's matches.
    found = []
    for sql in (
        "SELECT id, symbol, date FROM statement WHERE (date, pk) < (?, ?) "
        "ORDER BY date DESC, pk DESC LIMIT 1",
        "SELECT id, symbol, date FROM statement WHERE (date, pk) > (?, ?) "
        "ORDER BY date, pk LIMIT 1",
    ):
        rows = _rows(session, sql, statement.date.isoformat(), statement.pk)
        found.append(StatementLink(rows[0][0], rows[0][1], as_date(rows[0][2])) if rows else None)
    return tuple(found)


BULK_SQL = """
    SELECT pk, id, symbol, title, date, meeting_number, meeting_date, agenda_item,
           distribution_date, original_language, intro, footnotes
    FROM statement ORDER BY date, pk
"""


def bulk_records(session: Session) -> Iterator[dict[str, Any]]:
    """Every statement as one record (oldest first), paragraphs and corrigenda included: the
    bulk download. Streamed row by row, without source texts, so memory stays small whatever
    the size of the archive."""
    conn = session.connection()
    corrections: dict[str, list[dict[str, Any]]] = {}
    for symbol, corrects, date, text in conn.exec_driver_sql(
        "SELECT symbol, corrects, date, text FROM corrigendum ORDER BY symbol"
    ):
        corrections.setdefault(corrects, []).append(
            {"symbol": symbol, "date": date and str(date), "text": text}
        )
    for row in conn.exec_driver_sql(BULK_SQL):
        (pk, sid, symbol, title, date, meeting, meeting_date, agenda, distributed, language,
         intro, footnotes) = row  # fmt: skip
        paragraphs = conn.exec_driver_sql(
            "SELECT number, text FROM paragraph WHERE statement_pk = ? ORDER BY number", (pk,)
        )
        yield {
            "id": sid,
            "symbol": symbol,
            "title": title,
            "date": str(date),
            "meeting": meeting,
            "meeting_date": meeting_date and str(meeting_date),
            "agenda_item": agenda,
            "distribution_date": distributed and str(distributed),
            "original_language": language,
            "intro": intro,
            "footnotes": footnotes,
            "corrigenda": corrections.get(symbol or "", []),
            "url": f"/statements/{sid}",
            "source_url": f"/statements/{sid}/source.txt",
            "paragraphs": [
                {"number": n, "text": text, "url": f"/statements/{sid}#p{n}"}
                for n, text in paragraphs
            ],
        }


def corrigenda_of(session: Session, *, statement: Statement) -> list[Corrigendum]:
    """The corrigenda issued for a statement (one may withdraw it)."""
    if not statement.symbol:
        return []
    return list(
        session.exec(
            select(Corrigendum)
            .where(Corrigendum.corrects == statement.symbol)
            .order_by(col(Corrigendum.symbol))
        )
    )


@dataclass
class YearCompleteness:
    year: int
    in_archive: int
    catalogued: int
    catalogued_in_archive: int


def completeness(session: Session) -> list[YearCompleteness]:
    """Per year: statements held, statements the catalogue lists, and how many of those are held."""
    rows = session.connection().exec_driver_sql(
        "SELECT y.year, "
        "(SELECT count(*) FROM statement s WHERE s.year = y.year), "
        "(SELECT count(*) FROM catalogueentry c WHERE c.year = y.year), "
        "(SELECT count(*) FROM catalogueentry c JOIN statement s ON s.symbol = c.symbol "
        " WHERE c.year = y.year) "
        "FROM (SELECT year FROM statement UNION SELECT year FROM catalogueentry) y "
        "ORDER BY y.year DESC"
    )
    return [YearCompleteness(*map(int, row)) for row in rows]


def missing_texts(session: Session, *, year: int) -> list[CatalogueEntry]:
    """Catalogued statements of a year whose text is not in the archive yet."""
    held = select(Statement.symbol).where(col(Statement.symbol).is_not(None))
    return list(
        session.exec(
            select(CatalogueEntry)
            .where(CatalogueEntry.year == year, col(CatalogueEntry.symbol).not_in(held))
            .order_by(col(CatalogueEntry.date), col(CatalogueEntry.symbol))
        )
    )


def catalogue_topic(session: Session, *, symbol: str | None) -> str | None:
    """The catalogue's topic for a statement, used where its text names no agenda item."""
    if not symbol:
        return None
    entry = session.get(CatalogueEntry, symbol)
    return entry.topic if entry else None


def statement_for_unknown_id(session: Session, *, statement_id: str) -> Statement | None:
    """The statement a near-miss id means: the same id in other capitals
    (`s-prst-2013-15`), or the id of a corrigendum (`S-PRST-2000-27-Corr.1`), which is shown
    on the statement it corrects."""
    folded = (
        session.exec(select(Statement).where(col(Statement.id) == statement_id.upper())).first()
        or session.exec(
            select(Statement).where(func.lower(Statement.id) == statement_id.lower())
        ).first()
    )
    if folded is not None:
        return folded
    for corrigendum in session.exec(select(Corrigendum)):
        if symbol_to_id(corrigendum.symbol).lower() == statement_id.lower():
            return statement_by_symbol(session, symbol=corrigendum.corrects)
    return None


def paragraph_texts(session: Session, *, statement_pks: set[int]) -> dict[tuple[int, int], str]:
    """The text of every paragraph of these statements, by (statement pk, number)."""
    if not statement_pks:
        return {}
    rows = session.exec(
        select(Paragraph.statement_pk, Paragraph.number, Paragraph.text).where(
            col(Paragraph.statement_pk).in_(statement_pks)
        )
    )
    return {(pk, number): text for pk, number, text in rows}


def statement_updates(
    session: Session, *, offset: int, limit: int
) -> list[tuple[str, dt.datetime]]:
    """Statement ids with when each last changed, in the order they were first stored."""
    rows = session.exec(
        select(Statement.id, Statement.updated_at)
        .order_by(col(Statement.pk))
        .offset(offset)
        .limit(limit)
    )
    return [(sid, updated) for sid, updated in rows]
