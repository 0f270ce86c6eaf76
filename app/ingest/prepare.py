"""The first half of an ingest: find statement files, read and parse them on every core.

Nothing here touches the database. Each file becomes a prepared statement (with what the
analysis needs of each paragraph: its citations, fingerprints and n-grams) or corrigendum, or
a failed outcome with the reason. On large runs the parsing processes write what they prepared
to spill files, and hand back only where it lies and the date it sorts by: the writer then
reads the statements back in date order, so memory stays flat whatever the number of files.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import logging
import os
import pickle
import shutil
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from app.core.logs import printable
from app.core.workers import process_pool
from app.ingest.analysis import Derived, derive
from app.ingest.progress import Progress
from app.ingest.report import FileOutcome
from app.parse.lexicon import Evidence, english
from app.parse.repair import may_be_damaged
from app.parse.statement import (
    ParsedCorrigendum,
    ParsedStatement,
    ParseError,
    decode,
    parse_document,
)

log = logging.getLogger(__name__)

STATEMENT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
NOT_STATEMENTS = {"readme", "license", "licence", "changelog", "notice", "index"}
"""File names (without suffix) that a folder of statements may hold beside them."""
METADATA_FILE = "metadata.csv"
MAX_FILE_BYTES = 5 * 1024 * 1024
PARSE_SECONDS = 10.0
"""No statement file may take longer than this to parse: a hostile file cannot hang a run."""
PARALLEL_FROM = 64
"""Below this many files, parsing in worker processes costs more than it saves."""


@dataclass(frozen=True)
class StatementFile:
    """A file to ingest, as found."""

    path: Path
    """Where it was found (what the report names)."""
    key: str
    """How the archive knows it: the name of the folder it was ingested from and its path
    inside (`corpus/S-PRST-2001-15.txt`; a file named on its own: its folder's name and its
    own). What the archive stores and publishes of a file's whereabouts: never where the
    folder lies on the ingest machine."""
    refused: str | None = None
    """Why it is not read, when it is not."""


def find_statement_files(paths: Iterable[Path]) -> Iterator[StatementFile]:
    """Statement files under `paths` (files as given; folders recursively), in a stable order,
    each once even when two arguments name it. What a folder holds under a statement's name
    but cannot be read as one is found too, refused with the reason: a named pipe or a device,
    a link to a missing file, a link out of the folder (not followed: a folder's contents are
    what the folder holds; name the file itself to ingest it)."""
    seen: set[Path] = set()
    keys: dict[str, Path] = {}
    for path in paths:
        if path.is_dir():
            root = Path(os.path.abspath(path))
            found: Iterable[StatementFile] = (
                _in_folder(root, child) for child in sorted(root.rglob("*")) if _named(root, child)
            )
        else:
            absolute = Path(os.path.abspath(path))
            found = [StatementFile(path, f"{absolute.parent.name}/{absolute.name}")]
        for file in found:
            real = file.path.resolve()
            if real in seen:
                continue
            seen.add(real)
            yield _unique_key(file, real, keys)


def _named(root: Path, child: Path) -> bool:
    """Whether a folder's entry is named like a statement file (folders aside), or is a link
    to a folder (which the search does not enter, and says so)."""
    if any(part.startswith(".") for part in child.relative_to(root).parts):
        return False
    if child.is_dir():
        return child.is_symlink()
    return child.suffix.lower() in STATEMENT_SUFFIXES and child.stem.lower() not in NOT_STATEMENTS


def _in_folder(root: Path, child: Path) -> StatementFile:
    key = f"{root.name}/{child.relative_to(root).as_posix()}"
    refused = None
    real = child.resolve()
    if not child.exists():
        refused = "a symbolic link to a missing file"
    elif child.is_dir():
        refused = "a symbolic link to a folder: not followed (name the folder itself to ingest it)"
    elif not real.is_relative_to(root.resolve()):
        refused = (
            f"a symbolic link to {real}, outside the folder: not followed "
            "(name the file itself to ingest it)"
        )
    elif not child.is_file():
        refused = f"not a regular file ({_kind(child.stat().st_mode)}): not read"
    return StatementFile(child, key, refused)


def _unique_key(file: StatementFile, real: Path, keys: dict[str, Path]) -> StatementFile:
    """Two files of one run never share a key (two folders with the same name given in one
    run): the later one's key takes more of its folders until it is its own."""
    key = file.key
    parts = real.parts
    depth = key.count("/") + 2
    while key in keys and keys[key] != real and depth <= len(parts):
        key = "/".join(parts[-depth:])
        depth += 1
    keys[key] = real
    return file if key == file.key else StatementFile(file.path, key, file.refused)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a file"


