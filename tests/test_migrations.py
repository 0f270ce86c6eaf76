"""Migrations own the schema: an empty database migrates to head with the FTS5 index."""

from __future__ import annotations

import sqlite3
from pathlib import Path

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
