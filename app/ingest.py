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
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.analysis import analyse_new_paragraphs
from app.models import Alias, Paragraph, Source, Statement
from app.parser import ParsedStatement, ParseError, decode, parse_statement
from app.textutil import fold

log = logging.getLogger(__name__)

STATEMENT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
METADATA_FILE = "metadata.csv"
MAX_FILE_BYTES = 5 * 1024 * 1024


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
    """Statement files under `paths` (files as given; folders recursively), in a stable order."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if (
                    child.is_file()
                    and child.suffix.lower() in STATEMENT_SUFFIXES
                    and not any(part.startswith(".") for part in child.relative_to(path).parts)
                ):
                    yield child
        else:
            yield path


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


def _prepare(path: Path, metadata: dict[str, str] | None) -> _Prepared:
    if not path.exists():
        raise ParseError("no such file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ParseError(f"file is {size:,} bytes; a statement file is at most {MAX_FILE_BYTES:,}")
    raw = path.read_bytes()
    text = decode(raw)
    parsed = parse_statement(text)
    digest = hashlib.sha256(raw)
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


def _similar(a: Statement, paragraphs: list[Paragraph], parsed: ParsedStatement) -> bool:
    """Whether a stored statement and a parsed one are the same text (word sets mostly shared)."""
    old = set(fold(" ".join(p.plain for p in paragraphs)).split())
    new = set(fold(" ".join(p.plain for p in parsed.paragraphs)).split())
    if not old or not new:
        return False
    return len(old & new) / len(old | new) >= 0.6


class _Writer:
    """Applies prepared files to the database inside one session."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.now = dt.datetime.now(dt.UTC)

    def _paragraphs(self, statement: Statement) -> list[Paragraph]:
        return list(
            self.session.exec(
                select(Paragraph)
                .where(Paragraph.statement_pk == statement.pk)
                .order_by(col(Paragraph.number))
            )
        )

    def _match(self, item: _Prepared) -> tuple[Statement | None, Source | None]:
        """The stored statement this file is a version of, and its source row if it has one."""
        source = self.session.exec(select(Source).where(Source.path == item.key)).first()
        if source is not None:
            return self.session.get(Statement, source.statement_pk), source
        parsed = item.parsed
        if parsed.symbol:
            found = self.session.exec(
                select(Statement).where(Statement.symbol == parsed.symbol)
            ).first()
            if found is not None:
                return found, None
        if parsed.meeting_number:
            for candidate in self.session.exec(
                select(Statement).where(Statement.meeting_number == parsed.meeting_number)
            ):
                conflict = parsed.symbol and candidate.symbol and candidate.symbol != parsed.symbol
                if not conflict and _similar(candidate, self._paragraphs(candidate), parsed):
                    return candidate, None
        return None, None

    def _free_id(self, wanted: str, statement: Statement | None) -> str:
        """`wanted`, or `wanted-2`, `-3`... if another statement or alias already holds it."""
        candidate, n = wanted, 1
        while True:
            holder = self.session.exec(select(Statement).where(Statement.id == candidate)).first()
            alias = self.session.get(Alias, candidate)
            mine = statement is not None and (
                (holder is not None and holder.pk == statement.pk)
                or (alias is not None and alias.statement_pk == statement.pk)
            )
            if mine or (holder is None and alias is None):
                return candidate
            n += 1
            candidate = f"{wanted}-{n}"

    def _fill(self, statement: Statement, item: _Prepared) -> None:
        parsed = item.parsed
        assert parsed.date is not None
        statement.symbol = parsed.symbol or statement.symbol
        statement.title = parsed.title
        statement.date = parsed.date
        statement.year = parsed.date.year
        statement.meeting_number = parsed.meeting_number
        statement.meeting_date = parsed.meeting_date
        statement.agenda_item = parsed.agenda_item
        statement.distribution_date = parsed.distribution_date
        statement.original_language = parsed.original_language
        statement.intro = parsed.intro
        statement.footnotes = parsed.footnotes
        statement.source_name = item.path.name
        statement.source_text = item.raw_text
        statement.content_hash = item.digest
        statement.updated_at = self.now

    def _write_paragraphs(self, statement: Statement, parsed: ParsedStatement) -> None:
        assert statement.pk is not None
        self.session.execute(delete(Paragraph).where(col(Paragraph.statement_pk) == statement.pk))
        self.session.add_all(
            Paragraph(statement_pk=statement.pk, number=p.number, text=p.text, plain=p.plain)
            for p in parsed.paragraphs
        )

    def _adopt_symbol(self, statement: Statement, symbol: str | None) -> None:
        """Give a statement its symbol's id once the symbol is known; the old id becomes an alias,
        so no published link ever breaks."""
        if not symbol or statement.id == symbol_to_id(symbol):
            return
        if statement.symbol and statement.symbol != symbol:
            return
        old_id = statement.id
        statement.symbol = symbol
        statement.id = self._free_id(symbol_to_id(symbol), statement)
        if statement.id != old_id and self.session.get(Alias, old_id) is None:
            self.session.add(
                Alias(alias=old_id, statement_pk=statement.pk, created_at=self.now)  # type: ignore[arg-type]
            )
        self.session.add(statement)

    def apply(self, item: _Prepared) -> FileOutcome:
        statement, source = self._match(item)
        if source is not None and statement is not None and not source.preferred:
            source.content_hash = item.digest
            self.session.add(source)
            return FileOutcome(item.path, "duplicate", statement.id, "second source, not used")
        if source is not None and source.content_hash == item.digest and statement is not None:
            return FileOutcome(item.path, "unchanged", statement.id)
        if statement is not None and source is None:
            # A second file for a statement we already hold: record it, never overwrite silently.
            self._adopt_symbol(statement, item.parsed.symbol)
            self.session.add(
                Source(
                    statement_pk=statement.pk,  # type: ignore[arg-type]
                    path=item.key,
                    content_hash=item.digest,
                    preferred=False,
                    note=f"same statement as {statement.id}; text kept from the first source",
                    ingested_at=self.now,
                )
            )
            return FileOutcome(
                item.path,
                "duplicate",
                statement.id,
                reason=f"same statement as {statement.id}, already archived from another file",
            )
        if statement is None:
            statement = Statement(
                id=self._free_id(derived_id(item.parsed), None),
                title="",
                date=dt.date.min,
                year=0,
                source_name="",
                source_text="",
                content_hash="",
                created_at=self.now,
                updated_at=self.now,
            )
            self._fill(statement, item)
            self.session.add(statement)
            self.session.flush()
            self.session.add(
                Source(
                    statement_pk=statement.pk,  # type: ignore[arg-type]
                    path=item.key,
                    content_hash=item.digest,
                    preferred=True,
                    ingested_at=self.now,
                )
            )
            self._write_paragraphs(statement, item.parsed)
            return FileOutcome(
                item.path, "added", statement.id, paragraphs=len(item.parsed.paragraphs)
            )

        assert source is not None
        self._fill(statement, item)
        self._adopt_symbol(statement, item.parsed.symbol)
        source.content_hash = item.digest
        source.ingested_at = self.now
        self.session.add(statement)
        self.session.add(source)
        self._write_paragraphs(statement, item.parsed)
        return FileOutcome(
            item.path, "updated", statement.id, paragraphs=len(item.parsed.paragraphs)
        )


def ingest(
    engine: Engine,
    paths: Iterable[Path],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> IngestReport:
    """Ingest statement files and folders into the archive in a single transaction."""
    started = dt.datetime.now()
    report = IngestReport()
    files = list(find_statement_files(paths))
    metadata_cache: dict[Path, dict[str, dict[str, str]]] = {}
    prepared: list[_Prepared] = []
    for index, path in enumerate(files, start=1):
        folder = path.parent
        if folder not in metadata_cache:
            metadata_cache[folder] = load_metadata(folder)
        try:
            prepared.append(_prepare(path, metadata_cache[folder].get(path.name)))
        except ParseError as exc:
            report.outcomes.append(FileOutcome(path, "failed", reason=str(exc)))
        except OSError as exc:
            report.outcomes.append(FileOutcome(path, "failed", reason=exc.strerror or str(exc)))
        if progress:
            progress(index, len(files))

    with Session(engine) as session:
        writer = _Writer(session)
        for item in prepared:
            report.outcomes.append(writer.apply(item))
            session.flush()
        # Agreed language and citations of the paragraphs this run added (issue 6).
        analyse_new_paragraphs(session.connection())
        session.commit()
    report.seconds = (dt.datetime.now() - started).total_seconds()
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
