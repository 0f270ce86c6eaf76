"""The ingest job: statement files in, statements and paragraphs out.

A run has two steps, each safe to interrupt:

1. **Text** (`app.ingest.prepare`, then `app.ingest.writer`): every file is parsed on all
   cores (a bad file is reported and skipped), then every change is written inside a single
   transaction: statements, paragraphs in date order (search reads recent paragraphs first
   without sorting), the search index, repairs of extraction damage, corrigenda. A run
   interrupted here leaves the archive exactly as it was; readers see the old archive until
   the commit (WAL).
2. **Analysis** (`app.ingest.analysis`): citations and agreed language of the paragraphs not
   yet analysed, committed batch by batch. It derives data from committed text; a run interrupted
   here leaves some paragraphs pending, and the next run (or `archive analyse`) finishes them.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.ingest.analysis import analyse_pending, forget_derived
from app.ingest.prepare import (
    Prepared,
    PreparedCorrigendum,
    Spilled,
    StatementFile,
    find_statement_files,
    load_spilled,
    prepare_all,
    spill_folder,
)
from app.ingest.progress import Progress
from app.ingest.report import FileOutcome, IngestReport
from app.ingest.writer import Writer
from app.parse.lexicon import Evidence
from app.parse.repair import repair, repairs_between
from app.parse.text import strip_emphasis
from app.search.services import search_index
from app.store.models import Corrigendum, unmarked_of
from app.store.services import mark_changed, settle

__all__ = ["FileOutcome", "IngestReport", "ingest"]

REPAIR_BATCH = 500
"""Paragraphs read at once for repair."""

log = logging.getLogger(__name__)


def repair_new_paragraphs(session: Session, *, since_id: int, suspects: Iterable[int] = ()) -> int:
    """Repair extraction damage in the paragraphs written by this run, in the text shown and
    the text searched, with the whole archive's vocabulary and phrases beside the English
    lexicon as evidence (`app.parse.repair`); the paragraph keeps its printed form, and the
    source file stays as it was, viewable beside the statement.

    Only the `suspects` are read: the paragraphs the parsing processes found may be damaged
    (a seam left to decide, a stray letter, pieces the lexicon would join, a piece it does not
    know). Returns how many words of this run's paragraphs are repaired."""
    conn = session.connection()
    index = search_index(conn)
    evidence = Evidence(
        index.vocabulary(conn),
        lambda words, at_most: index.phrase_count(conn, words, at_most=at_most),
    )
    changed: list[int] = []
    wanted = sorted(set(suspects))
    for start in range(0, len(wanted), REPAIR_BATCH):
        batch = wanted[start : start + REPAIR_BATCH]
        rows = conn.exec_driver_sql(
            f"SELECT id, text, printed FROM paragraph WHERE id IN ({','.join('?' * len(batch))})",
            tuple(batch),
        ).all()
        for rowid, text, printed in rows:
            fixed = repair(text, evidence)
            if fixed == text:
                continue
            printed = printed or text
            conn.exec_driver_sql(
                "UPDATE paragraph SET text = ?, unmarked = ?, printed = ? WHERE id = ?",
                (
                    fixed,
                    unmarked_of(fixed, strip_emphasis(fixed)),
                    None if fixed == printed else printed,
                    rowid,
                ),
            )
            changed.append(rowid)
    # What the parsing processes derived from the damaged text is derived again, repaired.
    forget_derived(conn, changed)
    return sum(
        len(repairs_between(printed, text))
        for text, printed in conn.exec_driver_sql(
            "SELECT text, printed FROM paragraph WHERE id >= ? AND printed IS NOT NULL",
            (since_id,),
        )
    )


def _apply_corrigendum(
    session: Session, item: PreparedCorrigendum, now: dt.datetime
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


def _write(
    engine: Engine,
    files: list[StatementFile],
    report: IngestReport,
    progress: Progress | None,
) -> None:
    """Step 1: parse every file and write the text in one transaction."""
    with spill_folder() as spill:
        pending: list[Prepared | Spilled] = []
        corrigenda: list[PreparedCorrigendum] = []
        for result in prepare_all(files, spill, progress):
            if isinstance(result, FileOutcome):
                report.outcomes.append(result)
            elif isinstance(result, PreparedCorrigendum):
                corrigenda.append(result)
            else:
                pending.append(result)
        # Oldest first, so paragraph ids follow the statements' dates.
        pending.sort(key=lambda item: item.sort_key)
        handles: dict[str, IO[bytes]] = {}
        try:
            with Session(engine) as session:
                writer = Writer(session)
                for index, entry in enumerate(pending, start=1):
                    item = load_spilled(entry, handles) if isinstance(entry, Spilled) else entry
                    report.outcomes.append(writer.apply(item))
                    if progress:
                        progress("write", index, len(pending))
                writer.flush()
                report.repairs = repair_new_paragraphs(
                    session, since_id=writer.first_paragraph, suspects=writer.suspects
                )
                for corrigendum in corrigenda:
                    report.outcomes.append(_apply_corrigendum(session, corrigendum, writer.now))
                mark_changed(session.connection())
                session.commit()
        finally:
            for handle in handles.values():
                handle.close()


def ingest(
    engine: Engine,
    paths: Iterable[Path],
    *,
    progress: Progress | None = None,
    report: IngestReport | None = None,
) -> IngestReport:
    """Ingest statement files and folders into the archive: their text in one transaction,
    then the analysis of every paragraph not yet analysed. A caller that passes its own
    `report` can tell, when this raises, what had been committed (`text_committed`)."""
    started = time.perf_counter()
    report = report if report is not None else IngestReport()
    _write(engine, list(find_statement_files(paths)), report, progress)
    report.text_committed = True
    with engine.begin() as conn:
        search_index(conn).optimise(conn, added=report.paragraphs)
    report.write_seconds = time.perf_counter() - started
    report.analysed = analyse_pending(engine, progress=progress).paragraphs
    settle(engine)
    report.seconds = time.perf_counter() - started
    report.analysis_seconds = report.seconds - report.write_seconds
    return report
