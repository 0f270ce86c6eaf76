"""The ingest job: statement files in, statements and paragraphs out, in one transaction.

A run is all or nothing for the database: every file is parsed first (a bad file is
reported and skipped), then every change is written inside a single transaction, so a
run that is interrupted leaves the archive exactly as it was. Readers keep seeing the
old archive until the commit (WAL).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import logging
import os
import re
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.analysis import analyse_new_paragraphs
from app.furniture import looks_official
from app.models import Alias, Corrigendum, Paragraph, Source, Statement
from app.parser import ParsedCorrigendum, ParsedStatement, ParseError, decode, parse_document
from app.repair import RARE, repair
from app.textutil import fold

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


@dataclass
class FileOutcome:
    path: Path
    status: str
    """added, updated, unchanged, duplicate or failed"""
    statement_id: str | None = None
    reason: str | None = None
    paragraphs: int = 0


@dataclass
class IngestReport:
    outcomes: list[FileOutcome] = field(default_factory=list)
    seconds: float = 0.0
    repairs: int = 0
    """Words split or run together by PDF extraction, repaired in the text search indexes."""

    def by_status(self, status: str) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def failed(self) -> list[FileOutcome]:
        return self.by_status("failed")

    @property
    def paragraphs(self) -> int:
        return sum(o.paragraphs for o in self.outcomes if o.status in ("added", "updated"))

    def summary(self) -> str:
        counts = {s: len(self.by_status(s)) for s in ("added", "updated", "unchanged", "failed")}
        text = ", ".join(f"{n} {s}" for s, n in counts.items())
        duplicates = len(self.by_status("duplicate"))
        if duplicates:
            text += f", {duplicates} second source{'s' if duplicates > 1 else ''} recorded"
        if self.repairs:
            text += f", {self.repairs} extraction artefacts repaired for search"
        return text


def symbol_to_id(symbol: str) -> str:
    """URL form of a document symbol: S/PRST/2023/6 -> S-PRST-2023-6."""
    return re.sub(r"[^A-Za-z0-9.]+", "-", symbol).strip("-")


def derived_id(parsed: ParsedStatement) -> str:
    """The id a statement gets: its symbol when known, otherwise its meeting, else its date."""
    if parsed.symbol:
        return symbol_to_id(parsed.symbol)
    if parsed.meeting_number:
        return f"meeting-{parsed.meeting_number}"
    assert parsed.date is not None
    return f"statement-{parsed.date.isoformat()}"


def find_statement_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Statement files under `paths` (files as given; folders recursively), in a stable order,
    each once even when two arguments name it."""
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            candidates: Iterable[Path] = (
                child
                for child in sorted(path.rglob("*"))
                if child.is_file()
                and child.suffix.lower() in STATEMENT_SUFFIXES
                and child.stem.lower() not in NOT_STATEMENTS
                and not any(part.startswith(".") for part in child.relative_to(path).parts)
            )
        else:
            candidates = [path]
        for candidate in candidates:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                yield candidate


def load_metadata(folder: Path) -> dict[str, dict[str, str]]:
    """Rows of `metadata.csv` in `folder`, keyed by file name: facts a text does not carry."""
    meta_path = folder / METADATA_FILE
    if not meta_path.is_file():
        return {}
    with meta_path.open(newline="", encoding="utf-8") as fh:
        return {row["file"]: row for row in csv.DictReader(fh) if row.get("file")}


@dataclass
class _Prepared:
    path: Path
    key: str
    digest: str
    raw_text: str
    parsed: ParsedStatement


@dataclass
class _PreparedCorrigendum:
    path: Path
    key: str
    digest: str
    parsed: ParsedCorrigendum


