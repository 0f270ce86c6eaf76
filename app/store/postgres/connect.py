"""Opening a PostgreSQL archive.

The archive's hand-written SQL is written once, in the qmark style SQLite's driver takes
(`WHERE pk = ?`); psycopg takes `%s`. Driver-level statements (`exec_driver_sql`) are therefore
translated as they go out, here, so no caller knows which engine it talks to; statements that
SQLAlchemy compiles need nothing. (The rule that makes this safe: no literal `?` or `:name` in
the archive's SQL text, only placeholders.)

Read-only engines (the web app's, possibly on a hot standby) run each transaction as
REPEATABLE READ, READ ONLY: one snapshot per request, as on SQLite, and the archive's version
row is its first read, so what search caches under a version is never older than it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlmodel import create_engine

from app.core.config import MIGRATIONS_DIR, PROJECT_ROOT
from app.store.postgres.version import VERSION_KEY, read_version

READER_CONNECTIONS = 8
"""Connections a worker keeps open for readers."""
READER_STATEMENT_TIMEOUT_MS = 10_000

_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


def driver_url(url: str) -> str:
    """The SQLAlchemy URL with the psycopg (3) driver named."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def translate(statement: str, parameters: object) -> str:
    """qmark (`?`) or named (`:name`) driver SQL in psycopg's style (`%s`, `%(name)s`)."""
    statement = statement.replace("%", "%%")
    if isinstance(parameters, Mapping) or (
        isinstance(parameters, Sequence) and parameters and isinstance(parameters[0], Mapping)
    ):
        return _NAMED.sub(r"%(\1)s", statement)
    return statement.replace("?", "%s")


def _translate_driver_sql(
    conn: Connection,
    cursor: Any,
    statement: str,
    parameters: Any,
    context: Any,
    executemany: bool,
) -> tuple[str, Any]:
    if context is not None and context.compiled is None:
        statement = translate(statement, parameters)
    return statement, parameters


def _note_version(conn: Connection) -> None:
    conn.info[VERSION_KEY] = read_version(conn)


def make_engine(url: str, *, readonly: bool = False) -> Engine:
    """An engine for the archive at `url`; read-only engines cannot write by construction."""
    options: dict[str, Any] = {"pool_pre_ping": True}
    if readonly:
        options.update(
            pool_size=READER_CONNECTIONS,
            max_overflow=READER_CONNECTIONS,
            isolation_level="REPEATABLE READ",
            # Readers never write, and no request may hold the server longer than this.
            connect_args={
                "options": "-c default_transaction_read_only=on "
                f"-c statement_timeout={READER_STATEMENT_TIMEOUT_MS}"
            },
        )
    engine = create_engine(driver_url(url), **options)
    event.listen(engine, "before_cursor_execute", _translate_driver_sql, retval=True)
    if readonly:
        event.listen(engine, "begin", _note_version)
    return engine


def alembic_config(url: str) -> Config:
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Alembic's ini interpolation treats % specially.
    cfg.set_main_option("sqlalchemy.url", driver_url(url).replace("%", "%%"))
    return cfg


def create_database_if_missing(url: str) -> bool:
    """Create the URL's database when the server has none of that name; whether it did."""
    target = make_url(driver_url(url))
    name = target.database
    if not name:
        raise ValueError(f"{url}: the URL names no database")
    server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            exists = conn.exec_driver_sql(
                "SELECT 1 FROM pg_database WHERE datname = %(name)s", {"name": name}
            ).first()
            if exists is None:
                # An identifier cannot be bound: quote it as PostgreSQL quotes identifiers.
                conn.exec_driver_sql('CREATE DATABASE "' + name.replace('"', '""') + '"')
                return True
        return False
    finally:
        server.dispose()


def migrate(url: str) -> None:
    """Create the database if needed and upgrade its schema to the latest revision."""
    create_database_if_missing(url)
    command.upgrade(alembic_config(url), "head")
