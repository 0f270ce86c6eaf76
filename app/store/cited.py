"""Read functions for citations: who cites a resolution, and the most cited documents."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.parse.citations import RESOLUTION
from app.store.models import Citation, Paragraph, Statement
from app.store.queries import Located


@dataclass
class CitedDocument:
    """A document and how often the archive cites it."""

    kind: str
    key: str
    label: str
    paragraphs: int
    statements: int
    first: dt.date
    last: dt.date


@dataclass
class ResolutionCitations:
    number: int
    label: str
    """"resolution 2482 (2019)", or "resolution 2482" if no citation gives its year."""
    citing: list[Located]
    """Every paragraph citing it, oldest statement first."""

    @property
    def statements(self) -> int:
        return len({c.statement.pk for c in self.citing})


def resolution_citations(session: Session, *, number: int) -> ResolutionCitations:
    """Every statement paragraph citing Security Council resolution `number`, by date."""
    rows = session.exec(
        select(Citation, Paragraph, Statement)
        .join(Paragraph, col(Paragraph.id) == col(Citation.paragraph_id))
        .join(Statement, col(Statement.pk) == col(Paragraph.statement_pk))
        .where(Citation.kind == RESOLUTION, Citation.key == str(number))
    ).all()
    citing = sorted((Located(s, p) for _, p, s in rows), key=lambda x: x.sort_key)
    labels = sorted({c.label for c, _, _ in rows})
    return ResolutionCitations(number, labels[0] if labels else f"resolution {number}", citing)


def most_cited(
    session: Session, *, kind: str | None = None, limit: int = 100, offset: int = 0
) -> list[CitedDocument]:
    """Documents by how many statements cite them (then paragraphs), most cited first."""
    statements = func.count(func.distinct(Statement.pk))
    paragraphs = func.count(func.distinct(Paragraph.id))
    query = (
        sa_select(
            col(Citation.kind),
            col(Citation.key),
            func.min(Citation.label),
            paragraphs,
            statements,
            func.min(Statement.date),
            func.max(Statement.date),
        )
        .join(Paragraph, col(Paragraph.id) == col(Citation.paragraph_id))
        .join(Statement, col(Statement.pk) == col(Paragraph.statement_pk))
        .group_by(Citation.kind, Citation.key)
        .order_by(statements.desc(), paragraphs.desc(), Citation.kind, Citation.key)
        .limit(limit)
        .offset(offset)
    )
    if kind:
        query = query.where(col(Citation.kind) == kind)
    # Seven columns: more than sqlmodel's typed select() takes, so plain SQLAlchemy Core.
    return [CitedDocument(*row) for row in session.connection().execute(query)]


def cited_count(session: Session, *, kind: str | None = None) -> int:
    """How many different documents the statements cite (of one kind, if given)."""
    keys = sa_select(col(Citation.kind), col(Citation.key)).distinct()
    if kind:
        keys = keys.where(col(Citation.kind) == kind)
    return int(
        session.connection()
        .execute(sa_select(func.count()).select_from(keys.subquery()))
        .scalar_one()
    )