def _prepare(path: Path, metadata: dict[str, str] | None) -> _Prepared | _PreparedCorrigendum:
    if not path.exists():
        raise ParseError("no such file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ParseError(f"file is {size:,} bytes; a statement file is at most {MAX_FILE_BYTES:,}")
    raw = path.read_bytes()
    text = decode(raw)
    document = parse_document(text)
    digest = hashlib.sha256(raw)
    if isinstance(document, ParsedCorrigendum):
        return _PreparedCorrigendum(path, str(path.resolve()), digest.hexdigest(), document)
    parsed = document
    if metadata:
        symbol = (metadata.get("symbol") or "").strip() or None
        if symbol and parsed.symbol and symbol != parsed.symbol:
            log.warning(
                "%s: metadata.csv says %s but the text carries %s; the text wins",
                path,
                symbol,
                parsed.symbol,
            )
        elif symbol:
            parsed.symbol = symbol
        digest.update(repr(sorted(metadata.items())).encode())
    return _Prepared(path, str(path.resolve()), digest.hexdigest(), text, parsed)


def _words(plains: Iterable[str]) -> set[str]:
    return set(fold(" ".join(plains)).split())


def _similar(old: set[str], new: set[str]) -> bool:
    """Whether two statements' word sets are mostly shared: the same text from two files."""
    if not old or not new:
        return False
    return len(old & new) / len(old | new) >= 0.6


@dataclass
class _SourceRow:
    id: int
    statement_pk: int
    content_hash: str
    preferred: bool


class _Writer:
    """Applies prepared files to the database inside one transaction.

    What matching needs (sources by path, statements by symbol and meeting, ids in use) is
    loaded once; new statements, sources and paragraphs are written in batches with
    executemany, and each batch of paragraphs is indexed with one INSERT ... SELECT into the
    FTS5 table (one statement, so FTS5 builds its segments in memory instead of per row).
    Rare cases (a changed file, a statement learning its symbol) go through the ORM.
    """

    BATCH_PARAGRAPHS = 20_000

    def __init__(self, session: Session) -> None:
        self.session = session
        self.now = dt.datetime.now(dt.UTC)
        conn = session.connection()
        self.sources = {
            path: _SourceRow(sid, pk, digest, bool(preferred))
            for sid, pk, path, digest, preferred in conn.exec_driver_sql(
                "SELECT id, statement_pk, path, content_hash, preferred FROM source"
            )
        }
        self.id_of: dict[int, str] = {}
        self.symbol_of: dict[int, str | None] = {}
        self.by_symbol: dict[str, int] = {}
        self.by_meeting: dict[int, list[int]] = {}
        for pk, sid, symbol, meeting in conn.exec_driver_sql(
            "SELECT pk, id, symbol, meeting_number FROM statement"
        ):
            self._remember(pk, sid, symbol, meeting)
        self.taken: dict[str, int] = dict(self.id_of_inverse())
        for alias, pk in conn.exec_driver_sql("SELECT alias, statement_pk FROM alias"):
            self.taken[alias] = pk
        self.next_pk = 1 + (conn.exec_driver_sql("SELECT max(pk) FROM statement").scalar() or 0)
        self.next_paragraph = 1 + (
            conn.exec_driver_sql("SELECT max(id) FROM paragraph").scalar() or 0
        )
        self.first_paragraph = self.next_paragraph
        self.pending_statements: list[dict[str, object]] = []
        self.pending_sources: list[dict[str, object]] = []
        self.pending_paragraphs: list[dict[str, object]] = []

    def id_of_inverse(self) -> Iterator[tuple[str, int]]:
        for pk, sid in self.id_of.items():
            yield sid, pk

    def _remember(self, pk: int, sid: str, symbol: str | None, meeting: int | None) -> None:
        self.id_of[pk] = sid
        self.symbol_of[pk] = symbol
        if symbol:
            self.by_symbol[symbol] = pk
        if meeting:
            self.by_meeting.setdefault(meeting, []).append(pk)

    def _stored_words(self, pk: int) -> set[str]:
        self.flush()  # the statement may have been added earlier in this run
        rows = self.session.connection().exec_driver_sql(
            "SELECT plain FROM paragraph WHERE statement_pk = ?", (pk,)
        )
        return _words(row[0] for row in rows)

    def _match(self, item: _Prepared) -> int | None:
        """The stored statement (pk) this file is another copy of, by symbol or meeting."""
        parsed = item.parsed
        if parsed.symbol and parsed.symbol in self.by_symbol:
            return self.by_symbol[parsed.symbol]
        candidates = self.by_meeting.get(parsed.meeting_number or 0, [])
        if candidates:
            words = _words(p.plain for p in parsed.paragraphs)
            for pk in candidates:
                other = self.symbol_of.get(pk)
                conflict = parsed.symbol and other and other != parsed.symbol
                if not conflict and _similar(self._stored_words(pk), words):
                    return pk
        return None

    def _free_id(self, wanted: str, pk: int | None) -> str:
        """`wanted`, or `wanted-2`, `-3`... if another statement or alias already holds it."""
        candidate, n = wanted, 1
        while candidate in self.taken and self.taken[candidate] != pk:
            n += 1
            candidate = f"{wanted}-{n}"
        return candidate

    def _row(self, item: _Prepared) -> dict[str, object]:
        parsed = item.parsed
        assert parsed.date is not None
        return {
            "title": parsed.title,
            "date": parsed.date,
            "year": parsed.date.year,
            "meeting_number": parsed.meeting_number,
            "meeting_date": parsed.meeting_date,
            "agenda_item": parsed.agenda_item,
            "distribution_date": parsed.distribution_date,
            "original_language": parsed.original_language,
            "intro": parsed.intro,
            "footnotes": parsed.footnotes,
            "source_name": item.path.name,
            "source_text": item.raw_text,
            "content_hash": item.digest,
            "updated_at": self.now,
        }

    def _queue_source(self, pk: int, item: _Prepared, *, preferred: bool, note: str | None) -> None:
        self.pending_sources.append(
            {
                "statement_pk": pk,
                "path": item.key,
                "content_hash": item.digest,
                "preferred": preferred,
                "note": note,
                "ingested_at": self.now,
            }
        )
        self.sources[item.key] = _SourceRow(0, pk, item.digest, preferred)

    def _queue_paragraphs(self, pk: int, parsed: ParsedStatement) -> None:
        for p in parsed.paragraphs:
            self.pending_paragraphs.append(
                {
                    "id": self.next_paragraph,
                    "statement_pk": pk,
                    "number": p.number,
                    "text": p.text,
                    "plain": p.plain,
                }
            )
            self.next_paragraph += 1
        if len(self.pending_paragraphs) >= self.BATCH_PARAGRAPHS:
            self.flush()

    def flush(self) -> None:
        """Write what is queued, and index the new paragraphs."""
        conn = self.session.connection()
        if self.pending_statements:
            conn.execute(Statement.__table__.insert(), self.pending_statements)  # type: ignore[attr-defined]
            self.pending_statements = []
        if self.pending_sources:
            conn.execute(Source.__table__.insert(), self.pending_sources)  # type: ignore[attr-defined]
            self.pending_sources = []
        if self.pending_paragraphs:
            first = self.pending_paragraphs[0]["id"]
            conn.execute(Paragraph.__table__.insert(), self.pending_paragraphs)  # type: ignore[attr-defined]
            conn.exec_driver_sql(
                "INSERT INTO paragraph_fts(rowid, plain) SELECT id, plain FROM paragraph "
                "WHERE id >= ?",
                (first,),
            )
            self.pending_paragraphs = []

    def _adopt_symbol(self, pk: int, symbol: str | None) -> None:
        """Give a statement its symbol's id once the symbol is known; the old id becomes an alias,
        so no published link ever breaks."""
        old_id = self.id_of[pk]
        if not symbol or old_id == symbol_to_id(symbol):
            return
        if self.symbol_of.get(pk) not in (None, symbol):
            return
        self.flush()
        statement = self.session.get(Statement, pk)
        assert statement is not None
        statement.symbol = symbol
        statement.id = self._free_id(symbol_to_id(symbol), pk)
        self.session.add(statement)
        if statement.id != old_id and self.session.get(Alias, old_id) is None:
            self.session.add(Alias(alias=old_id, statement_pk=pk, created_at=self.now))
        self.session.flush()
        self.id_of[pk] = statement.id
        self.symbol_of[pk] = symbol
        self.by_symbol[symbol] = pk
        self.taken[statement.id] = pk
        self.taken[old_id] = pk

    def _outcome(
        self, item: _Prepared, status: str, pk: int, reason: str | None = None
    ) -> FileOutcome:
        written = len(item.parsed.paragraphs) if status in ("added", "updated") else 0
        return FileOutcome(item.path, status, self.id_of[pk], reason, paragraphs=written)

    def apply(self, item: _Prepared) -> FileOutcome:
        source = self.sources.get(item.key)
        if source is not None and not source.preferred:
            if source.content_hash != item.digest:
                self.flush()
                self.session.connection().exec_driver_sql(
                    "UPDATE source SET content_hash = ?, ingested_at = ? WHERE path = ?",
                    (item.digest, self.now, item.key),
                )
                source.content_hash = item.digest
            return self._outcome(item, "duplicate", source.statement_pk, "second source, not used")
        if source is not None and source.content_hash == item.digest:
            return self._outcome(item, "unchanged", source.statement_pk)
        if source is not None:
            return self._update(item, source)

        pk = self._match(item)
        if pk is not None and looks_official(item.raw_text) and not self._official(pk):
            # The official PDF text replaces a web or markdown copy, keeping the statement's id;
            # the copy stays recorded as a second source.
            self.flush()
            self.session.connection().exec_driver_sql(
                "UPDATE source SET preferred = 0, note = ? "
                "WHERE statement_pk = ? AND preferred = 1",
                (f"replaced by the official text of {item.path.name}", pk),
            )
            for known in self.sources.values():
                if known.statement_pk == pk:
                    known.preferred = False
            self._queue_source(pk, item, preferred=True, note=None)
            return self._rewrite(item, pk, "the official text replaces an earlier copy")
        if pk is not None:
            # A second file for a statement we already hold: record it, never overwrite silently.
            self._adopt_symbol(pk, item.parsed.symbol)
            note = f"same statement as {self.id_of[pk]}; text kept from the first source"
            self._queue_source(pk, item, preferred=False, note=note)
            reason = f"same statement as {self.id_of[pk]}, already archived from another file"
            return self._outcome(item, "duplicate", pk, reason)

        pk = self.next_pk
        self.next_pk += 1
        sid = self._free_id(derived_id(item.parsed), None)
        row = self._row(item)
        row.update(pk=pk, id=sid, symbol=item.parsed.symbol, created_at=self.now)
        self.pending_statements.append(row)
        self._remember(pk, sid, item.parsed.symbol, item.parsed.meeting_number)
        self.taken[sid] = pk
        self._queue_source(pk, item, preferred=True, note=None)
        self._queue_paragraphs(pk, item.parsed)
        return self._outcome(item, "added", pk)

    def _official(self, pk: int) -> bool:
        self.flush()
        text = (
            self.session.connection()
            .exec_driver_sql("SELECT source_text FROM statement WHERE pk = ?", (pk,))
            .scalar()
        )
        return looks_official(text or "")

    def _update(self, item: _Prepared, source: _SourceRow) -> FileOutcome:
        """A changed file: its statement is rewritten in place, keeping its pk and id."""
        self.session.connection().exec_driver_sql(
            "UPDATE source SET content_hash = ?, ingested_at = ? WHERE path = ?",
            (item.digest, self.now, item.key),
        )
        source.content_hash = item.digest
        return self._rewrite(item, source.statement_pk)

    def _rewrite(self, item: _Prepared, pk: int, reason: str | None = None) -> FileOutcome:
        """Rewrite a statement from `item` in place: same pk, same id, new paragraphs."""
        self.flush()
        statement = self.session.get(Statement, pk)
        assert statement is not None
        for key, value in self._row(item).items():
            setattr(statement, key, value)
        statement.symbol = item.parsed.symbol or statement.symbol
        self.session.add(statement)
        self.session.flush()
        self._adopt_symbol(pk, item.parsed.symbol)
        conn = self.session.connection()
        conn.exec_driver_sql("DELETE FROM paragraph WHERE statement_pk = ?", (pk,))
        self._queue_paragraphs(pk, item.parsed)
        self.flush()
        return self._outcome(item, "updated", pk, reason)


def repair_new_paragraphs(session: Session, *, since_id: int) -> int:
    """Repair extraction damage in the paragraphs written by this run, in the text shown and
    the text searched; the source file stays as it was, viewable beside the statement.

    Only paragraphs holding a word the archive has seen at most twice can be damaged, so
    those are found through the index and checked against the whole archive's vocabulary."""
    conn = session.connection()
    vocab = Counter(
        {
            term: int(cnt)
            for term, cnt in conn.exec_driver_sql("SELECT term, cnt FROM paragraph_vocab")
        }
    )
    rare = [term for term, cnt in vocab.items() if cnt <= RARE and term.isalpha()]
    repairs = 0
    seen: set[int] = set()
    for start in range(0, len(rare), 200):
        expression = " OR ".join(f'"{term}"' for term in rare[start : start + 200])
        rows = conn.exec_driver_sql(
            "SELECT rowid, plain FROM paragraph_fts WHERE paragraph_fts MATCH ? AND rowid >= ?",
            (expression, since_id),
        ).all()
        for rowid, plain in rows:
            if rowid in seen:
                continue
            seen.add(rowid)
            fixed, count = repair(plain, vocab)
            if count:
                repairs += count
                text = conn.exec_driver_sql(
                    "SELECT text FROM paragraph WHERE id = ?", (rowid,)
                ).scalar()
                shown, _ = repair(text or "", vocab)
                conn.exec_driver_sql(
                    "UPDATE paragraph SET plain = ?, text = ? WHERE id = ?", (fixed, shown, rowid)
                )
    return repairs


def _apply_corrigendum(
    session: Session, item: _PreparedCorrigendum, now: dt.datetime
) -> FileOutcome:
    """Store a corrigendum under its own symbol; it attaches to the statement it corrects by
    that statement's symbol, so the order in which the two arrive does not matter."""
    doc = item.parsed
    row = session.exec(select(Corrigendum).where(Corrigendum.symbol == doc.symbol)).first()
    if row is not None and row.content_hash == item.digest:
        return FileOutcome(item.path, "unchanged", doc.symbol)
    status = "updated" if row is not None else "added"
    row = row or Corrigendum(
        symbol=doc.symbol, corrects="", text="", source_path="", content_hash="", ingested_at=now
    )
    row.corrects, row.date, row.text = doc.corrects, doc.date, doc.text
    row.source_path, row.content_hash, row.ingested_at = item.key, item.digest, now
    session.add(row)
    session.flush()
    return FileOutcome(item.path, status, doc.symbol, reason=f"corrigendum to {doc.corrects}")


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


def _prepare_or_fail(
    path: Path, metadata: dict[str, str] | None
) -> _Prepared | _PreparedCorrigendum | FileOutcome:
    try:
        with time_limit(PARSE_SECONDS):
            return _prepare(path, metadata)
    except ParseError as exc:
        return FileOutcome(path, "failed", reason=str(exc))
    except OSError as exc:
        return FileOutcome(path, "failed", reason=exc.strerror or str(exc))


def _prepare_all(
    files: list[Path], progress: Callable[[int, int], None] | None
) -> Iterator[_Prepared | _PreparedCorrigendum | FileOutcome]:
    """Read and parse every file, on all cores when there are enough files to be worth it."""
    metadata_cache: dict[Path, dict[str, dict[str, str]]] = {}
    metadata = []
    for path in files:
        if path.parent not in metadata_cache:
            metadata_cache[path.parent] = load_metadata(path.parent)
        metadata.append(metadata_cache[path.parent].get(path.name))
    workers = min(os.cpu_count() or 1, 8)
    if len(files) < PARALLEL_FROM or workers < 2:
        results: Iterable[_Prepared | _PreparedCorrigendum | FileOutcome] = map(
            _prepare_or_fail, files, metadata
        )
        pool = None
    else:
        pool = ProcessPoolExecutor(max_workers=workers)
        results = pool.map(_prepare_or_fail, files, metadata, chunksize=32)
    try:
        for index, result in enumerate(results, start=1):
            if progress:
                progress(index, len(files))
            yield result
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def ingest(
    engine: Engine,
    paths: Iterable[Path],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> IngestReport:
    """Ingest statement files and folders into the archive in a single transaction.

    Files are written in date order, so paragraph rowids follow the statements' dates within
    a run (search can then read recent paragraphs first without sorting)."""
    started = time.perf_counter()
    report = IngestReport()
    files = list(find_statement_files(paths))
    prepared: list[_Prepared] = []
    corrigenda: list[_PreparedCorrigendum] = []
    for result in _prepare_all(files, progress):
        if isinstance(result, FileOutcome):
            report.outcomes.append(result)
        elif isinstance(result, _PreparedCorrigendum):
            corrigenda.append(result)
        else:
            prepared.append(result)
    # Newest last in the list, so popping from the end hands out the oldest first and frees
    # each file's text as soon as it is written.
    prepared.sort(key=lambda item: (item.parsed.date or dt.date.min, str(item.path)), reverse=True)

    with Session(engine) as session:
        writer = _Writer(session)
        while prepared:
            report.outcomes.append(writer.apply(prepared.pop()))
        writer.flush()
        report.repairs = repair_new_paragraphs(session, since_id=writer.first_paragraph)
        for item in corrigenda:
            report.outcomes.append(_apply_corrigendum(session, item, writer.now))
        # Agreed language and citations of the paragraphs this run added (issue 6).
        analyse_new_paragraphs(session.connection())
        session.commit()
    # Fold the WAL back into the database file, so a copy of the file alone is complete.
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
    report.seconds = time.perf_counter() - started
    return report


def print_progress(done: int, total: int) -> None:
    """A one-line progress bar on stderr, for folders large enough to need one."""
    if total < 50 or not sys.stderr.isatty():
        return
    width = 30
    filled = width * done // total
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} files")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()
