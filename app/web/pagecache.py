"""Rendered pages kept in memory while the database does not change.

The archive changes only when `archive ingest` (or a catalogue import) commits, in another
process. SQLite's `PRAGMA data_version` tells, cheaply and exactly, whether any other connection
committed since the last time it was asked, so pages can be kept until then and no longer.
"""

from __future__ import annotations

import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TypeVar

from app.store.interfaces import ArchiveVersion, Version

T = TypeVar("T")


@dataclass(frozen=True)
class CachedPage:
    """A complete response: what the middleware sends again for the same request.

    A body that went out uncompressed is kept deflated (pages shrink about fivefold, so the
    cache holds five times as many) and inflated again for each answer, which costs far less
    than building the page.
    """

    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    stored: bytes
    deflated: bool
    etag: bytes

    @classmethod
    def of(
        cls, status: int, headers: list[tuple[bytes, bytes]], body: bytes, etag: bytes
    ) -> CachedPage:
        encoded = any(k == b"content-encoding" for k, _ in headers)
        stored = body if encoded else zlib.compress(body, 1)
        return cls(status, tuple(headers), stored, not encoded, etag)

    @property
    def body(self) -> bytes:
        return zlib.decompress(self.stored) if self.deflated else self.stored

    @property
    def size(self) -> int:
        return len(self.stored) + sum(len(k) + len(v) for k, v in self.headers) + 200


Key = tuple[object, ...]
MAX_VALUES = 500
"""Figures a PageCache remembers at most (see `remember`)."""


class PageCache:
    """Responses by request key, all from one database version, least recently used dropped
    first once they take more than `max_bytes`. Safe to use from several threads."""

    def __init__(self, version: ArchiveVersion, max_bytes: int) -> None:
        self.version = version
        self.max_bytes = max_bytes
        self._pages: OrderedDict[Key, CachedPage] = OrderedDict()
        self._values: dict[Hashable, object] = {}
        self._bytes = 0
        self._of_version: Version | None = None
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def get(self, key: Key, version: Version) -> CachedPage | None:
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

    def put(self, key: Key, version: Version, page: CachedPage) -> None:
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

    def remember(self, name: Hashable, version: Version, compute: Callable[[], T]) -> T:
        """`compute()`, worked out once per database `version`: for figures drawn from the
        whole archive (counts per year, agenda items) that many pages show. Small values only:
        they are not counted against `max_bytes`."""
        with self._lock:
            self._follow(version)
            if name in self._values:
                return self._values[name]  # type: ignore[return-value]
        value = compute()  # outside the lock: a slow count must not hold up cached pages
        with self._lock:
            self._follow(version)
            if version == self._of_version:
                if len(self._values) >= MAX_VALUES:
                    self._values.clear()  # names may come from URLs: keep them bounded
                self._values[name] = value
        return value

    def _follow(self, version: Version) -> None:
        """Forget everything when the database has moved on from the version it was read at."""
        if version != self._of_version:
            self._pages.clear()
            self._values.clear()
            self._bytes = 0
            self._of_version = version

    def __len__(self) -> int:
        return len(self._pages)


class Remembered:
    """What a request may reuse of the archive-wide figures: `remember(name, compute)` gives
    the value for the database version taken when the request began (taken before any of its
    queries, so a value is never older than its version)."""

    def __init__(self, cache: PageCache | None) -> None:
        self._cache = cache
        self._version = cache.version.current() if cache is not None else None

    def __call__(self, name: Hashable, compute: Callable[[], T]) -> T:
        if self._cache is None or self._version is None:
            return compute()
        return self._cache.remember(name, self._version, compute)
