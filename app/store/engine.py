"""The one place that decides the storage engine from what `ARCHIVE_DB` names.

An SQLite file's path (the embedded default, `app/store/sqlite/`) or a PostgreSQL URL
(`postgresql+psycopg://...`, `app/store/postgres/`). Everything engine-specific elsewhere is
reached through `app.store.services`, `app.search.services` and `app.language.services`, which
pick their implementation by `dialect_of` the engine made here.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Connection, Engine

from app.core.config import Archive, archive_location
from app.store.postgres import connect as postgres
from app.store.sqlite import connect as sqlite

Bind = Engine | Connection


def is_file(archive: Archive) -> bool:
    """Whether the archive is an SQLite file (else a server's URL)."""
    return isinstance(archive_location(archive), Path)


def make_engine(archive: Archive, *, readonly: bool = False) -> Engine:
    """An engine for the archive; read-only engines cannot write by construction."""
    where = archive_location(archive)
    if isinstance(where, Path):
        return sqlite.make_engine(where, readonly=readonly)
    return postgres.make_engine(where, readonly=readonly)


def reader_connections(engine: Engine) -> int:
    """How many connections the read-only `engine` hands out at once; one more would wait."""
    if dialect_of(engine) == "sqlite":
        return sqlite.READER_CONNECTIONS
    return 2 * postgres.READER_CONNECTIONS  # as many again open under load


def migrate(archive: Archive) -> None:
    """Create the archive if needed and upgrade its schema to the latest revision."""
    where = archive_location(archive)
    if isinstance(where, Path):
        sqlite.migrate(where)
    else:
        postgres.migrate(where)


def schema_is_current(archive: Archive) -> bool:
    """Whether the archive's schema is at the latest revision (nothing for `migrate` to do;
    checked without writing, so a read-only SQLite archive can be served)."""
    where = archive_location(archive)
    return isinstance(where, Path) and sqlite.schema_is_current(where)


def dialect_of(bind: Bind) -> str:
    """The engine's name as SQLAlchemy spells it ("sqlite", "postgresql")."""
    return bind.dialect.name


def describe(archive: Archive) -> str:
    """The archive as logs and messages name it (a URL without its password)."""
    where = archive_location(archive)
    if isinstance(where, Path):
        return str(where)
    from sqlalchemy.engine import make_url

    return make_url(postgres.driver_url(where)).render_as_string(hide_password=True)
