"""The write side of PostgreSQL search (`app.search.interfaces.SearchIndex`).

`paragraph.tsv` is a generated column: the database keeps it in step with every insert and
update of a paragraph's text, so there is nothing to add by hand; the GIN index follows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from sqlalchemy.engine import Connection

from app.search.postgres.engine import quote_lexeme

ANALYSE_FROM = 0.1
"""After a run that added at least this share of the paragraphs, the planner's statistics are
refreshed (autovacuum would, later)."""


class PostgresIndex:
    def add(self, conn: Connection, *, from_id: int) -> None:
        """Nothing to do: the generated column indexed the rows as they were inserted."""

    def vocabulary(self, conn: Connection) -> Counter[str]:
        return Counter(
            {
                word: int(n)
                for word, n in conn.exec_driver_sql(
                    "SELECT word, ndoc FROM ts_stat('SELECT tsv FROM paragraph')"
                )
            }
        )

    def phrase_count(self, conn: Connection, words: Sequence[str], *, at_most: int) -> int:
        lexemes = [w for word in words for w in word.lower().split() if w]
        if not lexemes:
            return 0
        phrase = " <-> ".join(quote_lexeme(w) for w in lexemes)
        return int(
            conn.exec_driver_sql(
                "SELECT count(*) FROM (SELECT 1 FROM paragraph "
                "WHERE tsv @@ to_tsquery('simple', ?) LIMIT ?) AS held",
                (phrase, at_most),
            ).scalar()
            or 0
        )

    def optimise(self, conn: Connection, *, added: int) -> None:
        total = conn.exec_driver_sql("SELECT count(*) FROM paragraph").scalar() or 0
        if added and added >= ANALYSE_FROM * total:
            conn.exec_driver_sql("ANALYZE paragraph")
