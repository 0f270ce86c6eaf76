"""The second half of an ingest: prepared statements written to the database.

`Writer` applies prepared files inside the caller's transaction: a new statement is added, a
changed file rewrites its statement in place (same id), a second copy of a statement is recorded
as a second source, and a statement that learns its symbol takes the symbol's id while its old
id stays an alias. New rows are written in batches with driver-level executemany.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlmodel import Session

from app.ingest.analysis import Derived, store_derived
from app.ingest.prepare import Prepared
from app.ingest.report import FileOutcome
from app.parse.furniture import looks_official
from app.parse.ids import derived_id, symbol_to_id
from app.parse.text import fold
from app.search.services import search_index
from app.store.models import Alias, Paragraph, Source, Statement, pack_source, unmarked_of
from app.store.services import bulk_loader


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


class Writer:
    """Applies prepared files to the database inside one transaction.

    What matching needs (sources by path, statements by symbol and meeting, ids in use) is
    loaded once; new statements, sources and paragraphs are written in batches with
    the engine's bulk loader, and each batch of paragraphs is indexed at once by the search
    index (`app.search.interfaces.SearchIndex`).
    Rare cases (a changed file, a statement learning its symbol) go through the ORM.
    """

    BATCH_PARAGRAPHS = 20_000

    def __init__(self, session: Session) -> None:
        self.session = session
        self.now = dt.datetime.now(dt.UTC)
        conn = session.connection()
        self.loader = bulk_loader(conn)
        self.index = search_index(conn)
        self.sources = {
            path: _SourceRow(sid, pk, digest, bool(preferred))
            for sid, pk, path, digest, preferred in conn.exec_driver_sql(
                "SELECT id, statement_pk, path, content_hash, preferred FROM source"
            )
        }
        # The same file may come back under another key (ingested from another folder): its
        # bytes, and metadata, are what say it is already archived.
        self.by_digest = {row.content_hash: row for row in self.sources.values()}
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
        self.pending_derived: list[tuple[int, Derived]] = []
        self.suspects: list[int] = []
        """Ids of new paragraphs that may hold extraction damage (`may_be_damaged`)."""

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

    def _match(self, item: Prepared) -> int | None:
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

    def _row(self, item: Prepared) -> dict[str, object]:
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
            "source_zlib": pack_source(item.raw_text),
            "content_hash": item.digest,
            "updated_at": self.now,
        }

    def _queue_source(self, pk: int, item: Prepared, *, preferred: bool, note: str | None) -> None:
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
        self.by_digest.setdefault(item.digest, self.sources[item.key])

    def _queue_paragraphs(self, pk: int, item: Prepared) -> None:
        suspects = set(item.suspects)
        for p, derived in zip(item.parsed.paragraphs, item.derived, strict=True):
            if p.number in suspects:
                self.suspects.append(self.next_paragraph)
            self.pending_paragraphs.append(
                {
                    "id": self.next_paragraph,
                    "statement_pk": pk,
                    "number": p.number,
                    "text": p.text,
                    "unmarked": unmarked_of(p.text, p.plain),
                    "printed": p.printed,
                }
            )
            self.pending_derived.append((self.next_paragraph, derived))
            self.next_paragraph += 1
        if len(self.pending_paragraphs) >= self.BATCH_PARAGRAPHS:
            self.flush()

    def flush(self) -> None:
        """Write what is queued, and index the new paragraphs."""
        conn = self.session.connection()
        if self.pending_statements:
            self.loader.insert(conn, Statement.__table__, self.pending_statements)  # type: ignore[attr-defined]
            self.pending_statements = []
        if self.pending_sources:
            self.loader.insert(conn, Source.__table__, self.pending_sources)  # type: ignore[attr-defined]
            self.pending_sources = []
        if self.pending_paragraphs:
            first = self.pending_paragraphs[0]["id"]
            assert isinstance(first, int)
            self.loader.insert(conn, Paragraph.__table__, self.pending_paragraphs)  # type: ignore[attr-defined]
            self.index.add(conn, from_id=first)
            store_derived(conn, self.pending_derived)
            self.pending_paragraphs = []
            self.pending_derived = []

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
        self, item: Prepared, status: str, pk: int, reason: str | None = None
    ) -> FileOutcome:
        written = len(item.parsed.paragraphs) if status in ("added", "updated") else 0
        return FileOutcome(item.path, status, self.id_of[pk], reason, paragraphs=written)

    def apply(self, item: Prepared) -> FileOutcome:
        source = self.sources.get(item.key)
        if source is None and item.digest in self.by_digest:
            return self._outcome(item, "unchanged", self.by_digest[item.digest].statement_pk)
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
                "UPDATE source SET preferred = ?, note = ? WHERE statement_pk = ? AND preferred",
                (False, f"replaced by the official text of {item.path.name}", pk),
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
        self._queue_paragraphs(pk, item)
        return self._outcome(item, "added", pk)

    def _official(self, pk: int) -> bool:
        self.flush()
        text = (
            self.session.connection()
            .exec_driver_sql("SELECT source_zlib FROM statement WHERE pk = ?", (pk,))
            .scalar()
        )
        return looks_official(zlib.decompress(text).decode("utf-8") if text else "")

    def _update(self, item: Prepared, source: _SourceRow) -> FileOutcome:
        """A changed file: its statement is rewritten in place, keeping its pk and id."""
        self.session.connection().exec_driver_sql(
            "UPDATE source SET content_hash = ?, ingested_at = ? WHERE path = ?",
            (item.digest, self.now, item.key),
        )
        source.content_hash = item.digest
        return self._rewrite(item, source.statement_pk)

    def _rewrite(self, item: Prepared, pk: int, reason: str | None = None) -> FileOutcome:
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
        self._queue_paragraphs(pk, item)
        self.flush()
        return self._outcome(item, "updated", pk, reason)
