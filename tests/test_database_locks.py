"""Reading the archive's version never drops SQLite's locks.

POSIX locks belong to a process and a file: closing any descriptor of the file releases all of
them, SQLite's included. `database_version` once opened and closed the `-shm` file at every
request, which released the server's read marks: an ingest in another process then reset the
WAL under the server's readers ("database disk image is malformed") and truncated the `-shm`
they had mapped (the server died of SIGBUS under load while ingests ran)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.store.sqlite.version import database_version

CHECKPOINT = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
print(conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0])
"""

pytestmark = pytest.mark.sqlite_only  # the archive's file itself


def commit(db: Path, symbol: str) -> None:
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("INSERT INTO catalogueentry(symbol, year) VALUES (?, 2031)", (symbol,))
    conn.close()


def test_reading_the_version_keeps_a_readers_snapshot_safe(seeded_db: Path) -> None:
    writer = sqlite3.connect(seeded_db)
    writer.execute("PRAGMA wal_autocheckpoint=0")  # the WAL keeps what is committed below
    commit(seeded_db, "S/PRST/2031/1")
    reader = sqlite3.connect(f"file:{seeded_db}?mode=ro", uri=True, isolation_level=None)
    reader.execute("BEGIN")
    before = reader.execute("SELECT count(*) FROM catalogueentry").fetchone()[0]
    commit(seeded_db, "S/PRST/2031/2")  # after the reader's snapshot

    for _ in range(3):  # what every request does
        assert database_version(seeded_db) is not None

    # Another process tries to empty the WAL: it must find this process still reading it.
    busy = subprocess.run(
        [sys.executable, "-c", CHECKPOINT, str(seeded_db)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert busy == "1", "the checkpoint truncated the WAL under a reader: its locks were lost"
    assert reader.execute("SELECT count(*) FROM catalogueentry").fetchone()[0] == before
    reader.execute("COMMIT")
    reader.close()
    writer.close()
