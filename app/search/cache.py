"""Search's memory between requests, valid for one version of the archive file.

The server opens the archive read-only and the archive changes only when an ingest commits, so
what search learns about a query (its counts and history, the words a prefix stands for, where
each statement's paragraphs lie) stays true until the next commit. `database_version` names
that state (`app.store.versions`), and every cache entry is keyed by it: after an ingest the next
request finds nothing cached and computes afresh.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

Version = Hashable


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
    """One value per archive (the latest version's), built once per version even when
    several requests ask for it at the same time."""

    def __init__(self) -> None:
        self._values: dict[Hashable, tuple[Version, V]] = {}
        self._lock = threading.Lock()

    def get(self, archive: Hashable, version: Version | None, build: Callable[[], V]) -> V:
        if version is None:
            return build()
        with self._lock:
            known = self._values.get(archive)
            if known is not None and known[0] == version:
                return known[1]
            value = build()
            self._values[archive] = (version, value)
            return value

    def has(self, archive: Hashable, version: Version) -> bool:
        """Whether the value of this version is built."""
        known = self._values.get(archive)
        return known is not None and known[0] == version

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
