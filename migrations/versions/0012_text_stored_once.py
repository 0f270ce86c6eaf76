"""each paragraph's text stored once, source files compressed, indexes nothing uses dropped

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05

Issue 20: the archive was 3.9x the size of its floor (the same files parsed into one table of
paragraph text and one FTS5 index).
- `paragraph.plain` (the text without *emphasis* marks, what search indexes) was a second copy
  of `text` for nearly every paragraph. It becomes a generated column, `coalesce(unmarked,
  text)`, over a new `unmarked` column that holds the unmarked text only for the paragraphs
  that have marks (NULL for the rest). Every reader of `plain` (the FTS5 index's external
  content, highlight() and snippet() included) reads the same values as before, so the index
  is kept as it is. On SQLite the column is VIRTUAL (computed when read); PostgreSQL has only
  STORED generated columns (and its `tsv` may not read another generated column, so it is
  remade over the same expression): there the text is still stored twice, as before.
- `statement.source_text` (the whole source file) becomes `source_zlib`, its UTF-8 bytes
  compressed with zlib (about 3.7x smaller); `/statements/{id}/source.txt` serves it
  decompressed, byte for byte the same.
- Indexes whose columns lead another index (which serves every query they served, as
  tests/test_query_plans.py checks): `ix_paragraph_statement_pk` (the unique
  (statement_pk, number) index), `ix_statement_year` (`ix_statement_year_date`) and
  `ix_statement_agenda_item` (`ix_statement_agenda_item_date`).
- Two small covering indexes for the reads of related paragraphs (a statement page reads a
  few hundred, each a random row of tables whose rows are large): `ix_paragraph_place`
  (id, statement_pk, number) and `ix_statement_ref` (pk, date, id, symbol), about 3 MB at
  150,000 paragraphs.
Archives migrate in place; `archive migrate` then VACUUMs an SQLite file to give the space back.
"""

import zlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PLAIN = "coalesce(unmarked, text)"
BATCH = 500
COVERING = [
    ("ix_paragraph_place", "paragraph", ["id", "statement_pk", "number"]),
    ("ix_statement_ref", "statement", ["pk", "date", "id", "symbol"]),
]
REDUNDANT = [
    ("ix_paragraph_statement_pk", "paragraph", ["statement_pk"]),
    ("ix_statement_year", "statement", ["year"]),
    ("ix_statement_agenda_item", "statement", ["agenda_item"]),
]


def _triggers(fired_by: str) -> None:
    """The FTS5 index's delete and update triggers (0001's), the update one fired by a change of
    any of the columns `plain` is made of."""
    op.execute(
        """
        CREATE TRIGGER paragraph_ad AFTER DELETE ON paragraph BEGIN
            INSERT INTO paragraph_fts(paragraph_fts, rowid, plain)
            VALUES ('delete', old.id, old.plain);
        END
        """
    )
    op.execute(
        f"""
        CREATE TRIGGER paragraph_au AFTER UPDATE OF {fired_by} ON paragraph BEGIN
            INSERT INTO paragraph_fts(paragraph_fts, rowid, plain)
            VALUES ('delete', old.id, old.plain);
            INSERT INTO paragraph_fts(rowid, plain) VALUES (new.id, new.plain);
        END
        """
    )


def _recode_sources(select: str, update: str, recode: object) -> None:
    """Rewrite every statement's source column, a batch of rows at a time (an archive of
    100,000 statements holds a gigabyte of sources)."""
    conn = op.get_bind()
    last = 0
    while True:
        rows = conn.execute(sa.text(select), {"after": last, "n": BATCH}).all()
        if not rows:
            return
        conn.execute(sa.text(update), [{"pk": pk, "v": recode(v)} for pk, v in rows])  # type: ignore[operator]
        last = rows[-1][0]


def _pack(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), 9)


