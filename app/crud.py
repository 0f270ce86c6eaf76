"""Read-side data functions shared by pages, the JSON API and scripts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.models import Alias, Paragraph, Statement


@dataclass
class ArchiveStats:
    statements: int
    paragraphs: int
    first_year: int | None
    last_year: int | None


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


def statement_by_id(session: Session, *, statement_id: str) -> Statement | None:
    return session.exec(select(Statement).where(Statement.id == statement_id)).first()


def resolve_alias(session: Session, *, alias: str) -> Statement | None:
    """The statement an old, published id now points to."""
    row = session.get(Alias, alias)
    return session.get(Statement, row.statement_pk) if row else None


def paragraphs_of(session: Session, *, statement: Statement) -> list[Paragraph]:
    return list(
        session.exec(
            select(Paragraph)
            .where(Paragraph.statement_pk == statement.pk)
            .order_by(col(Paragraph.number))
        )
    )


def statement_by_symbol(session: Session, *, symbol: str) -> Statement | None:
    return session.exec(select(Statement).where(Statement.symbol == symbol)).first()


def agenda_items(session: Session) -> list[tuple[str, int]]:
    """Agenda items with how many statements each has, most used first."""
    rows = session.exec(
        select(Statement.agenda_item, func.count(col(Statement.pk)))
        .where(col(Statement.agenda_item).is_not(None))
        .group_by(Statement.agenda_item)
        .order_by(func.count(col(Statement.pk)).desc(), col(Statement.agenda_item))
    )
    return [(item, n) for item, n in rows if item]
