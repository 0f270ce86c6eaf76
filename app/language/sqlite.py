"""The fingerprint index in SQLite (`app.language.interfaces.FingerprintIndex`).

The index's tables (`paragraph_grams`, `pending_prints`, `reuse_fingerprint`, `reuse_hash`,
`paragraph_reuse`) are created by the migrations; a run's new fingerprints pass through a
temporary table so that listing, counting and proposing candidates are three set statements.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from typing import ClassVar

from sqlalchemy import Connection

from app.language.shingles import Features

# What a draft check reads (app.language.draft): each fingerprint's listed paragraphs, at most
# :per_hash of them, the lowest ids.
POSTINGS_READ_SQL = """
    SELECT hash, paragraph_id FROM (
        SELECT hash, paragraph_id,
               row_number() OVER (PARTITION BY hash ORDER BY paragraph_id) AS place
        FROM reuse_fingerprint WHERE hash IN ({marks})
    ) AS listed
    WHERE place <= :per_hash
"""


class SqliteFingerprints:
    """Fingerprints, n-grams and pairs of agreed language, stored in SQLite tables."""

    # A statement page reads a few hundred related paragraphs, each a random row of two tables
    # whose rows are large (a paragraph's text): read from small covering indexes instead
    # (revision 0012), which SQLite's planner does not choose by itself for a rowid lookup.
    RELATED_HINTS: ClassVar[dict[str, str]] = {
        "p_hint": "INDEXED BY ix_paragraph_place",
        "s_hint": "INDEXED BY ix_statement_ref",
    }

    # A batch's fingerprints are listed in reuse_fingerprint for the first MAX_DF paragraphs (in
    # id order) holding each, then counted in reuse_hash. Candidates of a new paragraph: the earlier
    # paragraphs listed under the fingerprints it is itself listed under, the MAX_CANDIDATES
    # sharing most (the oldest first among equals). Each pair is thus proposed once, from its later
    # paragraph, and the result does not depend on how paragraphs are batched. (The count is read
    # by a scalar subquery: SQLite 3.40 mis-evaluates a LEFT JOIN on a window subquery filtered on
    # its window column.)
    POSTINGS_SQL = """
        INSERT OR IGNORE INTO reuse_fingerprint (hash, paragraph_id)
        SELECT hash, paragraph_id FROM (
            SELECT n.hash, n.paragraph_id,
                   coalesce((SELECT h.df FROM reuse_hash h WHERE h.hash = n.hash), 0)
                   + row_number() OVER (PARTITION BY n.hash ORDER BY n.paragraph_id) AS place
            FROM temp.reuse_new n
        )
        WHERE place <= :max_df
    """
    COUNT_SQL = """
        INSERT INTO reuse_hash (hash, df)
        SELECT hash, count(*) FROM temp.reuse_new WHERE true GROUP BY hash
        ON CONFLICT (hash) DO UPDATE SET df = df + excluded.df
    """
    CANDIDATES_SQL = """
        SELECT a, b FROM (
            SELECT a, b, row_number() OVER (PARTITION BY a ORDER BY shared DESC, b) AS place
            FROM (
                SELECT n.paragraph_id AS a, f.paragraph_id AS b, count(*) AS shared
                FROM temp.reuse_new n
                JOIN reuse_fingerprint listed
                    ON listed.hash = n.hash AND listed.paragraph_id = n.paragraph_id
                JOIN reuse_fingerprint f ON f.hash = n.hash AND f.paragraph_id < n.paragraph_id
                GROUP BY n.paragraph_id, f.paragraph_id
            )
        )
        WHERE place <= :k
    """
    INSERT_SQL = """
        INSERT OR REPLACE INTO paragraph_reuse (paragraph_id, other_id, shared_words,
            other_shared_words, coverage, other_coverage, similarity)
        VALUES (?, ?, ?, ?, ?, ?, ?)
    """
    UPSERT_GRAMS_SQL = (
        "INSERT OR REPLACE INTO paragraph_grams (paragraph_id, words, grams) VALUES (?, ?, ?)"
    )
    UPSERT_PRINTS_SQL = "INSERT OR REPLACE INTO pending_prints (paragraph_id, prints) VALUES (?, ?)"
    NEW_TABLE = "temp.reuse_new"

    def paragraph_rows(
        self, conn: Connection, ids: Iterable[int]
    ) -> Iterator[tuple[int, int, str, str]]:
        """(id, statement_pk, text, plain) of the given paragraphs, fetched in chunks."""
        wanted = sorted(set(ids))
        for start in range(0, len(wanted), 500):
            marks = ",".join(
                str(int(i)) for i in wanted[start : start + 500]
            )  # ints, not user text
            yield from conn.exec_driver_sql(
                f"SELECT id, statement_pk, text, plain FROM paragraph WHERE id IN ({marks})"
            )

    def store_features(self, conn: Connection, rows: Iterable[tuple[int, Features]]) -> None:
        """Store paragraphs' features: their n-grams for good, their fingerprints until `update`
        has indexed them."""
        rows = list(rows)
        if not rows:
            return
        conn.exec_driver_sql(
            self.UPSERT_GRAMS_SQL,
            [(pid, f.words, f.grams) for pid, f in rows],
        )
        conn.exec_driver_sql(
            self.UPSERT_PRINTS_SQL,
            [(pid, f.prints) for pid, f in rows],
        )

    def forget_features(self, conn: Connection, ids: Iterable[int]) -> None:
        """Drop stored features of paragraphs whose text changed after they were computed."""
        marks = ",".join(str(int(i)) for i in ids)
        conn.exec_driver_sql(f"DELETE FROM paragraph_grams WHERE paragraph_id IN ({marks})")
        conn.exec_driver_sql(f"DELETE FROM pending_prints WHERE paragraph_id IN ({marks})")

    def without_features(self, conn: Connection, ids: Iterable[int]) -> list[int]:
        """Those of the given paragraphs whose features are not stored."""
        wanted = sorted(set(ids))
        missing = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join(str(int(i)) for i in chunk)
            have = {
                row[0]
                for row in conn.exec_driver_sql(
                    f"SELECT paragraph_id FROM paragraph_grams WHERE paragraph_id IN ({marks})"
                )
            }
            missing += [i for i in chunk if i not in have]
        return missing

    def shingled_rows(
        self, conn: Connection, ids: Iterable[int]
    ) -> Iterator[tuple[int, int, int, bytes]]:
        """(paragraph id, statement pk, word count, n-gram blob) of the given paragraphs."""
        wanted = sorted(set(ids))
        for start in range(0, len(wanted), 500):
            marks = ",".join(str(int(i)) for i in wanted[start : start + 500])
            yield from conn.exec_driver_sql(
                "SELECT g.paragraph_id, p.statement_pk, g.words, g.grams FROM paragraph_grams g "
                f"JOIN paragraph p ON p.id = g.paragraph_id WHERE g.paragraph_id IN ({marks})"
            )

    def begin(self, conn: Connection) -> None:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {self.NEW_TABLE}")
        conn.exec_driver_sql("CREATE TEMP TABLE reuse_new (hash BIGINT, paragraph_id INTEGER)")

    def finish(self, conn: Connection) -> None:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {self.NEW_TABLE}")

    def index_batch(
        self, conn: Connection, chunk: list[int], *, max_df: int, max_candidates: int
    ) -> list[tuple[int, int]]:
        marks = ",".join(str(int(i)) for i in chunk)
        conn.exec_driver_sql(f"DELETE FROM {self.NEW_TABLE}")
        prints = [
            (h, pid)
            for pid, blob in conn.exec_driver_sql(
                f"SELECT paragraph_id, prints FROM pending_prints WHERE paragraph_id IN ({marks})"
            )
            for h in array("q", blob)
        ]
        if prints:
            conn.exec_driver_sql(
                f"INSERT INTO {self.NEW_TABLE} (hash, paragraph_id) VALUES (?, ?)", prints
            )
        conn.exec_driver_sql(self.POSTINGS_SQL, {"max_df": max_df})
        conn.exec_driver_sql(self.COUNT_SQL)
        conn.exec_driver_sql(f"DELETE FROM pending_prints WHERE paragraph_id IN ({marks})")
        found = conn.exec_driver_sql(self.CANDIDATES_SQL, {"k": max_candidates})
        return [(b, a) for a, b in found]  # stored with the lower id first

    def store_pairs(
        self, conn: Connection, rows: list[tuple[int, int, int, int, float, float, float]]
    ) -> None:
        if rows:
            conn.exec_driver_sql(self.INSERT_SQL, rows)

    def document_frequencies(self, conn: Connection, hashes: Iterable[int]) -> dict[int, int]:
        found: dict[int, int] = {}
        for marks in _int_lists(hashes):
            rows = conn.exec_driver_sql(f"SELECT hash, df FROM reuse_hash WHERE hash IN ({marks})")
            found.update((h, df) for h, df in rows)
        return found

    def postings(
        self, conn: Connection, hashes: Iterable[int], *, per_hash: int
    ) -> Iterator[tuple[int, int]]:
        for marks in _int_lists(hashes):
            # The key (hash, paragraph_id) of this WITHOUT ROWID table gives each hash's
            # paragraphs in id order: numbering them stops each list at `per_hash`.
            yield from conn.exec_driver_sql(
                POSTINGS_READ_SQL.format(marks=marks), {"per_hash": per_hash}
            )


def _int_lists(values: Iterable[int], size: int = 500) -> Iterator[str]:
    """The distinct integers of `values` as comma-separated lists of at most `size` (ints, never
    user text: safe to put in the SQL)."""
    wanted = sorted({int(v) for v in values})
    for start in range(0, len(wanted), size):
        yield ",".join(map(str, wanted[start : start + size]))
