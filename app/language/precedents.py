"""Read functions for agreed language: related paragraphs, where language started, comparisons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from app.language.services import fingerprint_index
from app.store.models import Paragraph, Statement
from app.store.queries import Located
from app.store.sql import as_date, rows


@dataclass(frozen=True)
class StatementRef:
    """What a mention of another statement shows: its id, symbol and date (and its meeting,
    where a page shows it)."""

    pk: int
    id: str
    symbol: str | None
    date: dt.date
    meeting: int | None = None


@dataclass(frozen=True)
class ParagraphRef:
    id: int
    number: int


@dataclass(frozen=True)
class Related:
    """A paragraph of another statement sharing language with the one being looked at."""

    statement: StatementRef
    paragraph: ParagraphRef
    shared_words: int = 0
    coverage: float = 0.0
    """Share of the looked-at paragraph's words found in this one."""
    other_coverage: float = 0.0
    """Share of this paragraph's words found in the looked-at one."""
    similarity: float = 0.0

    @property
    def sort_key(self) -> tuple[object, ...]:
        """Oldest first: by the statement's date, then its id, then paragraph number."""
        return (self.statement.date, self.statement.id, self.paragraph.number)


@dataclass
class ReuseNote:
    """What a statement page says beside one paragraph about its language: the paragraphs of
    the oldest other statement using it, and how many statements use it."""

    first: list[Related] = field(default_factory=list)
    """The related paragraphs of the oldest related statement (a merge has several)."""
    earlier: bool = False
    """Whether that statement is older than the paragraph's own: where it was first agreed."""
    statements: int = 1
    """How many statements use this language, the paragraph's own included."""

    @property
    def origin(self) -> Related | None:
        """The oldest earlier paragraph with this language: where it was first agreed."""
        return self.first[0] if self.earlier and self.first else None

    @property
    def origins(self) -> list[Related]:
        """The paragraphs of the origin's statement sharing this language."""
        return self.first if self.earlier else []

    @property
    def later(self) -> list[Related]:
        """For language agreed here first: the paragraphs that used it next."""
        return [] if self.earlier else self.first


def paragraph_at(session: Session, *, statement_id: str, number: int) -> Located | None:
    """Paragraph `number` of the statement with id `statement_id`."""
    row = session.exec(
        select(Statement, Paragraph)
        .join(Paragraph, col(Paragraph.statement_pk) == col(Statement.pk))
        .where(Statement.id == statement_id, Paragraph.number == number)
    ).first()
    return Located(row[0], row[1]) if row else None


# A pair is stored once, so it is read from both sides: as stored, and with its two
# paragraphs swapped. Only what a mention shows is read (never a statement's source text).
RELATED_SQL = """
    SELECT r.paragraph_id, s.pk, s.id, s.symbol, s.date, p.id, p.number,
           r.shared_words, r.coverage, r.other_coverage, r.similarity
    FROM paragraph_reuse r JOIN paragraph p {p_hint} ON p.id = r.other_id
    JOIN statement s {s_hint} ON s.pk = p.statement_pk
    WHERE r.paragraph_id IN ({ids})
    UNION ALL
    SELECT r.other_id, s.pk, s.id, s.symbol, s.date, p.id, p.number,
           r.other_shared_words, r.other_coverage, r.coverage, r.similarity
    FROM paragraph_reuse r JOIN paragraph p {p_hint} ON p.id = r.paragraph_id
    JOIN statement s {s_hint} ON s.pk = p.statement_pk
    WHERE r.other_id IN ({ids})
"""


def _related_sql(session: Session, marks: str) -> str:
    """RELATED_SQL for these paragraph ids (ints, not user text), as the engine best reads it."""
    hints = fingerprint_index(session.connection()).RELATED_HINTS
    return RELATED_SQL.format(ids=marks, **hints)


def _related_rows(session: Session, paragraph_ids: Iterable[int]) -> dict[int, list[Related]]:
    """Related paragraphs of each given paragraph id, oldest first."""
    ids = [int(i) for i in paragraph_ids]
    out: dict[int, list[Related]] = {i: [] for i in ids}
    if not ids:
        return out
    marks = ",".join(map(str, ids))  # ints, not user text
    statements: dict[int, StatementRef] = {}
    for (
        own,
        spk,
        sid,
        symbol,
        date,
        pid,
        number,
        shared,
        cov,
        other_cov,
        sim,
    ) in session.connection().exec_driver_sql(_related_sql(session, marks)):
        ref = statements.get(spk)
        if ref is None:
            ref = statements[spk] = StatementRef(spk, sid, symbol, as_date(date))
        out[own].append(Related(ref, ParagraphRef(pid, number), shared, cov, other_cov, sim))
    for related in out.values():
        related.sort(key=lambda r: r.sort_key)
    return out


def related_paragraphs(session: Session, *, paragraph: Paragraph) -> list[Related]:
    """Every paragraph of another statement sharing this one's language, oldest first."""
    assert paragraph.id is not None
    return _related_rows(session, [paragraph.id])[paragraph.id]


