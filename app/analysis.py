"""What ingest derives from new paragraphs: their citations and their agreed-language pairs.

A paragraph is analysed once: `analysed_paragraph` marks it, and when ingest replaces a
statement's paragraphs the marks, citations and reuse rows of the old ones are deleted with them
(ON DELETE CASCADE). So each run touches only paragraphs that are new since the last run, and a
database migrated from an older schema catches up on its next ingest.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Connection, text

from app import reuse
from app.citations import extract_citations

log = logging.getLogger(__name__)


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


def analyse_new_paragraphs(conn: Connection) -> AnalysisReport:
    """Citations and reuse for every paragraph not yet analysed, in the caller's transaction."""
    ids = pending_paragraphs(conn)
    if not ids:
        return AnalysisReport(0, 0, 0)
    citations = store_citations(conn, paragraph_ids=ids)
    pairs = reuse.update(conn, paragraph_ids=ids)
    conn.execute(
        text("INSERT INTO analysed_paragraph (paragraph_id) VALUES (:p)"), [{"p": i} for i in ids]
    )
    log.info("analysed %d paragraphs: %d citations, %d reuse pairs", len(ids), citations, pairs)
    return AnalysisReport(len(ids), citations, pairs)
