"""Operator tasks on the archive: consistency checks, online backups and the snapshots the
download serves. On SQLite these are operations on the archive's file
(`app.store.sqlite.maintenance`); callers name the archive as `ARCHIVE_DB` does."""

from __future__ import annotations

from app.store.sqlite.maintenance import (
    CheckReport,
    backup,
    check,
    public_path,
    snapshot,
    versioned_file,
)

__all__ = ["CheckReport", "backup", "check", "public_path", "snapshot", "versioned_file"]