def reuse_notes(session: Session, *, statement: Statement) -> dict[int, ReuseNote]:
    """For each paragraph number of `statement` that shares language: where it was first
    agreed (or, if here, where it was used next), and how many statements use it."""
    conn = session.connection()
    numbers: dict[int, int] = dict(
        rows(conn, "SELECT id, number FROM paragraph WHERE statement_pk = ?", (statement.pk,))
    )
    if not numbers:
        return {}
    marks = ",".join(map(str, numbers))  # ints, not user text
    # One read of the pairs (both sides); the oldest related statement of each paragraph is
    # picked here rather than by SQL (a grouped self-join of the pairs cost 10x the reading).
    # A statement's date and id sort it (dates compare as their ISO text on both engines).
    by_own: dict[int, list[tuple[Any, ...]]] = {}
    for row in rows(conn, _related_sql(session, marks)):
        by_own.setdefault(row[0], []).append(row)
    notes: dict[int, ReuseNote] = {}
    own = (statement.date, statement.id)
    for pid in sorted(by_own):
        related = by_own[pid]
        first = min((str(r[4]), r[2]) for r in related)
        chosen = sorted((r for r in related if (str(r[4]), r[2]) == first), key=lambda r: r[6])
        ref = StatementRef(chosen[0][1], chosen[0][2], chosen[0][3], as_date(chosen[0][4]))
        notes[numbers[pid]] = ReuseNote(
            first=[Related(ref, ParagraphRef(r[5], r[6]), *r[7:]) for r in chosen],
            earlier=(ref.date, ref.id) < own,
            statements=1 + len({r[1] for r in related}),
        )
    return notes


@dataclass(frozen=True)
class Place:
    """A paragraph of the archive as a mention shows it: its statement and number."""

    statement: StatementRef
    number: int

    @property
    def sort_key(self) -> tuple[object, ...]:
        """Oldest first: by the statement's date, then its id, then paragraph number."""
        return (self.statement.date, self.statement.id, self.number)


PLACES_SQL = """
    SELECT p.id, p.number, s.pk, s.id, s.symbol, s.date, s.meeting_number
    FROM paragraph p JOIN statement s ON s.pk = p.statement_pk WHERE p.id IN ({ids})
"""


def places(session: Session, *, paragraph_ids: Iterable[int]) -> dict[int, Place]:
    """Each given paragraph (that exists) by id, with what a mention shows of its statement."""
    wanted = sorted({int(i) for i in paragraph_ids})
    found: dict[int, Place] = {}
    statements: dict[int, StatementRef] = {}
    for start in range(0, len(wanted), 500):
        marks = ",".join(map(str, wanted[start : start + 500]))  # ints, not user text
        rows = session.connection().exec_driver_sql(PLACES_SQL.format(ids=marks))
        for pid, number, spk, sid, symbol, date, meeting in rows:
            ref = statements.get(spk)
            if ref is None:
                ref = statements[spk] = StatementRef(spk, sid, symbol, as_date(date), meeting)
            found[pid] = Place(ref, number)
    return found


def related_ids(session: Session, *, paragraph_ids: Iterable[int], limit: int) -> set[int]:
    """Paragraphs sharing language with any of the given ones (pairs found at ingest, read
    from both sides), at most `limit` of each's, the lowest ids (the earliest ingested)."""
    found: set[int] = set()
    for pid in sorted({int(i) for i in paragraph_ids}):
        rows = session.connection().exec_driver_sql(RELATED_IDS_SQL, (pid, pid, limit))
        found.update(other for (other,) in rows)
    return found


RELATED_IDS_SQL = """
    SELECT other FROM (
        SELECT other_id AS other FROM paragraph_reuse WHERE paragraph_id = ?
        UNION ALL
        SELECT paragraph_id FROM paragraph_reuse WHERE other_id = ?
    ) AS related
    ORDER BY other LIMIT ?
"""


def plain_texts(session: Session, *, paragraph_ids: Iterable[int]) -> dict[int, str]:
    """The plain text (the words search indexes) of each given paragraph, by id."""
    wanted = sorted(set(paragraph_ids))
    found: dict[int, str] = {}
    for start in range(0, len(wanted), 500):
        rows = session.exec(
            select(Paragraph.id, Paragraph.plain).where(
                col(Paragraph.id).in_(wanted[start : start + 500])
            )
        )
        found.update((pid, plain) for pid, plain in rows if pid is not None)
    return found


def oldest_first(session: Session, *, paragraph_ids: Iterable[int]) -> list[Located]:
    """The given paragraphs with their statements, oldest statement first."""
    ids = list(paragraph_ids)
    if not ids:
        return []
    rows = session.exec(
        select(Statement, Paragraph)
        .join(Paragraph, col(Paragraph.statement_pk) == col(Statement.pk))
        .where(col(Paragraph.id).in_(ids))
    )
    return sorted((Located(s, p) for s, p in rows), key=lambda x: x.sort_key)


def first_use(session: Session, *, paragraph_ids: Iterable[int]) -> Located | None:
    """Where language started: the oldest of the given paragraphs (for instance the hits of a
    phrase search), with its statement; None when no id is given or none exists."""
    located = oldest_first(session, paragraph_ids=paragraph_ids)
    return located[0] if located else None