def read_statement_file(path: Path) -> bytes:
    """The bytes of a statement file, at most MAX_FILE_BYTES; a ParseError for anything that
    is not a regular file of that size. Opened without waiting (a named pipe would wait for a
    writer) and checked on the open file, so `/dev/zero` is refused, never read for ever."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ParseError(f"not a regular file ({_kind(info.st_mode)}): not read")
        if info.st_size > MAX_FILE_BYTES:
            raise ParseError(
                f"file is {info.st_size:,} bytes; a statement file is at most {MAX_FILE_BYTES:,}"
            )
        data = fh.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ParseError(f"file grew past {MAX_FILE_BYTES:,} bytes while it was read")
    return data


def load_metadata(folder: Path) -> dict[str, dict[str, str]]:
    """Rows of `metadata.csv` in `folder`, keyed by file name: facts a text does not carry."""
    meta_path = folder / METADATA_FILE
    if not meta_path.is_file():
        return {}
    with meta_path.open(newline="", encoding="utf-8") as fh:
        return {row["file"]: row for row in csv.DictReader(fh) if row.get("file")}


@dataclass
class Prepared:
    """A parsed statement file, ready to be written."""

    path: Path
    key: str
    """How its source row is found again on the next run (`StatementFile.key`)."""
    digest: str
    raw_text: str
    parsed: ParsedStatement
    derived: list[Derived]
    """Per paragraph, in order: what the analysis needs of it (computed here, in parallel)."""
    suspects: list[int]
    """Numbers of the paragraphs that may hold extraction damage, for the write to repair."""

    @property
    def sort_key(self) -> tuple[dt.date, str]:
        return (self.parsed.date or dt.date.min, str(self.path))


@dataclass
class PreparedCorrigendum:
    path: Path
    key: str
    digest: str
    parsed: ParsedCorrigendum


@dataclass(frozen=True)
class Spilled:
    """Where a parsing process wrote a prepared statement: a byte range of a spill file."""

    sort_key: tuple[dt.date, str]
    file: str
    offset: int
    length: int


def _prepare(
    file: StatementFile, metadata: dict[str, str] | None
) -> Prepared | PreparedCorrigendum:
    if file.refused:
        raise ParseError(file.refused)
    path = file.path
    if not path.exists():
        raise ParseError("no such file")
    raw = read_statement_file(path)
    text = decode(raw)
    document = parse_document(text)
    digest = hashlib.sha256(raw)
    if isinstance(document, ParsedCorrigendum):
        return PreparedCorrigendum(path, file.key, digest.hexdigest(), document)
    parsed = document
    if metadata:
        symbol = (metadata.get("symbol") or "").strip() or None
        if symbol and parsed.symbol and symbol != parsed.symbol:
            log.warning(
                "%s: metadata.csv says %s but the text carries %s; the text wins",
                printable(path),
                printable(symbol),
                parsed.symbol,
            )
        elif symbol:
            parsed.symbol = symbol
        digest.update(repr(sorted(metadata.items())).encode())
    derived = [derive(p.text, p.plain) for p in parsed.paragraphs]
    lexicon = Evidence()  # the lexicon alone: the archive's evidence is weighed at the write
    suspects = [p.number for p in parsed.paragraphs if may_be_damaged(p.text, lexicon)]
    return Prepared(path, file.key, digest.hexdigest(), text, parsed, derived, suspects)


class ParseTimeout(ParseError):
    pass


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ParseTimeout if the block runs longer than `seconds` (main thread only: worker
    processes and the CLI; elsewhere the block runs unbounded)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise ParseTimeout(f"parsing took longer than {seconds:g} s; the file was skipped")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def prepare_one(
    file: StatementFile, metadata: dict[str, str] | None
) -> Prepared | PreparedCorrigendum | FileOutcome:
    """One file prepared, or a failed outcome saying why."""
    try:
        with time_limit(PARSE_SECONDS):
            return _prepare(file, metadata)
    except ParseError as exc:
        return FileOutcome(file.path, "failed", reason=str(exc))
    except OSError as exc:
        return FileOutcome(file.path, "failed", reason=exc.strerror or str(exc))


SPILL_PREFIX = "archive-ingest-"
OWNER_FILE = "owner.pid"


@contextmanager
def spill_folder() -> Iterator[Path]:
    """A temporary folder for the parsing processes' spill files, removed afterwards. A run
    killed outright cannot remove its own: the next run removes every spill folder whose
    owner is no longer running."""
    root = Path(tempfile.gettempdir())
    for stale in root.glob(f"{SPILL_PREFIX}*"):
        if not _owner_alive(stale):
            shutil.rmtree(stale, ignore_errors=True)
    folder = Path(tempfile.mkdtemp(prefix=SPILL_PREFIX, dir=root))
    (folder / OWNER_FILE).write_text(str(os.getpid()))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _owner_alive(folder: Path) -> bool:
    """Whether the run that made `folder` may still be using it (a folder without an owner
    file is given a day)."""
    try:
        pid = int((folder / OWNER_FILE).read_text())
    except (OSError, ValueError):
        try:
            return time.time() - folder.stat().st_mtime < 24 * 3600
        except OSError:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # alive, another user's
    return True


_spill: IO[bytes] | None = None
"""In a parsing process: the spill file it appends prepared statements to."""


def _open_spill(folder: str) -> None:
    global _spill
    _spill = open(os.path.join(folder, f"spill-{os.getpid()}.bin"), "ab")  # noqa: SIM115


def _prepare_and_spill(
    file: StatementFile, metadata: dict[str, str] | None
) -> Spilled | PreparedCorrigendum | FileOutcome:
    result = prepare_one(file, metadata)
    if not isinstance(result, Prepared):
        return result
    assert _spill is not None
    data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    offset = _spill.tell()
    _spill.write(data)
    _spill.flush()  # the writer reads it back from another process
    return Spilled(result.sort_key, _spill.name, offset, len(data))


def load_spilled(spilled: Spilled, handles: dict[str, IO[bytes]]) -> Prepared:
    """The prepared statement a parsing process wrote at `spilled`."""
    handle = handles.get(spilled.file)
    if handle is None:
        handle = handles[spilled.file] = open(spilled.file, "rb")  # noqa: SIM115
    handle.seek(spilled.offset)
    item = pickle.loads(handle.read(spilled.length))
    assert isinstance(item, Prepared)
    return item


def prepare_all(
    files: list[StatementFile], spill_folder: Path, progress: Progress | None = None
) -> Iterator[Prepared | Spilled | PreparedCorrigendum | FileOutcome]:
    """Read and parse every file; on all cores, through spill files in `spill_folder`, when
    there are enough files to be worth it."""
    metadata_cache: dict[Path, dict[str, dict[str, str]]] = {}
    metadata = []
    for file in files:
        folder = file.path.parent
        if folder not in metadata_cache:
            metadata_cache[folder] = load_metadata(folder)
        metadata.append(metadata_cache[folder].get(file.path.name))
    workers = min(os.cpu_count() or 1, 8)
    english()  # the lexicon, loaded once here: forked parsing processes share it
    results: Iterable[Prepared | Spilled | PreparedCorrigendum | FileOutcome]
    if len(files) < PARALLEL_FROM or workers < 2:
        results = map(prepare_one, files, metadata)
        pool = None
    else:
        pool = process_pool(workers, _open_spill, (str(spill_folder),))
        results = pool.map(_prepare_and_spill, files, metadata, chunksize=32)
    try:
        for index, result in enumerate(results, start=1):
            if progress:
                progress("parse", index, len(files))
            yield result
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
