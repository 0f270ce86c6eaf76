"""Migrations own the schema: an empty database migrates to head with the FTS5 index."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.store.engine import migrate


def test_empty_database_migrates_to_head_with_fts(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    migrate(path)
    migrate(path)  # a second run is a no-op
    conn = sqlite3.connect(path)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert {"statement", "paragraph", "source", "alias", "paragraph_fts"} <= names
    assert {"paragraph_ad", "paragraph_au"} <= names
    version = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    assert version is not None
    conn.close()


@pytest.mark.postgresql
def test_the_same_history_builds_postgresql_search(pg_server: object) -> None:
    """One Alembic history for both engines: on PostgreSQL it builds the tsvector column, its
    GIN index, the fold function and the version row; down to nothing and up again."""
    from alembic import command
    from sqlalchemy import inspect

    from app.store.engine import make_engine
    from app.store.postgres.connect import alembic_config
    from tests.conftest import new_postgres_database

    url = new_postgres_database(pg_server)  # type: ignore[arg-type]  # the template's copy
    migrate(url)  # already at head: a no-op
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            columns = {c["name"] for c in inspect(conn).get_columns("paragraph")}
            indexes = {i["name"] for i in inspect(conn).get_indexes("paragraph")}
            assert "tsv" in columns and "ix_paragraph_tsv" in indexes
            assert conn.exec_driver_sql("SELECT archive_fold('Côte-d’Ivoire')").scalar() == (
                "cote d ivoire"
            )
            assert conn.exec_driver_sql("SELECT version FROM archive_state").scalar() == 0
        command.downgrade(alembic_config(url), "base")
        with engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        migrate(url)
        with engine.connect() as conn:
            assert "paragraph" in inspect(conn).get_table_names()
    finally:
        engine.dispose()
