"""The one place that decides the storage engine from what `ARCHIVE_DB` names.

Today's archive is an SQLite file (`app/store/sqlite/`). Everything engine-specific elsewhere is
reached through `app.store.services`, `app.search.services` and `app.language.services`, which
pick their implementation by `dialect_of` the engine made here.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Connection, Engine

from app.store.sqlite import connect

Bind = Engine | Connection


def make_engine(db_path: Path, *, readonly: bool = False) -> Engine:
    """An engine for the archive at `db_path`; read-only engines cannot write by construction."""
    return connect.make_engine(db_path, readonly=readonly)


def reader_connections() -> int:
    """How many connections a read-only engine hands out at once; one more would wait."""
    return connect.READER_CONNECTIONS


def migrate(db_path: Path) -> None:
    """Create the archive if needed and upgrade its schema to the latest revision."""
    connect.migrate(db_path)


def schema_is_current(db_path: Path) -> bool:
    """Whether the archive's schema is at the latest revision (nothing for `migrate` to do)."""
    return connect.schema_is_current(db_path)


def dialect_of(bind: Bind) -> str:
    """The engine's name as SQLAlchemy spells it ("sqlite", "postgresql")."""
    return bind.dialect.name
