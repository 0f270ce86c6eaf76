"""Operator tasks on the archive: consistency checks, online backups and the snapshots the
download serves; whether a file can be used as the archive, and the lock that keeps its writers
one at a time. On SQLite these are operations on the archive's file
(`app.store.sqlite.maintenance`, `app.store.sqlite.files`); on PostgreSQL the check reads the
server and copies are left to PostgreSQL's own tools (`app.store.postgres.maintenance`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.core.config import Archive, archive_location
from app.store.downloads import versioned_file
from app.store.interfaces import ArchiveBusy, ArchiveUnreadable, CheckReport
from app.store.postgres import maintenance as postgres
from app.store.postgres.maintenance import NotOnThisEngine
from app.store.sqlite import maintenance as sqlite
from app.store.sqlite.files import is_read_only
from app.store.sqlite.files import problem_with as file_problem
from app.store.sqlite.files import writing as file_writing
from app.store.sqlite.maintenance import public_path

__all__ = [
    "ArchiveBusy",
    "ArchiveUnreadable",
    "CheckReport",
    "NotOnThisEngine",
    "backup",
    "check",
    "problem_with",
    "public_path",
    "read_only",
    "snapshot",
    "versioned_file",
    "writing",
]


def check(archive: Archive) -> CheckReport:
    """Verify the archive: integrity, and the search index against the paragraphs."""
    where = archive_location(archive)
    return sqlite.check(where) if isinstance(where, Path) else postgres.check(where)


def backup(archive: Archive, target: Path) -> int:
    """A consistent copy of an SQLite archive while it serves; the pages copied."""
    where = archive_location(archive)
    return (
        sqlite.backup(where, target) if isinstance(where, Path) else postgres.backup(where, target)
    )


def snapshot(archive: Archive) -> Path:
    """The SQLite file the download serves (SQLite archives only), in the archive's own folder
    of downloads (`app.store.downloads`); `ArchiveUnreadable` when it cannot be made."""
    where = archive_location(archive)
    if not isinstance(where, Path):
        raise NotOnThisEngine("the SQLite download exists for archives stored in SQLite")
    return sqlite.snapshot(where)


def problem_with(archive: Archive, *, created: bool = False) -> str | None:
    """Why `archive` cannot be used, in one sentence; None when it can (a server's archive is
    judged when it is reached). `created`: a missing or empty file is no problem."""
    where = archive_location(archive)
    return file_problem(where, created=created) if isinstance(where, Path) else None


def read_only(archive: Archive) -> bool:
    """Whether this process may not write the archive's file."""
    where = archive_location(archive)
    return isinstance(where, Path) and is_read_only(where)


@contextmanager
def writing(archive: Archive, what: str) -> Iterator[None]:
    """Hold the archive's writer lock while the block runs (`ArchiveBusy` when another process
    holds it): on SQLite a lock file beside the archive, on PostgreSQL an advisory lock."""
    where = archive_location(archive)
    with file_writing(where, what) if isinstance(where, Path) else postgres.writing(where, what):
        yield