def _unpack(blob: bytes) -> str:
    return zlib.decompress(blob).decode("utf-8")


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.add_column("paragraph", sa.Column("unmarked", sa.Text(), nullable=True))
    op.execute("UPDATE paragraph SET unmarked = plain WHERE plain <> text")
    if postgresql:
        op.execute("DROP INDEX IF EXISTS ix_paragraph_tsv")
        op.execute("ALTER TABLE paragraph DROP COLUMN tsv")
        op.execute("ALTER TABLE paragraph DROP COLUMN plain")
        op.execute(
            f"ALTER TABLE paragraph ADD COLUMN plain text GENERATED ALWAYS AS ({PLAIN}) STORED"
        )
        op.execute(
            "ALTER TABLE paragraph ADD COLUMN tsv tsvector GENERATED ALWAYS AS "
            f"(to_tsvector('simple'::regconfig, archive_fold({PLAIN}))) STORED"
        )
        op.execute("CREATE INDEX ix_paragraph_tsv ON paragraph USING gin (tsv)")
    else:
        # The triggers name `plain`: SQLite drops no column a trigger uses.
        op.execute("DROP TRIGGER IF EXISTS paragraph_au")
        op.execute("DROP TRIGGER IF EXISTS paragraph_ad")
        op.execute("ALTER TABLE paragraph DROP COLUMN plain")
        op.execute(f"ALTER TABLE paragraph ADD COLUMN plain TEXT GENERATED ALWAYS AS ({PLAIN}) VIRTUAL")
        _triggers("text, unmarked")

    op.add_column("statement", sa.Column("source_zlib", sa.LargeBinary(), nullable=True))
    _recode_sources(
        "SELECT pk, source_text FROM statement WHERE pk > :after ORDER BY pk LIMIT :n",
        "UPDATE statement SET source_zlib = :v WHERE pk = :pk",
        _pack,
    )
    op.execute("ALTER TABLE statement DROP COLUMN source_text")
    if postgresql:  # SQLite adds no NOT NULL column to a table with rows
        op.execute("ALTER TABLE statement ALTER COLUMN source_zlib SET NOT NULL")

    for name, table, _ in REDUNDANT:
        op.drop_index(name, table_name=table)
    for name, table, columns in COVERING:
        op.create_index(name, table, columns)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name, table, _ in COVERING:
        op.drop_index(name, table_name=table)
    for name, table, columns in REDUNDANT:
        op.create_index(name, table, columns)

    op.add_column("statement", sa.Column("source_text", sa.String(), nullable=True))
    _recode_sources(
        "SELECT pk, source_zlib FROM statement WHERE pk > :after ORDER BY pk LIMIT :n",
        "UPDATE statement SET source_text = :v WHERE pk = :pk",
        _unpack,
    )
    op.execute("ALTER TABLE statement DROP COLUMN source_zlib")
    if postgresql:
        op.execute("ALTER TABLE statement ALTER COLUMN source_text SET NOT NULL")

    # `plain` a stored column again, filled from what it computed.
    op.add_column("paragraph", sa.Column("plain_stored", sa.String(), nullable=True))
    op.execute(f"UPDATE paragraph SET plain_stored = {PLAIN}")
    if postgresql:
        op.execute("DROP INDEX IF EXISTS ix_paragraph_tsv")
        op.execute("ALTER TABLE paragraph DROP COLUMN tsv")
        op.execute("ALTER TABLE paragraph DROP COLUMN plain")
        op.execute("ALTER TABLE paragraph DROP COLUMN unmarked")
        op.execute("ALTER TABLE paragraph RENAME COLUMN plain_stored TO plain")
        op.execute("ALTER TABLE paragraph ALTER COLUMN plain SET NOT NULL")
        op.execute(
            "ALTER TABLE paragraph ADD COLUMN tsv tsvector GENERATED ALWAYS AS "
            "(to_tsvector('simple'::regconfig, archive_fold(plain))) STORED"
        )
        op.execute("CREATE INDEX ix_paragraph_tsv ON paragraph USING gin (tsv)")
    else:
        op.execute("DROP TRIGGER IF EXISTS paragraph_au")
        op.execute("DROP TRIGGER IF EXISTS paragraph_ad")
        op.execute("ALTER TABLE paragraph DROP COLUMN plain")
        op.execute("ALTER TABLE paragraph DROP COLUMN unmarked")
        op.execute("ALTER TABLE paragraph RENAME COLUMN plain_stored TO plain")
        _triggers("plain")
