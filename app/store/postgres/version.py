"""The PostgreSQL archive's version: a row every writing transaction bumps.

SQLite's version is read off its file; a PostgreSQL server (and its replicas) has no file to
read, so the archive keeps one row, `archive_state.version`, that the ingest, the analysis and
the catalogue import increase in the same transaction as their changes (`bump`). A replica
receives it with the changes, so its readers' caches follow the replica's own state.
"""

from __future__ import annotations

from collections.abc import Hashable

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

VERSION_KEY = "archive_version"
"""Where a read-only engine notes, as each transaction begins, the version it reads."""

SELECT_VERSION = "SELECT version FROM archive_state WHERE id = 1"


def read_version(conn: Connection) -> int | None:
    try:
        return conn.exec_driver_sql(SELECT_VERSION).scalar()
    except SQLAlchemyError:
        return None


def bump(conn: Connection) -> None:
    """Mark the archive changed, in the caller's transaction."""
    conn.exec_driver_sql("UPDATE archive_state SET version = version + 1 WHERE id = 1")


def archive_version(conn: Connection) -> tuple[Hashable, int] | None:
    """The archive (its URL) and the version the connection's transaction reads."""
    version = conn.info[VERSION_KEY] if VERSION_KEY in conn.info else read_version(conn)
    if version is None:
        return None
    return (conn.engine.url.render_as_string(hide_password=True), version)


class PolledVersion:
    """The page cache's `ArchiveVersion`: the version row, read on each call (a primary-key
    lookup on a pooled connection, a fraction of a millisecond)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def current(self) -> int | None:
        try:
            with self._engine.connect() as conn:
                return conn.exec_driver_sql(SELECT_VERSION).scalar()
        except SQLAlchemyError:
            return None

    def close(self) -> None:
        pass
