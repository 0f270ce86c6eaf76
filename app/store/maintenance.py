"""Operator tasks on the archive: consistency checks, online backups and the snapshots the
download serves. On SQLite these are operations on the archive's file
(`app.store.sqlite.maintenance`); on PostgreSQL the check reads the server and copies are left
to PostgreSQL's own tools (`app.store.postgres.maintenance`)."""

from __future__ import annotations

from pathlib import Path

from app.core.config import Archive, archive_location
from app.store.interfaces import CheckReport
from app.store.postgres import maintenance as postgres
from app.store.postgres.maintenance import NotOnThisEngine
from app.store.sqlite import maintenance as sqlite

__all__ = ["CheckReport", "NotOnThisEngine", "backup", "check", "snapshot"]


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


def snapshot(archive: Archive, folder: Path) -> Path:
    """The SQLite file the download serves (SQLite archives only)."""
    where = archive_location(archive)
    if not isinstance(where, Path):
        raise NotOnThisEngine("the SQLite download exists for archives stored in SQLite")
    return sqlite.snapshot(where, folder)
