"""What ingest derives from new paragraphs: their citations and their agreed-language pairs.

A paragraph is analysed once: `analysed_paragraph` marks it, and when ingest replaces a
statement's paragraphs the marks, citations and reuse rows of the old ones are deleted with them
(ON DELETE CASCADE). So each run touches only paragraphs that are new since the last run, and a
database migrated from an older schema catches up on its next ingest. Batches commit one by
one, after the text they derive from: an interrupted analysis resumes on the next run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Connection, text
from sqlalchemy.engine import Engine

from app import reuse
from app.citations import extract_citations
from app.prepare import Progress

log = logging.getLogger(__name__)

BATCH = 20_000
"""Paragraphs analysed and committed together."""


@dataclass
class AnalysisReport:
    paragraphs: int
    citations: int
    reuse_pairs: int


def pending_paragraphs(conn: Connection) -> list[int]:
    """Ids of paragraphs not yet analysed."""
    return list(
        conn.execute(
            text(
                "SELECT id FROM paragraph WHERE id NOT IN "
                "(SELECT paragraph_id FROM analysed_paragraph) ORDER BY id"
            )
        ).scalars()
    )


def store_citations(conn: Connection, *, paragraph_ids: list[int]) -> int:
    """Extract and store the citations of the given paragraphs; returns how many were stored."""
    rows = []
    for pid, _, body, _ in reuse.paragraph_rows(conn, paragraph_ids):
        rows += [
            {"p": pid, "kind": c.kind, "key": c.key, "label": c.label, "year": c.year}
            for c in extract_citations(body)
        ]
    if rows:
        conn.execute(
            text(
                "INSERT INTO citation (paragraph_id, kind, key, label, year) "
                "VALUES (:p, :kind, :key, :label, :year)"
            ),
            rows,
        )
    return len(rows)


def analyse(conn: Connection, paragraph_ids: list[int]) -> AnalysisReport:
    """Citations and reuse of the given paragraphs, marked analysed, in the caller's
    transaction."""
    citations = store_citations(conn, paragraph_ids=paragraph_ids)
    pairs = reuse.update(conn, paragraph_ids=paragraph_ids)
    conn.exec_driver_sql(
        "INSERT INTO analysed_paragraph (paragraph_id) VALUES (?)", [(i,) for i in paragraph_ids]
    )
    return AnalysisReport(len(paragraph_ids), citations, pairs)


def analyse_pending(
    engine: Engine, *, batch: int = BATCH, progress: Progress | None = None
) -> AnalysisReport:
    """Analyse every paragraph not yet analysed, oldest id first, committing each batch: an
    interrupted run keeps what it finished, and the next one resumes where it stopped."""
    with engine.connect() as conn:
        ids = pending_paragraphs(conn)
    total = AnalysisReport(0, 0, 0)
    for start in range(0, len(ids), batch):
        with engine.begin() as conn:
            done = analyse(conn, ids[start : start + batch])
        total = AnalysisReport(
            total.paragraphs + done.paragraphs,
            total.citations + done.citations,
            total.reuse_pairs + done.reuse_pairs,
        )
        if progress:
            progress("analyse", total.paragraphs, len(ids))
    if ids:
        log.info(
            "analysed %d paragraphs: %d citations, %d reuse pairs",
            total.paragraphs,
            total.citations,
            total.reuse_pairs,
        )
    return total
