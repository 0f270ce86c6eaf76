"""The search implementation for the engine the archive is stored in."""

from __future__ import annotations

from app.search.fts5.engine import Fts5Search
from app.search.fts5.index import Fts5Index
from app.search.interfaces import SearchIndex, SearchService
from app.search.postgres.engine import PostgresSearch
from app.search.postgres.index import PostgresIndex
from app.store.engine import Bind, dialect_of
from app.store.services import UnsupportedEngine

_SERVICES: dict[str, SearchService] = {"sqlite": Fts5Search(), "postgresql": PostgresSearch()}
_INDEXES: dict[str, SearchIndex] = {"sqlite": Fts5Index(), "postgresql": PostgresIndex()}


def search_service(bind: Bind) -> SearchService:
    """The search service for the archive behind `bind` (an engine, connection or session's
    connection)."""
    try:
        return _SERVICES[dialect_of(bind)]
    except KeyError:
        raise UnsupportedEngine(f"no search engine for {dialect_of(bind)}") from None


def search_index(bind: Bind) -> SearchIndex:
    """The index maintenance the ingest uses for the archive behind `bind`."""
    try:
        return _INDEXES[dialect_of(bind)]
    except KeyError:
        raise UnsupportedEngine(f"no search index for {dialect_of(bind)}") from None
