"""The fingerprint index on PostgreSQL (`app.language.interfaces.FingerprintIndex`).

The same relational index as SQLite's (`app.language.sqlite`): the same tables and the same
three set statements per batch; only what PostgreSQL spells differently is restated here
(upserts as ON CONFLICT, named subqueries, the temporary table's schema).
"""

from __future__ import annotations

from typing import ClassVar

from app.language.sqlite import SqliteFingerprints


class PostgresFingerprints(SqliteFingerprints):
    RELATED_HINTS: ClassVar[dict[str, str]] = {"p_hint": "", "s_hint": ""}  # planner's choice
    POSTINGS_SQL = """
        INSERT INTO reuse_fingerprint (hash, paragraph_id)
        SELECT hash, paragraph_id FROM (
            SELECT n.hash, n.paragraph_id,
                   coalesce(h.df, 0)
                   + row_number() OVER (PARTITION BY n.hash ORDER BY n.paragraph_id) AS place
            FROM reuse_new n LEFT JOIN reuse_hash h ON h.hash = n.hash
        ) AS numbered
        WHERE place <= :max_df
        ON CONFLICT DO NOTHING
    """
    COUNT_SQL = """
        INSERT INTO reuse_hash (hash, df)
        SELECT hash, count(*) FROM reuse_new GROUP BY hash
        ON CONFLICT (hash) DO UPDATE SET df = reuse_hash.df + excluded.df
    """
    CANDIDATES_SQL = """
        SELECT a, b FROM (
            SELECT a, b, row_number() OVER (PARTITION BY a ORDER BY shared DESC, b) AS place
            FROM (
                SELECT n.paragraph_id AS a, f.paragraph_id AS b, count(*) AS shared
                FROM reuse_new n
                JOIN reuse_fingerprint listed
                    ON listed.hash = n.hash AND listed.paragraph_id = n.paragraph_id
                JOIN reuse_fingerprint f ON f.hash = n.hash AND f.paragraph_id < n.paragraph_id
                GROUP BY n.paragraph_id, f.paragraph_id
            ) AS shared
        ) AS ranked
        WHERE place <= :k
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
    NEW_TABLE = "pg_temp.reuse_new"
