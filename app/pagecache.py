"""Rendered pages kept in memory while the database does not change.

The archive changes only when `archive ingest` (or a catalogue import) commits, in another
process. SQLite's `PRAGMA data_version` tells, cheaply and exactly, whether any other connection
committed since the last time it was asked, so pages can be kept until then and no longer.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path


class DataVersion:
    """A number that changes whenever another connection commits to the database at `path`.

    It has one read-only connection of its own: `PRAGMA data_version` is only comparable with
    itself on the same connection.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def current(self) -> int | None:
        """The database's version now; None when the database cannot be read."""
        with self._lock:
            try:
                if self._conn is None:
                    self._conn = sqlite3.connect(
                        f"file:{self._path.resolve()}?mode=ro", uri=True, check_same_thread=False
                    )
                return int(self._conn.execute("PRAGMA data_version").fetchone()[0])
            except sqlite3.Error:
                self._close()
                return None

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


@dataclass(frozen=True)
class CachedPage:
    """A complete response: what the middleware sends again for the same request."""

    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    etag: bytes

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + 200


Key = tuple[object, ...]


class PageCache:
    """Responses by request key, all from one database version, least recently used dropped
    first once they take more than `max_bytes`. Safe to use from several threads."""

    def __init__(self, version: DataVersion, max_bytes: int) -> None:
        self.version = version
        self.max_bytes = max_bytes
        self._pages: OrderedDict[Key, CachedPage] = OrderedDict()
        self._bytes = 0
        self._of_version: int | None = None
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def get(self, key: Key, version: int) -> CachedPage | None:
        """The page stored under `key` for this database `version`, if any."""
        with self._lock:
            self._follow(version)
            page = self._pages.get(key)
            if page is None:
                self.misses += 1
                return None
            self._pages.move_to_end(key)
            self.hits += 1
            return page

    def put(self, key: Key, version: int, page: CachedPage) -> None:
        """Keep `page`, built from data read after `version` was taken.

        Reading the version before the data is what keeps stale pages out: a page built from
        newer data than its version is dropped as soon as that newer version is seen, never
        kept as if it were current.
        """
        if page.size > self.max_bytes // 8:
            return  # one huge page should not empty the cache
        with self._lock:
            self._follow(version)
            if version != self._of_version:
                return  # the database changed while the page was built
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._pages[key] = page
            self._bytes += page.size
            while self._bytes > self.max_bytes:
                _, dropped = self._pages.popitem(last=False)
                self._bytes -= dropped.size

    def _follow(self, version: int) -> None:
        """Forget every page when the database has moved on from the pages' version."""
        if version != self._of_version:
            self._pages.clear()
            self._bytes = 0
            self._of_version = version

    def __len__(self) -> int:
        return len(self._pages)
