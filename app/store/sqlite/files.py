"""The archive's file as the commands meet it: whether it can be used, in one sentence when it
cannot, and the lock that lets one writer (an ingest or an analysis) work on it at a time."""

from __future__ import annotations

import fcntl
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.store.interfaces import ArchiveBusy


def problem_with(path: Path, *, created: bool = False) -> str | None:
    """Why the file at `path` cannot serve as the archive, in one sentence; None when it can.
    With `created`, a missing or empty file is no problem (the command creates the archive)."""
    if not path.exists():
        if path.is_symlink():
            return f"{path} is a link to a missing file"
        if created:
            return None
        return f"{path}: no archive there (`archive ingest` creates one)"
    if path.is_dir():
        return f"{path} is a folder, not an archive file"
    if not os.access(path, os.R_OK):
        return f"{path} cannot be read (permissions)"
    if path.stat().st_size == 0:
        if created:
            return None
        return f"{path} is empty (0 bytes), not an archive (`archive ingest` fills it)"
    # Read through SQLite, never through a descriptor of our own: closing one would drop the
    # locks SQLite holds on the file in this process (app.store.sqlite.version._read_shm).
    try:
        conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc):
            return f"{path} is not an SQLite database, so not an archive"
        return f"{path} cannot be read as an SQLite database: {exc}"
    if "statement" not in tables and not created:
        return f"{path} is an SQLite database but not an archive (it has no statement table)"
    return None


def is_read_only(path: Path) -> bool:
    """Whether this process may not write the archive's file (permissions, a read-only mount)."""
    return path.exists() and not os.access(path, os.W_OK)


@contextmanager
def writing(path: Path, what: str) -> Iterator[None]:
    """Hold the archive's writer lock while the block runs; `ArchiveBusy` naming the process
    that holds it if another does. The lock is a file beside the archive, `<name>.lock`, locked
    with flock: the system releases it when its holder ends, however it ends (a killed ingest
    leaves nothing to clean up)."""
    lock = path.with_name(path.name + ".lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "another process"
            raise ArchiveBusy(
                f"another ingest or analysis of {path} is running ({holder}); "
                "try again when it has finished"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, archive {what}\n".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
