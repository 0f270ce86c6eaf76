"""The fingerprint index on PostgreSQL (`app.language.interfaces.FingerprintIndex`).

The same relational index as SQLite's (`app.language.sqlite`): the same tables and the same
keyed reads and writes per batch; only what PostgreSQL spells differently is restated here
(upserts as ON CONFLICT).
"""

from __future__ import annotations

from typing import ClassVar

from app.language.sqlite import SqliteFingerprints


class PostgresFingerprints(SqliteFingerprints):
    RELATED_HINTS: ClassVar[dict[str, str]] = {"p_hint": "", "s_hint": ""}  # planner's choice
    LISTED_INSERT_SQL = """
        INSERT INTO reuse_fingerprint (hash, paragraph_id) VALUES (?, ?) ON CONFLICT DO NOTHING
    """
    INSERT_SQL = """
        INSERT INTO paragraph_reuse (paragraph_id, other_id, shared_words,
            other_shared_words, coverage, other_coverage, similarity)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (paragraph_id, other_id) DO UPDATE SET
            shared_words = excluded.shared_words,
            other_shared_words = excluded.other_shared_words,
            coverage = excluded.coverage,
            other_coverage = excluded.other_coverage,
            similarity = excluded.similarity
    """
    UPSERT_GRAMS_SQL = """
        INSERT INTO paragraph_grams (paragraph_id, words, grams) VALUES (?, ?, ?)
        ON CONFLICT (paragraph_id) DO UPDATE SET words = excluded.words, grams = excluded.grams
    """
    UPSERT_PRINTS_SQL = """
        INSERT INTO pending_prints (paragraph_id, prints) VALUES (?, ?)
        ON CONFLICT (paragraph_id) DO UPDATE SET prints = excluded.prints
    """
