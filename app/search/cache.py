"""Search's memory between requests, valid for one version of the archive file.

The server opens the archive read-only and the archive changes only when an ingest commits, so
what search learns about a query (its counts and history, the words a prefix stands for, where
each statement's paragraphs lie) stays true until the next commit. `database_version` names
that state cheaply from the file system, and every cache entry is keyed by it: after an ingest
the next request finds nothing cached and computes afresh.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Generic, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy.engine import Connection, Engine

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

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
        with open(f"{path}-shm", "rb") as shm:
            for _ in range(3):
                shm.seek(0)
                both = shm.read(96)
                # SQLite writes the header twice; the copies differ only while a commit is
                # being written, and then the next read sees the finished one.
                if both[:48] == both[48:96]:
                    header = both[:48]
                    break
            else:
                return None
    except FileNotFoundError:
        pass
    except OSError:
        return None
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size, header)


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
"""Where a read-only engine notes, as each transaction begins, the version it reads (app.db)."""


def archive_version(conn: Connection) -> tuple[Path, Version] | None:
    """The archive's file and the version the connection's transaction reads, the key of
    anything cached about it; None when nothing may be cached."""
    path = database_file(conn)
    if path is None:
        return None
    # A read-only engine noted the version its transaction reads; a writing one did not.
    version = conn.info[VERSION_KEY] if VERSION_KEY in conn.info else database_version(path)
    return (path, version) if version else None


class LRU(Generic[K, V]):
    """A bounded, thread-safe map that forgets the least recently used entry first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def get_or_compute(self, key: K | None, compute: Callable[[], V]) -> V:
        """The cached value for `key`, computed and kept when missing; a None key (no
        known database version) computes without keeping."""
        if key is None:
            return compute()
        value = self.get(key)
        if value is None:
            value = compute()
            self.put(key, value)
        return value


class PerVersion(Generic[V]):
    """One value per database file (the latest version's), built once per version even when
    several requests ask for it at the same time."""

    def __init__(self) -> None:
        self._values: dict[Path, tuple[Version, V]] = {}
        self._lock = threading.Lock()

    def get(self, path: Path, version: Version | None, build: Callable[[], V]) -> V:
        if version is None:
            return build()
        with self._lock:
            known = self._values.get(path)
            if known is not None and known[0] == version:
                return known[1]
            value = build()
            self._values[path] = (version, value)
            return value

    def has(self, path: Path, version: Version) -> bool:
        """Whether the value of this version is built."""
        known = self._values.get(path)
        return known is not None and known[0] == version

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
