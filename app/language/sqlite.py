"""The fingerprint index in SQLite (`app.language.interfaces.FingerprintIndex`).

The index's tables (`paragraph_grams`, `pending_prints`, `reuse_fingerprint`, `reuse_hash`,
`paragraph_reuse`) are created by the migrations. A batch's candidates are found in memory
(`app.language.candidates`) from keyed reads of the index, and what the batch adds is written
back with executemany.
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

    # What a batch of the candidate search (`app.language.candidates`) reads and writes:
    # plain keyed statements, the same on every engine.
    LISTED_INSERT_SQL = "INSERT OR IGNORE INTO reuse_fingerprint (hash, paragraph_id) VALUES (?, ?)"
    COUNT_INSERT_SQL = "INSERT INTO reuse_hash (hash, df) VALUES (?, ?)"
    COUNT_UPDATE_SQL = "UPDATE reuse_hash SET df = ? WHERE hash = ?"
    INSERT_SQL = """
        INSERT OR REPLACE INTO paragraph_reuse (paragraph_id, other_id, shared_words,
            other_shared_words, coverage, other_coverage, similarity)
        VALUES (?, ?, ?, ?, ?, ?, ?)
    """
    UPSERT_GRAMS_SQL = (
        "INSERT OR REPLACE INTO paragraph_grams (paragraph_id, words, grams) VALUES (?, ?, ?)"
    )
    UPSERT_PRINTS_SQL = "INSERT OR REPLACE INTO pending_prints (paragraph_id, prints) VALUES (?, ?)"

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

    def take_pending_prints(
        self, conn: Connection, ids: Iterable[int]
    ) -> list[tuple[int, array[int]]]:
        found: list[tuple[int, array[int]]] = []
        for marks in _int_lists(ids):
            rows = conn.exec_driver_sql(
                f"SELECT paragraph_id, prints FROM pending_prints WHERE paragraph_id IN ({marks})"
            ).all()
            found += [(pid, array("q", blob)) for pid, blob in rows]
            conn.exec_driver_sql(f"DELETE FROM pending_prints WHERE paragraph_id IN ({marks})")
        return found

    def listings(self, conn: Connection, hashes: Iterable[int]) -> list[tuple[int, int]]:
        found: list[tuple[int, int]] = []
        for marks in _int_lists(hashes):
            found += conn.exec_driver_sql(
                f"SELECT hash, paragraph_id FROM reuse_fingerprint WHERE hash IN ({marks})"
            ).all()
        return found

    def add_listings(
        self,
        conn: Connection,
        listed: list[tuple[int, int]],
        *,
        updated: list[tuple[int, int]],
        added: list[tuple[int, int]],
    ) -> None:
        if listed:
            conn.exec_driver_sql(self.LISTED_INSERT_SQL, listed)
        if updated:
            conn.exec_driver_sql(self.COUNT_UPDATE_SQL, [(df, h) for h, df in updated])
        if added:
            conn.exec_driver_sql(self.COUNT_INSERT_SQL, added)

    def store_pairs(
        self, conn: Connection, rows: list[tuple[int, int, int, int, float, float, float]]
    ) -> None:
        if rows:
            conn.exec_driver_sql(self.INSERT_SQL, rows)

    def document_frequencies(self, conn: Connection, hashes: Iterable[int]) -> dict[int, int]:
        found: dict[int, int] = {}
        for marks in _int_lists(hashes):
            rows = conn.exec_driver_sql(f"SELECT hash, df FROM reuse_hash WHERE hash IN ({marks})")
            found.update(rows.all())
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
