"""Operator tasks on the database file: consistency checks and online backups."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from pathlib import Path

from app.store.interfaces import CheckReport
from app.store.sqlite.version import database_version


def _connect_readonly(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such database file")
    return sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)


def check(path: Path) -> CheckReport:
    """Verify the database: SQLite's integrity check, foreign keys, and the FTS index against
    the paragraph table (every paragraph indexed, nothing indexed that is not a paragraph)."""
    report = CheckReport(path)
    conn = _connect_readonly(path)
    try:
        result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if result != ["ok"]:
            report.problems += [f"integrity_check: {line}" for line in result]
        for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check"):
            report.problems.append(f"{table} row {rowid} points to a missing {parent}")
        report.statements = conn.execute("SELECT count(*) FROM statement").fetchone()[0]
        report.paragraphs = conn.execute("SELECT count(*) FROM paragraph").fetchone()[0]
        # The docsize shadow table has exactly one row per indexed document.
        report.indexed = conn.execute("SELECT count(*) FROM paragraph_fts_docsize").fetchone()[0]
        if report.indexed != report.paragraphs:
            report.problems.append(
                f"the search index holds {report.indexed} paragraphs, the table {report.paragraphs}"
            )
        missing = conn.execute(
            "SELECT count(*) FROM paragraph p "
            "WHERE NOT EXISTS (SELECT 1 FROM paragraph_fts_docsize d WHERE d.id = p.id)"
        ).fetchone()[0]
        if missing:
            report.problems.append(f"{missing} paragraphs are missing from the search index")
        report.unanalysed = conn.execute(
            "SELECT count(*) FROM paragraph WHERE id NOT IN "
            "(SELECT paragraph_id FROM analysed_paragraph)"
        ).fetchone()[0]
        _fts_integrity(path, report)
    finally:
        conn.close()
    return report


def _fts_integrity(path: Path, report: CheckReport) -> None:
    """FTS5 compares every token of the index with the content table. Its integrity-check is
    spelled as an INSERT, so it runs in a transaction that is rolled back: nothing is written."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        conn.execute("INSERT INTO paragraph_fts(paragraph_fts, rank) VALUES ('integrity-check', 1)")
    except sqlite3.DatabaseError as exc:
        report.problems.append(f"search index disagrees with the paragraphs: {exc}")
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.close()


def backup(source: Path, target: Path) -> int:
    """Copy the archive consistently while it may be serving or ingesting (SQLite online
    backup); returns the number of pages copied. Refuses to overwrite an existing file."""
    if target.exists():
        raise FileExistsError(f"{target} exists; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    src = _connect_readonly(source)
    partial = target.with_name(target.name + ".partial")
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst)
        pages = dst.execute("PRAGMA page_count").fetchone()[0]
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
        src.close()
    partial.rename(target)
    return int(pages)


def snapshot(source: Path, folder: Path) -> Path:
    """A consistent, self-contained copy of the archive for download: made with the online
    backup (so it includes what still sits in the WAL), once per version of the database
    files, and reused until an ingest changes them. Older snapshots are removed."""
    stamp = database_version(source)  # changes with each commit, not with uncommitted writes
    version = hashlib.blake2b(repr(stamp).encode(), digest_size=8).hexdigest()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"archive-{version}.sqlite"
    if target.exists() and stamp is not None:
        return target
    # Two requests may build the same snapshot: each writes its own file, the rename is atomic.
    building = folder / f"archive-{version}.sqlite.{os.getpid()}.{threading.get_ident()}"
    building.unlink(missing_ok=True)
    backup(source, building)
    building.replace(target)
    for old in folder.glob("archive-*.sqlite"):
        if old != target:
            old.unlink(missing_ok=True)
    return target
