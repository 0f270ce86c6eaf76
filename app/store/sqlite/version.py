"""The SQLite archive's version: what changes when, and only when, an ingest commits.

Two readings of it, both cheap: `database_version` stamps the file (its inode, mtime, size and
WAL-index header) and is what search's caches and the download snapshots key on; `DataVersion`
asks `PRAGMA data_version` on a connection of its own and is what the page cache follows.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path
from weakref import WeakKeyDictionary

from sqlalchemy.engine import Connection, Engine

Version = tuple[object, ...]


def database_version(path: Path) -> Version | None:
    """A value that changes whenever a transaction is committed to the archive at `path`,
    or None when the file cannot be read (then nothing may be cached).

    In WAL mode a commit updates the WAL-index header at the start of the `-shm` file (its
    change counter, last frame and checksums; https://www.sqlite.org/walformat.html) and a
    checkpoint rewrites the database file; a write that is not yet committed changes neither,
    so a long ingest does not empty the caches before it commits. Without a WAL, any change
    rewrites the database file itself."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    header: bytes | None = None
    try:
        for _ in range(3):
            both = _read_shm(path)
            if both is None:
                break
            # SQLite writes the header twice; the copies differ only while a commit is
            # being written, and then the next read sees the finished one.
            if both[:48] == both[48:96]:
                header = both[:48]
                break
        else:
            return None
    except OSError:
        return None
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size, header)


_shm_files: dict[str, int] = {}
_shm_lock = threading.Lock()


def _read_shm(path: Path) -> bytes | None:
    """The first 96 bytes of the archive's `-shm` file (None when there is none), read through
    a descriptor this process opens once and never closes.

    Closing any descriptor of a file drops every POSIX lock the process holds on that file,
    SQLite's own included (https://www.sqlite.org/howtocorrupt.html, 2.2): its read marks in
    the `-shm`. Opened and closed at each read, as it once was, this let an ingest in another
    process reset the WAL under the server's readers, which then read "database disk image is
    malformed", and truncate the `-shm` they had mapped (SIGBUS: the server died). A descriptor
    of a `-shm` that was replaced (every connection closed, then a new one) is left open too."""
    name = f"{path}-shm"
    with _shm_lock:
        fd = _shm_files.get(name)
        try:
            if fd is not None and os.fstat(fd).st_ino != os.stat(name).st_ino:
                fd = None
            if fd is None:
                fd = _shm_files[name] = os.open(name, os.O_RDONLY)
        except FileNotFoundError:
            return None
    return os.pread(fd, 96, 0)


_files: WeakKeyDictionary[Engine, Path | None] = WeakKeyDictionary()


def database_file(conn: Connection) -> Path | None:
    """The file of the connection's main database (None for an in-memory one)."""
    engine = conn.engine
    if engine not in _files:
        rows = conn.exec_driver_sql("PRAGMA database_list").all()
        name = next((r[2] for r in rows if r[1] == "main"), "")
        _files[engine] = Path(name) if name else None
    return _files[engine]


VERSION_KEY = "archive_version"
"""Where a read-only engine notes, as each transaction begins, the version it reads
(`app.store.sqlite.connect`)."""


def archive_version(conn: Connection) -> tuple[Path, Version] | None:
    """The archive's file and the version the connection's transaction reads, the key of
    anything cached about it; None when nothing may be cached."""
    path = database_file(conn)
    if path is None:
        return None
    # A read-only engine noted the version its transaction reads; a writing one did not.
    version = conn.info[VERSION_KEY] if VERSION_KEY in conn.info else database_version(path)
    return (path, version) if version else None


class DataVersion:
    """A number that changes whenever another connection commits to the database at `path`.

    It has one read-only connection of its own: `PRAGMA data_version` is only comparable with
    itself on the same connection.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._conn: sqlite3.Connection | None = None
        self._connections = 0
        self._lock = threading.Lock()

    def current(self) -> int | None:
        """The database's version now; None when the database cannot be read."""
        with self._lock:
            if not self._path.exists():  # deleted: what the open connection reads is a ghost
                self._close()
                return None
            try:
                if self._conn is None:
                    self._conn = sqlite3.connect(
                        f"file:{self._path.resolve()}?mode=ro", uri=True, check_same_thread=False
                    )
                    self._connections += 1
                version = int(self._conn.execute("PRAGMA data_version").fetchone()[0])
            except sqlite3.Error:
                self._close()
                return None
            # A new connection counts from scratch: its numbers must not meet the old ones.
            return (self._connections << 32) | version

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
