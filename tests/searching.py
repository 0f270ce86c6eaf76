"""What the archive's search index finds, asked through the search service of whichever
engine the archive is on (tests must not speak FTS5 or tsquery themselves)."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.search.query import parse_query
from app.search.services import search_service
from app.store.models import Paragraph, Statement


def index_hits(engine: Engine, query: str) -> list[tuple[Statement, Paragraph]]:
    """Every paragraph the index finds for `query` (the archive's query language)."""
    with Session(engine) as session:
        result = search_service(engine).search(
            session, parse_query(query), sort="newest", limit=100_000
        )
        found = []
        for hit in result.hits:
            paragraph = session.exec(
                select(Paragraph).where(
                    col(Paragraph.statement_pk) == hit.statement.pk,
                    col(Paragraph.number) == hit.number,
                )
            ).one()
            statement = session.get(Statement, hit.statement.pk)
            assert statement is not None
            found.append((statement, paragraph))
        return found


def phrase_count(engine: Engine, phrase: str) -> int:
    """How many paragraphs the index finds holding `phrase`."""
    return len(index_hits(engine, f'"{phrase}"'))
