"""Agreed language: find paragraphs of other statements that share long runs of words.

Two steps, so the work grows with the number of paragraphs and not with the number of pairs
(the hashes and the measure are `app.shingles`):

1. **Candidates** from a fingerprint index. `reuse_hash` counts how many paragraphs hold each
   fingerprint; `reuse_fingerprint` lists the first `MAX_DF` of them only. A fingerprint held
   more often is formula, not evidence of a particular precedent ("The Security Council calls
   on all Member States to ..."): like passim's max-df it proposes no candidates to later
   paragraphs, and its list stops growing. So every lookup reads at most `MAX_DF` rows per
   fingerprint.
2. **Confirmation** with the exact measure, against the paragraphs' stored n-grams. Only the
   `MAX_CANDIDATES` candidates sharing the most fingerprints with a new paragraph (the oldest
   first among equals) are confirmed, which bounds the work per paragraph: language used in
   hundreds of statements links each new use to its closest and oldest precedents. A pair is
   stored once, the lower paragraph id first.

Incremental: `update` handles only the paragraphs it is given (those of added or changed
statements); rows of deleted paragraphs go with them (ON DELETE CASCADE).
"""

from __future__ import annotations

import os
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future

from sqlalchemy import Connection

from app.core.workers import process_pool
from app.language.shingles import Features, Shingled, compare

MAX_DF = 100
MAX_CANDIDATES = 20


def paragraph_rows(conn: Connection, ids: Iterable[int]) -> Iterator[tuple[int, int, str, str]]:
    """(id, statement_pk, text, plain) of the given paragraphs, fetched in chunks."""
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), 500):
        marks = ",".join(str(int(i)) for i in wanted[start : start + 500])  # ints, not user text
        yield from conn.exec_driver_sql(
            f"SELECT id, statement_pk, text, plain FROM paragraph WHERE id IN ({marks})"
        )


def store_features(conn: Connection, rows: Iterable[tuple[int, Features]]) -> None:
    """Store paragraphs' features: their n-grams for good, their fingerprints until `update`
    has indexed them."""
    rows = list(rows)
    if not rows:
        return
    conn.exec_driver_sql(
        "INSERT OR REPLACE INTO paragraph_grams (paragraph_id, words, grams) VALUES (?, ?, ?)",
        [(pid, f.words, f.grams) for pid, f in rows],
    )
    conn.exec_driver_sql(
        "INSERT OR REPLACE INTO pending_prints (paragraph_id, prints) VALUES (?, ?)",
        [(pid, f.prints) for pid, f in rows],
    )


def forget_features(conn: Connection, ids: Iterable[int]) -> None:
    """Drop stored features of paragraphs whose text changed after they were computed."""
    marks = ",".join(str(int(i)) for i in ids)
    conn.exec_driver_sql(f"DELETE FROM paragraph_grams WHERE paragraph_id IN ({marks})")
    conn.exec_driver_sql(f"DELETE FROM pending_prints WHERE paragraph_id IN ({marks})")


def without_features(conn: Connection, ids: Iterable[int]) -> list[int]:
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


class _ShingledCache:
    """Stored n-grams of paragraphs by id, least recently used dropped first: a popular
    precedent is confirmed against many new paragraphs."""

    def __init__(self, conn: Connection, size: int = 100_000) -> None:
        self.conn = conn
        self.size = size
        self.items: OrderedDict[int, Shingled] = OrderedDict()

    def load(self, ids: Iterable[int]) -> dict[int, Shingled]:
        """The given paragraphs, shingled (those of the last call stay available too)."""
        wanted = set(ids)
        for pid in wanted & self.items.keys():
            self.items.move_to_end(pid)
        missing = sorted(wanted - self.items.keys())
        for start in range(0, len(missing), 500):
            marks = ",".join(str(int(i)) for i in missing[start : start + 500])
            for pid, spk, count, blob in self.conn.exec_driver_sql(
                "SELECT g.paragraph_id, p.statement_pk, g.words, g.grams FROM paragraph_grams g "
                f"JOIN paragraph p ON p.id = g.paragraph_id WHERE g.paragraph_id IN ({marks})"
            ):
                self.items[pid] = Shingled.of_blob(blob, count, spk)
        excess = len(self.items) - max(self.size, len(wanted))
        for _ in range(excess):
            self.items.popitem(last=False)
        return self.items


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


