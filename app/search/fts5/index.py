"""The write side of FTS5: what the ingest asks of the index (`app.search.interfaces.SearchIndex`).

The index is an external-content FTS5 table over `paragraph.plain` (created by the migrations);
an UPDATE of a paragraph reaches the index through its trigger, while new paragraphs are
indexed here in one INSERT ... SELECT per batch, so FTS5 builds its segments in memory instead
of per row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

from sqlalchemy.engine import Connection

OPTIMISE_FROM = 0.1
"""After a run that added at least this share of the archive's paragraphs, the search index is
merged into one segment."""

HOLDING_BATCH = 200
"""Words OR-ed into one MATCH."""


class Fts5Index:
    def add(self, conn: Connection, *, from_id: int) -> None:
        conn.exec_driver_sql(
            "INSERT INTO paragraph_fts(rowid, plain) SELECT id, plain FROM paragraph WHERE id >= ?",
            (from_id,),
        )

    def vocabulary(self, conn: Connection) -> Counter[str]:
        return Counter(
            {
                term: int(cnt)
                for term, cnt in conn.exec_driver_sql("SELECT term, cnt FROM paragraph_vocab")
            }
        )

    def holding_any(
        self, conn: Connection, words: Iterable[str], *, from_id: int
    ) -> Iterator[tuple[int, str]]:
        wanted = list(words)
        for start in range(0, len(wanted), HOLDING_BATCH):
            # Indexed words only (from `vocabulary`): quoted, they are strings, never syntax.
            expression = " OR ".join(f'"{w}"' for w in wanted[start : start + HOLDING_BATCH])
            yield from conn.exec_driver_sql(
                "SELECT rowid, plain FROM paragraph_fts WHERE paragraph_fts MATCH ? AND rowid >= ?",
                (expression, from_id),
            )

    def optimise(self, conn: Connection, *, added: int) -> None:
        """Merge the index's segments after a large run: each search then reads one list per
        word instead of one per segment (about ten times cheaper per row on 150,000
        paragraphs). FTS5 merges small runs' segments by itself as they accumulate."""
        total = conn.exec_driver_sql("SELECT count(*) FROM paragraph").scalar() or 0
        if added and added >= OPTIMISE_FROM * total:
            conn.exec_driver_sql("INSERT INTO paragraph_fts(paragraph_fts) VALUES ('optimize')")
