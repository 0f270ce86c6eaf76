"""Whether two SQLite archives ingested from the same files hold the same data.

Compares, table by table, every row of what an ingest writes (statements, sources, paragraphs
with their repairs, citations, agreed-language pairs with their measures, the fingerprint
index, the search index's content) except the times of the run; prints each table's row count
and digest on both sides and exits 1 at the first table that differs, naming a row that does.

    python bench/same_archive.py before.db after.db
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys

TIMES = {"ingested_at", "created_at", "updated_at"}
"""Columns that say when the run happened, not what it wrote."""
TABLES = (
    "statement",
    "alias",
    "source",
    "corrigendum",
    "paragraph",
    "citation",
    "paragraph_grams",
    "pending_prints",
    "reuse_fingerprint",
    "reuse_hash",
    "paragraph_reuse",
    "analysed_paragraph",
    "analysis_scheme",
)


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})") if row[1] not in TIMES]


def _rows(conn: sqlite3.Connection, table: str, columns: list[str]) -> list[tuple[object, ...]]:
    names = ", ".join(f'"{c}"' for c in columns)
    return conn.execute(f"SELECT {names} FROM {table} ORDER BY {names}").fetchall()


def compare(before: str, after: str) -> bool:
    a, b = sqlite3.connect(before), sqlite3.connect(after)
    same = True
    for table in TABLES:
        columns = _columns(a, table)
        if columns != _columns(b, table):
            print(f"{table}: the columns differ")
            return False
        left, right = _rows(a, table, columns), _rows(b, table, columns)
        digests = [hashlib.sha256(repr(rows).encode()).hexdigest()[:16] for rows in (left, right)]
        print(f"{table:<20} {len(left):>10,} {len(right):>10,}  {digests[0]}  {digests[1]}")
        if left != right:
            extra = sorted(set(left) ^ set(right))[:1]
            print(f"  differs: {extra or 'the same rows, counted differently'}")
            same = False
    # The search index (its content is the paragraph table, compared above): every term with
    # the paragraphs and occurrences it counts.
    vocab = "SELECT term, doc, cnt FROM paragraph_vocab ORDER BY term"
    if a.execute(vocab).fetchall() != b.execute(vocab).fetchall():
        print("paragraph_fts: its terms differ")
        same = False
    return same


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    same = compare(sys.argv[1], sys.argv[2])
    print("the same archive" if same else "DIFFERENT")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
