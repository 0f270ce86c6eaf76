"""One place that opens the SQLite database and brings its schema up to date."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import create_engine

from app.config import MIGRATIONS_DIR, PROJECT_ROOT


def _on_connect(readonly: bool):
    def set_pragmas(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        if not readonly:
            # WAL lets the server keep reading the old archive while an ingest writes the new one.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.execute("PRAGMA cache_size=-32000")
        cur.execute("PRAGMA mmap_size=268435456")
        cur.close()

    return set_pragmas


def make_engine(db_path: Path, *, readonly: bool = False) -> Engine:
    """An engine for the archive at `db_path`; read-only engines cannot write by construction."""
    if readonly:
        url = f"sqlite:///file:{db_path.resolve()}?mode=ro&uri=true"
    else:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{db_path}"
    engine = create_engine(url, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _on_connect(readonly))
    return engine


def alembic_config(db_path: Path) -> Config:
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", f"sqlite:///{db_path}")
    return cfg


def migrate(db_path: Path) -> None:
    """Create the database if needed and upgrade its schema to the latest revision."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(db_path), "head")
