"""The store's engine-specific services, chosen by the engine they work on.

Each getter returns the implementation of an interface of `app.store.interfaces` for the
engine behind a connection; an engine without one is a clear error, not a wrong answer.
"""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path

from sqlalchemy.engine import Connection, Engine

from app.core.config import Archive
from app.store.engine import Bind, dialect_of
from app.store.interfaces import ArchiveVersion, BulkLoader, Version
from app.store.postgres import version as postgres_version
from app.store.postgres.bulk import CopyLoader
from app.store.sqlite.bulk import SqliteBulkLoader
from app.store.sqlite.version import DataVersion
from app.store.sqlite.version import archive_version as sqlite_archive_version


class UnsupportedEngine(RuntimeError):
    """The archive is stored in an engine this part of the archive cannot use."""


def _unsupported(bind: Bind, what: str) -> UnsupportedEngine:
    return UnsupportedEngine(f"{what} is not available on {dialect_of(bind)}")


def archive_version(conn: Connection) -> tuple[Hashable, Version] | None:
    """The archive and the version the connection's transaction reads: the key of whatever is
    cached about it (search's counts, timelines, prefixes); None when nothing may be cached."""
    if dialect_of(conn) == "sqlite":
        return sqlite_archive_version(conn)
    if dialect_of(conn) == "postgresql":
        return postgres_version.archive_version(conn)
    raise _unsupported(conn, "an archive version")


def watch_version(engine: Engine, archive: Archive) -> ArchiveVersion:
    """A follower of the archive's committed state for one process's page cache."""
    if dialect_of(engine) == "sqlite":
        return DataVersion(Path(archive))
    if dialect_of(engine) == "postgresql":
        return postgres_version.PolledVersion(engine)
    raise _unsupported(engine, "an archive version")


def mark_changed(conn: Connection) -> None:
    """Mark the archive changed, in the transaction that changes it: caches keyed by its
    version start afresh once it commits. (SQLite's version is read off its file, which every
    commit changes by itself.)"""
    if dialect_of(conn) == "postgresql":
        postgres_version.bump(conn)


def settle(engine: Engine) -> None:
    """After an ingest: leave the archive complete in its main file where the engine keeps a
    separate log (SQLite's WAL is folded back, so a copy of the file alone is whole)."""
    if dialect_of(engine) == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")


def bulk_loader(bind: Bind) -> BulkLoader:
    """How the ingest writes many new rows of a table at once."""
    if dialect_of(bind) == "sqlite":
        return SqliteBulkLoader()
    if dialect_of(bind) == "postgresql":
        return CopyLoader()
    raise _unsupported(bind, "a bulk loader")
