"""Opening an SQLite archive: pragmas, read-only engines that read one snapshot per transaction,
and the Alembic configuration that brings its schema up to date."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import create_engine

from app.core.config import MIGRATIONS_DIR, PROJECT_ROOT
from app.store.sqlite.version import VERSION_KEY, database_version


def _on_connect(readonly: bool):
    def set_pragmas(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        if not readonly:
            # WAL lets the server keep reading the old archive while an ingest writes the new one.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=10000")
        if readonly:
            # Transactions are begun by `_begin_reading`, not by the driver (which never begins
            # one for a SELECT).
            dbapi_conn.isolation_level = None
            # Each connection of each worker has its own page cache, and pages read through
            # mmap count as the process's memory: the server keeps both small and lets the
            # operating system's file cache hold the archive once for every worker.
            cur.execute(f"PRAGMA cache_size=-{READER_CACHE_KB}")
            cur.execute("PRAGMA mmap_size=0")
        else:
            cur.execute("PRAGMA cache_size=-32000")
            cur.execute("PRAGMA mmap_size=268435456")
        cur.close()

    return set_pragmas


def _begin_reading(db_path: Path) -> Callable[[Connection], None]:
    """Each transaction of a read-only engine reads one snapshot of the archive.

    Without an explicit BEGIN the driver runs every SELECT on its own, each reading the newest
    commit: one request could mix the archive before and after an ingest. The archive's version
    is taken before the snapshot, so what a transaction reads is never older than the version
    search caches it under (`app.store.sqlite.version.archive_version`). (A snapshot alone does not
    keep FTS5 from reporting the index malformed while an ingest optimises it: see
    `app.search.fts5.engine._again_if_index_changed`.)"""

    def begin(conn: Connection) -> None:
        version = database_version(db_path)
        if version is None and not db_path.exists():
            # An open connection would go on reading the deleted file: say it is gone instead.
            gone = sqlite3.OperationalError(f"the archive file {db_path.name} no longer exists")
            raise OperationalError("BEGIN", None, gone)
        conn.info[VERSION_KEY] = version
        conn.exec_driver_sql("BEGIN")

    return begin


READER_CACHE_KB = 8000
"""SQLite page cache of each read-only connection."""
READER_CONNECTIONS = 8
"""Connections a read-only engine hands out at once: half kept open, the other half opened under
load and closed after. Requests take one for a few milliseconds, and Python runs one thread at a
time anyway; the web app lets at most this many requests (less a reserve for its background
reader) hold one, and queues the others without a thread (`app.web.deps`)."""


def make_engine(db_path: Path, *, readonly: bool = False) -> Engine:
    """An engine for the archive at `db_path`; read-only engines cannot write by construction."""
    if readonly:
        url = f"sqlite:///file:{db_path.resolve()}?mode=ro&uri=true"
        kept = READER_CONNECTIONS // 2
        pool = {"pool_size": kept, "max_overflow": READER_CONNECTIONS - kept}
    else:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{db_path}"
        pool = {}
    engine = create_engine(url, connect_args={"check_same_thread": False}, **pool)
    event.listen(engine, "connect", _on_connect(readonly))
    if readonly:
        event.listen(engine, "begin", _begin_reading(db_path.resolve()))
    return engine


def alembic_config(db_path: Path) -> Config:
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", f"sqlite:///{db_path}")
    return cfg


def migrate(db_path: Path) -> None:
    """Create the database if needed and upgrade its schema to the latest revision."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    before = _revision(db_path)
    command.upgrade(alembic_config(db_path), "head")
    if before is not None and int(before) < SHRINKING_REVISION:
        # 0012 stored each paragraph's text once and compressed the sources: the file gives
        # the space back (outside the migration's transaction, as VACUUM must be).
        conn = sqlite3.connect(db_path)
        try:
            conn.execute("VACUUM")
        finally:
            conn.close()


SHRINKING_REVISION = 12
"""The revision (0012) after which an upgraded file is VACUUMed once."""


def _revision(db_path: Path) -> str | None:
    """The archive's schema revision, None for a new file (or one never migrated)."""
    if not db_path.is_file():
        return None
    conn = sqlite3.connect(f"file:{db_path.resolve()}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    finally:
        conn.close()
    return str(row[0]) if row else None


def schema_is_current(db_path: Path) -> bool:
    """Whether the archive at `db_path` is at the latest revision (read without writing, so a
    read-only archive can be served)."""
    head = ScriptDirectory.from_config(alembic_config(db_path)).get_current_head()
    conn = sqlite3.connect(f"file:{db_path.resolve()}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:  # no version table: never migrated
        return False
    finally:
        conn.close()
    return row is not None and row[0] == head
