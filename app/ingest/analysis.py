"""What ingest derives from new paragraphs: their citations and their agreed-language pairs.

Per paragraph, `derive` computes what needs only its own text (citations, fingerprints,
n-grams); the ingest's parsing processes do that in parallel and the writer stores it with the
paragraph. `analyse_pending` then finds the agreed-language pairs of every paragraph not yet
analysed, which needs the whole archive.

A paragraph is analysed once: `analysed_paragraph` marks it, and when ingest replaces a
statement's paragraphs the marks, citations, features and reuse rows of the old ones are
deleted with them (ON DELETE CASCADE). So each run touches only paragraphs that are new since
the last run, and a database migrated from an older schema catches up on its next ingest.
Batches commit one by one, after the text they derive from: an interrupted analysis resumes
on the next run.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection
from sqlalchemy.engine import Engine

from app.ingest.progress import Progress
from app.language import reuse
from app.language.services import fingerprint_index
from app.language.shingles import SCHEME, Features
from app.parse.citations import Citation, extract_citations
from app.store.services import mark_changed

log = logging.getLogger(__name__)

BATCH = 20_000
"""Paragraphs analysed and committed together."""


@dataclass(frozen=True)
class Derived:
    """What one paragraph's own text gives the analysis."""

    citations: list[Citation]
    features: Features


def derive(text: str, plain: str) -> Derived:
    """The citations of a paragraph (`text` as archived) and its reuse features (`plain`)."""
    return Derived(extract_citations(text), Features.of(plain))


@dataclass
class AnalysisReport:
    paragraphs: int
    citations: int
    reuse_pairs: int


def pending_paragraphs(conn: Connection) -> list[int]:
    """Ids of paragraphs not yet analysed."""
    return [
        row[0]
        for row in conn.exec_driver_sql(
            "SELECT id FROM paragraph WHERE id NOT IN "
            "(SELECT paragraph_id FROM analysed_paragraph) ORDER BY id"
        )
    ]


def store_derived(conn: Connection, rows: Iterable[tuple[int, Derived]]) -> int:
    """Store what was derived from paragraphs (by id): citations and features. Returns the
    number of citations stored."""
    rows = list(rows)
    citations = [
        (pid, c.kind, c.key, c.label, c.year) for pid, derived in rows for c in derived.citations
    ]
    if citations:
        conn.exec_driver_sql(
            "INSERT INTO citation (paragraph_id, kind, key, label, year) VALUES (?, ?, ?, ?, ?)",
            citations,
        )
    fingerprint_index(conn).store_features(conn, ((pid, derived.features) for pid, derived in rows))
    return len(citations)


def forget_derived(conn: Connection, ids: list[int]) -> None:
    """Drop what was derived from paragraphs whose text changed since (a repair of extraction
    damage); the analysis derives it again."""
    if ids:
        marks = ",".join(str(int(i)) for i in ids)
        conn.exec_driver_sql(f"DELETE FROM citation WHERE paragraph_id IN ({marks})")
        fingerprint_index(conn).forget_features(conn, ids)


def analyse(conn: Connection, paragraph_ids: list[int]) -> AnalysisReport:
    """Reuse pairs of the given paragraphs (deriving first what was not derived at ingest),
    marked analysed, in the caller's transaction."""
    missing = fingerprint_index(conn).without_features(conn, paragraph_ids)
    rows = fingerprint_index(conn).paragraph_rows(conn, missing)
    store_derived(conn, ((pid, derive(body, plain)) for pid, _, body, plain in rows))
    pairs = reuse.update(conn, paragraph_ids=paragraph_ids)
    conn.exec_driver_sql(
        "INSERT INTO analysed_paragraph (paragraph_id) VALUES (?)", [(i,) for i in paragraph_ids]
    )
    # Most citations were stored while the text was written: count those of these paragraphs.
    citations = 0
    for start in range(0, len(paragraph_ids), 500):
        marks = ",".join(str(int(i)) for i in paragraph_ids[start : start + 500])  # ints
        citations += conn.exec_driver_sql(
            f"SELECT count(*) FROM citation WHERE paragraph_id IN ({marks})"
        ).scalar_one()
    mark_changed(conn)
    return AnalysisReport(len(paragraph_ids), citations, pairs)


DERIVED_TABLES = (
    "paragraph_reuse",
    "reuse_fingerprint",
    "reuse_hash",
    "paragraph_grams",
    "pending_prints",
    "citation",
    "analysed_paragraph",
)


def _check_scheme(conn: Connection) -> None:
    """Start the analysis over if the stored hashes were computed another way (another
    Python, or other parameters): values from two schemes must never be compared."""
    stored = conn.exec_driver_sql("SELECT scheme FROM analysis_scheme").scalar()
    if stored == SCHEME:
        return
    if stored is not None:
        log.warning("the agreed-language index was built another way; analysing everything again")
        for table in DERIVED_TABLES:
            conn.exec_driver_sql(f"DELETE FROM {table}")
    conn.exec_driver_sql("DELETE FROM analysis_scheme")
    conn.exec_driver_sql("INSERT INTO analysis_scheme (scheme) VALUES (?)", (SCHEME,))
    mark_changed(conn)


def analyse_pending(
    engine: Engine, *, batch: int = BATCH, progress: Progress | None = None
) -> AnalysisReport:
    """Analyse every paragraph not yet analysed, oldest id first, committing each batch: an
    interrupted run keeps what it finished, and the next one resumes where it stopped."""
    with engine.begin() as conn:
        _check_scheme(conn)
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
