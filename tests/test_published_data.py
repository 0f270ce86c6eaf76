"""What the archive publishes (the SQLite download, JSON Lines) holds nothing of the ingest
machine's folders: a source file is known by the folder it was ingested from and its path
inside, and older archives that stored full paths are rewritten by revision 0011."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.ingest.pipeline import ingest
from app.store.engine import make_engine
from app.store.sqlite.connect import alembic_config
from app.web.app import create_app
from tests.conftest import SEED_2012, SEED_2023, SEEDS_DIR

CORRIGENDUM = (
    "S/PRST/2012/16/Corr.1\n\nSecurity Council\n\nDistr.: General\n1 May 2012\n\n"
    "Statement by the President of the Security Council\n\nCorrigendum\n\n"
    "Paragraph 9, line 2: for subregional read regional\n"
)

pytestmark = pytest.mark.sqlite_only  # the archive's file itself


def statements_folder(root: Path) -> Path:
    """The seeds and a corrigendum, deep inside `root` (whose path must not be published)."""
    folder = root / "deep" / "inside" / "statements"
    folder.mkdir(parents=True)
    for seed in (SEED_2012, SEED_2023, SEEDS_DIR / "metadata.csv"):
        shutil.copy(seed, folder / seed.name)
    (folder / "sub").mkdir()
    (folder / "sub" / "corr.txt").write_text(CORRIGENDUM, encoding="utf-8")
    return folder


def stored_paths(db: Path) -> set[str]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT path FROM source UNION ALL SELECT source_path FROM corrigendum")
        return {row[0] for row in rows}
    finally:
        conn.close()


def test_the_downloads_hold_no_path_of_the_ingest_machine(
    db_path: Path, engine: Engine, tmp_path: Path
) -> None:
    folder = statements_folder(tmp_path / "machine")
    report = ingest(engine, [folder])
    assert not report.failed, report.failed
    assert stored_paths(db_path) == {
        f"statements/{SEED_2012.name}",
        f"statements/{SEED_2023.name}",
        "statements/sub/corr.txt",
    }
    with TestClient(create_app(db_path)) as client:
        sqlite_bytes = client.get("/data/archive.sqlite").content
        jsonl = client.get("/data/statements.jsonl").content
    assert sqlite_bytes.startswith(b"SQLite format 3") and jsonl.count(b"\n") == 2
    for published in (sqlite_bytes, jsonl):
        assert str(tmp_path).encode() not in published
        assert b"/machine/deep" not in published
    download = tmp_path / "download.sqlite"
    download.write_bytes(sqlite_bytes)
    assert stored_paths(download) == stored_paths(db_path)


def test_the_same_folder_from_elsewhere_is_the_same_archive(
    db_path: Path, engine: Engine, tmp_path: Path
) -> None:
    """Keys do not depend on where the folder lies: moved, it is still every file unchanged."""
    first = statements_folder(tmp_path / "here")
    ingest(engine, [first])
    moved = tmp_path / "there" / "statements"
    shutil.copytree(first, moved)
    again = ingest(engine, [moved])
    assert {o.status for o in again.outcomes} == {"unchanged"}
    # Its subfolder named on its own gives other keys, but the same bytes: still unchanged.
    assert {o.status for o in ingest(engine, [moved / "sub"]).outcomes} == {"unchanged"}


def test_revision_0011_rewrites_the_full_paths_an_older_archive_stored(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    command.upgrade(alembic_config(db), "head")
    engine = make_engine(db)
    ingest(engine, [statements_folder(tmp_path / "machine")])
    engine.dispose()
    command.downgrade(alembic_config(db), "0010")  # the revision before 0011
    host = "/home/someone/un-documents/statements"
    with engine.begin() as conn:  # what ingests before revision 0011 stored
        conn.exec_driver_sql("UPDATE source SET path = ? || '/' || substr(path, 12)", (host,))
        conn.exec_driver_sql("UPDATE corrigendum SET source_path = ?", (f"{host}/sub/corr.txt",))
    engine.dispose()
    assert all(p.startswith(host) for p in stored_paths(db))

    command.upgrade(alembic_config(db), "head")
    assert stored_paths(db) == {
        f"statements/{SEED_2012.name}",
        f"statements/{SEED_2023.name}",
        "sub/corr.txt",
    }
    # The old text is gone from the file's bytes too, not only from its rows.
    assert b"/home/someone" not in db.read_bytes()


def test_the_download_scrubs_a_full_path_left_in_the_archive(
    db_path: Path, engine: Engine, tmp_path: Path
) -> None:
    """Whatever the live file holds (a row written by other means), the published copy keeps
    only the last two parts of a full path, and none of its bytes."""
    ingest(engine, [statements_folder(tmp_path / "machine")])
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE source SET path = '/srv/private/statements/' || id || '.txt'")
    with TestClient(create_app(db_path)) as client:
        sqlite_bytes = client.get("/data/archive.sqlite").content
    assert b"/srv/private" not in sqlite_bytes
    download = tmp_path / "download.sqlite"
    download.write_bytes(sqlite_bytes)
    assert stored_paths(download) == {
        "statements/1.txt",
        "statements/2.txt",
        "statements/sub/corr.txt",
    }
