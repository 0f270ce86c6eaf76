"""Operator tasks on the archive: consistency checks, online backups and the snapshots the
download serves, whether a file can be used as the archive, and the lock that keeps its writers
one at a time. On SQLite these are operations on the archive's file
(`app.store.sqlite.maintenance`, `app.store.sqlite.files`); callers name the archive as
`ARCHIVE_DB` does."""

from __future__ import annotations

from app.store.sqlite.files import ArchiveBusy, is_read_only, problem_with, writing
from app.store.sqlite.maintenance import (
    CheckReport,
    backup,
    check,
    public_path,
    snapshot,
    versioned_file,
)

__all__ = [
    "ArchiveBusy",
    "CheckReport",
    "backup",
    "check",
    "is_read_only",
    "problem_with",
    "public_path",
    "snapshot",
    "versioned_file",
    "writing",
]
