"""Read functions for agreed language: related paragraphs, where language started, comparisons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from app.models import Paragraph, Statement


@dataclass(frozen=True)
class Located:
    """A paragraph with its statement."""

    statement: Statement
    paragraph: Paragraph

    @property
    def sort_key(self) -> tuple[object, ...]:
        """Oldest first: by the statement's date, then its id, then paragraph number."""
        return (self.statement.date, self.statement.id, self.paragraph.number)


@dataclass(frozen=True)
class StatementRef:
    """What a mention of another statement shows: its id, symbol and date."""

    pk: int
    id: str
    symbol: str | None
    date: dt.date


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
    """What a statement page says beside one paragraph about its language."""

    related: list[Related] = field(default_factory=list)
    """Every related paragraph, oldest first."""
    earlier: list[Related] = field(default_factory=list)
    later: list[Related] = field(default_factory=list)

    @property
    def origin(self) -> Related | None:
        """The oldest earlier paragraph with this language: where it was first agreed."""
        return self.earlier[0] if self.earlier else None

    @property
    def origins(self) -> list[Related]:
        """The paragraphs of the origin's statement sharing this language (a merge has several)."""
        first = self.origin
        return [r for r in self.earlier if first and r.statement.pk == first.statement.pk]

    @property
    def statements(self) -> int:
        """How many statements use this language, the paragraph's own included."""
        return 1 + len({r.statement.pk for r in self.related})


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
    FROM paragraph_reuse r JOIN paragraph p ON p.id = r.other_id
    JOIN statement s ON s.pk = p.statement_pk
    WHERE r.paragraph_id IN ({ids})
    UNION ALL
    SELECT r.other_id, s.pk, s.id, s.symbol, s.date, p.id, p.number,
           r.other_shared_words, r.other_coverage, r.coverage, r.similarity
    FROM paragraph_reuse r JOIN paragraph p ON p.id = r.paragraph_id
    JOIN statement s ON s.pk = p.statement_pk
    WHERE r.other_id IN ({ids})
"""


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
    ) in session.connection().exec_driver_sql(RELATED_SQL.format(ids=marks)):
        ref = statements.get(spk)
        if ref is None:
            ref = statements[spk] = StatementRef(spk, sid, symbol, _date(date))
        out[own].append(Related(ref, ParagraphRef(pid, number), shared, cov, other_cov, sim))
    for related in out.values():
        related.sort(key=lambda r: r.sort_key)
    return out


def _date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def related_paragraphs(session: Session, *, paragraph: Paragraph) -> list[Related]:
    """Every paragraph of another statement sharing this one's language, oldest first."""
    assert paragraph.id is not None
    return _related_rows(session, [paragraph.id])[paragraph.id]


def reuse_notes(session: Session, *, statement: Statement) -> dict[int, ReuseNote]:
    """For each paragraph number of `statement` that shares language: earlier and later uses."""
    numbers: dict[int, int] = {
        pid: number
        for pid, number in session.connection().exec_driver_sql(
            "SELECT id, number FROM paragraph WHERE statement_pk = ?", (statement.pk,)
        )
    }
    notes: dict[int, ReuseNote] = {}
    own = (statement.date, statement.id)
    for pid, related in _related_rows(session, numbers).items():
        if not related:
            continue
        notes[numbers[pid]] = ReuseNote(
            related=related,
            earlier=[r for r in related if (r.statement.date, r.statement.id) < own],
            later=[r for r in related if (r.statement.date, r.statement.id) > own],
        )
    return notes


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
