"""Operator tasks on the database file: consistency checks, online backups and the files the
web app offers for download."""

from __future__ import annotations

import re
import sqlite3
from functools import partial
from pathlib import Path

from app.store.downloads import versioned_file
from app.store.interfaces import ArchiveUnreadable, CheckReport
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
    except sqlite3.OperationalError as exc:
        if "readonly" not in str(exc) and "read-only" not in str(exc):
            report.problems.append(f"search index disagrees with the paragraphs: {exc}")
        else:  # the file cannot be written here: a fact about this machine, not the archive
            report.skipped.append(
                "the search index was not compared token by token with the paragraphs: FTS5's "
                "check is spelled as a write, and the file is read-only here"
            )
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


def snapshot(source: Path) -> Path:
    """A consistent, self-contained copy of the archive for download, once per version of the
    archive: what is committed (the WAL included), with nothing of the ingest machine's folders
    in it (`public_path`)."""
    version = database_version(source)  # changes with each commit, not with uncommitted writes
    try:
        return versioned_file(source, version, "archive.sqlite", partial(_published_copy, source))
    except (sqlite3.Error, OSError) as exc:
        raise ArchiveUnreadable(f"no copy of the archive could be made: {exc}") from exc


def _published_copy(source: Path, target: Path) -> None:
    # VACUUM INTO writes the rows afresh, so the copy holds no free space in which bytes that
    # were deleted or rewritten in the archive (paths an older version stored) linger.
    src = _connect_readonly(source)
    try:
        src.execute("VACUUM INTO ?", (str(target),))
    finally:
        src.close()
    conn = sqlite3.connect(target)
    try:
        conn.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        conn.execute("PRAGMA secure_delete=ON")  # what the scrub overwrites is zeroed
        conn.create_function("public_path", 1, public_path, deterministic=True)
        with conn:
            conn.execute(
                "UPDATE source SET path = public_path(path) WHERE path != public_path(path)"
            )
            conn.execute(
                "UPDATE corrigendum SET source_path = public_path(source_path) "
                "WHERE source_path != public_path(source_path)"
            )
    finally:
        conn.close()


def public_path(path: str) -> str:
    """What the archive may publish of a source file's path: the folder it was ingested from
    and its path inside (`corpus/S-PRST-2001-15.txt`), never where that folder lies on the
    ingest machine. An absolute path (from archives ingested before revision 0011) keeps its
    last two parts."""
    if path.startswith(("/", "\\")) or re.match(r"[A-Za-z]:[\\/]", path):
        parts = [p for p in re.split(r"[\\/]", path) if p]
        return "/".join(parts[-2:])
    return path