Row = tuple[int, int, int, int, float, float, float]
"""A pair as stored: paragraph_id, other_id, shared words on each side, coverages, similarity."""

PARALLEL_FROM = 4000
"""From this many paragraphs, candidates are confirmed in worker processes while the main
process looks up the next batch's candidates; below, the processes cost more than they save."""


def confirm(pairs: Iterable[tuple[int, int]], shingled: Mapping[int, Shingled]) -> list[Row]:
    """The candidate pairs (a < b, of different statements) that are agreed language."""
    rows = []
    for a, b in pairs:
        m = compare(shingled[a], shingled[b])
        if m.is_reuse:
            rows.append((a, b, m.a_shared, m.b_shared, m.a_coverage, m.b_coverage, m.similarity))
    return rows


def _batches(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _candidates(conn: Connection, chunk: list[int], cache: _ShingledCache) -> list[tuple[int, int]]:
    """Index a batch of new paragraphs' fingerprints and return its candidate pairs (a < b,
    paragraphs of different statements), shingled in `cache`."""
    marks = ",".join(str(int(i)) for i in chunk)
    conn.exec_driver_sql("DELETE FROM temp.reuse_new")
    prints = [
        (h, pid)
        for pid, blob in conn.exec_driver_sql(
            f"SELECT paragraph_id, prints FROM pending_prints WHERE paragraph_id IN ({marks})"
        )
        for h in array("q", blob)
    ]
    if prints:
        conn.exec_driver_sql(
            "INSERT INTO temp.reuse_new (hash, paragraph_id) VALUES (?, ?)", prints
        )
    conn.exec_driver_sql(POSTINGS_SQL, {"max_df": MAX_DF})
    conn.exec_driver_sql(COUNT_SQL)
    conn.exec_driver_sql(f"DELETE FROM pending_prints WHERE paragraph_id IN ({marks})")
    found = conn.exec_driver_sql(CANDIDATES_SQL, {"k": MAX_CANDIDATES})
    pairs = [(b, a) for a, b in found]  # stored with the lower id first
    shingled = cache.load({p for pair in pairs for p in pair})
    # A statement repeating itself is not precedent.
    return sorted((a, b) for a, b in pairs if shingled[a].statement_pk != shingled[b].statement_pk)


def update(conn: Connection, *, paragraph_ids: Iterable[int], batch: int = 2000) -> int:
    """Index the given (new) paragraphs, whose features are stored, and store their reuse pairs
    with every other paragraph.

    Runs on the caller's connection and transaction, `batch` paragraphs at a time in id order,
    so memory stays flat whatever the corpus size; returns the number of pairs stored. On
    large runs, worker processes confirm one batch's candidates while this process looks up
    the next batch's (which needs only the fingerprints, already indexed).
    """
    ids = sorted(set(paragraph_ids))
    cache = _ShingledCache(conn)
    conn.exec_driver_sql("DROP TABLE IF EXISTS temp.reuse_new")
    conn.exec_driver_sql("CREATE TEMP TABLE reuse_new (hash INTEGER, paragraph_id INTEGER)")
    workers = min(os.cpu_count() or 1, 8)
    pool = process_pool(workers) if len(ids) >= PARALLEL_FROM and workers > 1 else None
    in_flight: list[Future[list[Row]]] = []
    stored = 0

    def store(rows: list[Row]) -> None:
        nonlocal stored
        if rows:
            conn.exec_driver_sql(INSERT_SQL, rows)
            stored += len(rows)

    try:
        for chunk in _batches(ids, batch):
            pairs = _candidates(conn, chunk, cache)
            if pool is None:
                store(confirm(pairs, cache.items))
                continue
            for future in in_flight:
                store(future.result())
            in_flight = []
            for part in (pairs[i::workers] for i in range(workers)):
                needed = {p: cache.items[p] for pair in part for p in pair}
                in_flight.append(pool.submit(confirm, part, needed))
        for future in in_flight:
            store(future.result())
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    conn.exec_driver_sql("DROP TABLE IF EXISTS temp.reuse_new")
    return stored
