"""What the rest of the archive asks of a storage engine, beyond the ordinary tables.

SQLModel and SQLAlchemy speak to any engine for the tables themselves; the few things that
differ from one engine to another are declared here as small interfaces, each with one
implementation per engine (SQLite's under `app/store/sqlite/`), chosen in one place by
`app.store.services` from the engine the archive was opened with. Search and agreed language
declare theirs in `app.search.interfaces` and `app.language.interfaces` in the same way.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Table
from sqlalchemy.engine import Connection

Version = Hashable
"""A value naming one committed state of the archive: equal while nothing is committed."""


@dataclass
class CheckReport:
    """What `archive check` found; `ok` only when every check passed."""

    archive: Path | str
    """The archive checked: its file or its URL."""
    problems: list[str] = field(default_factory=list)
    statements: int = 0
    paragraphs: int = 0
    indexed: int = 0
    unanalysed: int = 0
    """Paragraphs whose citations and agreed language are not computed yet (not a problem:
    `archive analyse` finishes them)."""
    skipped: list[str] = field(default_factory=list)
    """Checks that could not run here, and why (not problems of the archive)."""

    @property
    def ok(self) -> bool:
        return not self.problems


class ArchiveBusy(RuntimeError):
    """Another process is writing the archive (an ingest or an analysis)."""


class ArchiveUnreadable(RuntimeError):
    """The archive could not be read to make what was asked (its file is gone, or damaged)."""


class ArchiveVersion(Protocol):
    """Follows the archive's committed state, for caches kept in one process (pages).

    `current()` changes whenever another process (an ingest) commits, and is None when the
    archive cannot be read (then nothing may be cached)."""

    def current(self) -> Version | None: ...

    def close(self) -> None: ...


class VersionReader(Protocol):
    """The version a connection's transaction reads, as the key of what search caches."""

    def __call__(self, conn: Connection) -> tuple[Hashable, Version] | None:
        """(the archive, its version) or None when nothing may be cached."""
        ...


class BulkLoader(Protocol):
    """Writes many new rows of one table as fast as the engine can take them."""

    def insert(self, conn: Connection, table: Table, rows: Iterable[Mapping[str, Any]]) -> None: ...
