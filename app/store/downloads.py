"""Files the web app offers for download (the SQLite copy, JSON Lines), built once per version
of the archive and kept in a folder of the archive's own.

The folder is in the system's temporary folder (the web app may not write beside a read-only
archive), one per archive, so that archives on one host never remove each other's files; it is
made private to this user and refused if someone else made it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from collections.abc import Callable, Hashable
from pathlib import Path

from app.core.config import Archive, archive_location

DOWNLOADS = Path(tempfile.gettempdir()) / f"prst-archive-downloads-{os.getuid()}"
KEEP_VERSIONS = 2
"""Versions of a download kept: the newest, and the one before for a request that was handed it
just before an ingest committed."""


def download_folder(archive: Archive) -> Path:
    """The folder of `archive`'s download files, named by its resolved path (or its URL)."""
    where = archive_location(archive)
    name = str(where.resolve()) if isinstance(where, Path) else where
    folder = DOWNLOADS / hashlib.blake2b(name.encode(), digest_size=8).hexdigest()
    for made in (DOWNLOADS, folder):
        made.mkdir(mode=0o700, exist_ok=True)
        if made.is_symlink() or made.lstat().st_uid != os.getuid():
            raise PermissionError(f"{made} is not this user's own folder; downloads not written")
    return folder


_building = threading.Lock()


def versioned_file(
    archive: Archive, version: Hashable | None, name: str, build: Callable[[Path], None]
) -> Path:
    """The download file `name` of `archive` at `version` (what changes with each commit, and
    only then): built by `build(path)` the first time, reused until the version changes; built
    every time when the version is unknown (None). One build at a time in a process; two
    processes may build the same file, each into a name of its own, and the rename is atomic."""
    tag = hashlib.blake2b(repr(version).encode(), digest_size=8).hexdigest()
    stem, dot, suffix = name.partition(".")
    folder = download_folder(archive)
    target = folder / f"{stem}-{tag}{dot}{suffix}"
    with _building:
        if target.exists() and version is not None:
            return target
        building = folder / f"{target.name}.{os.getpid()}.{threading.get_ident()}"
        building.unlink(missing_ok=True)
        try:
            build(building)
            building.replace(target)
        finally:
            building.unlink(missing_ok=True)
        older = sorted(
            (f for f in folder.glob(f"{stem}-*{dot}{suffix}") if f != target),
            key=lambda f: f.stat().st_mtime,
            reverse=True,
        )
        for old in older[KEEP_VERSIONS - 1 :]:
            old.unlink(missing_ok=True)
    return target
