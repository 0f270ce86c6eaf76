"""statements, paragraphs, sources, aliases and the paragraph FTS5 index

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "statement",
        sa.Column("pk", sa.Integer(), primary_key=True),
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("symbol", sa.String(), nullable=True),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("meeting_number", sa.Integer(), nullable=True),
        sa.Column("meeting_date", sa.Date(), nullable=True),
        sa.Column("agenda_item", sa.String(), nullable=True),
        sa.Column("distribution_date", sa.Date(), nullable=True),
        sa.Column("original_language", sa.String(), nullable=True),
        sa.Column("intro", sa.String(), nullable=True),
        sa.Column("footnotes", sa.String(), nullable=True),
        sa.Column("source_name", sa.String(), nullable=False),
        sa.Column("source_text", sa.String(), nullable=False),
        sa.Column("content_hash", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_statement_id", "statement", ["id"], unique=True)
    op.create_index("ix_statement_symbol", "statement", ["symbol"], unique=True)
    op.create_index("ix_statement_date", "statement", ["date"])
    op.create_index("ix_statement_year", "statement", ["year"])
    op.create_index("ix_statement_meeting_number", "statement", ["meeting_number"])
    op.create_index("ix_statement_agenda_item", "statement", ["agenda_item"])
    op.create_index("ix_statement_content_hash", "statement", ["content_hash"])

    op.create_table(
        "paragraph",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "statement_pk",
            sa.Integer(),
            sa.ForeignKey("statement.pk", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("plain", sa.String(), nullable=False),
        sa.UniqueConstraint("statement_pk", "number", name="uq_paragraph_statement_number"),
    )
    op.create_index("ix_paragraph_statement_pk", "paragraph", ["statement_pk"])

    op.create_table(
        "source",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "statement_pk",
            sa.Integer(),
            sa.ForeignKey("statement.pk", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("path", sa.String(), nullable=False),
        sa.Column("content_hash", sa.String(), nullable=False),
        sa.Column("preferred", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("ingested_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_source_statement_pk", "source", ["statement_pk"])
    op.create_index("ix_source_path", "source", ["path"])
    op.create_index("ix_source_content_hash", "source", ["content_hash"])

    op.create_table(
        "alias",
        sa.Column("alias", sa.String(), primary_key=True),
        sa.Column(
            "statement_pk",
            sa.Integer(),
            sa.ForeignKey("statement.pk", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_alias_statement_pk", "alias", ["statement_pk"])

    if op.get_bind().dialect.name == "postgresql":
        _postgresql_search()
        return

    # External-content FTS5 index over the plain paragraph text. unicode61 folds case and
    # (remove_diacritics 2) accents; hyphens and both apostrophes separate tokens, so
    # "cross-border" indexes as "cross border" and "Council's" as "council s".
    # New paragraphs are indexed by the ingest job in bulk (one INSERT ... SELECT per batch,
    # in the same transaction): a per-row insert trigger makes FTS5 flush a segment per row,
    # several times slower. Deletes and updates keep triggers; `archive check` verifies.
    op.execute(
        """
        CREATE VIRTUAL TABLE paragraph_fts USING fts5(
            plain,
            content='paragraph',
            content_rowid='id',
            tokenize="unicode61 remove_diacritics 2"
        )
        """
    )
    op.execute(
        """
        CREATE TRIGGER paragraph_ad AFTER DELETE ON paragraph BEGIN
            INSERT INTO paragraph_fts(paragraph_fts, rowid, plain)
            VALUES ('delete', old.id, old.plain);
        END
        """
    )
    op.execute(
        """
        CREATE TRIGGER paragraph_au AFTER UPDATE OF plain ON paragraph BEGIN
            INSERT INTO paragraph_fts(paragraph_fts, rowid, plain)
            VALUES ('delete', old.id, old.plain);
            INSERT INTO paragraph_fts(rowid, plain) VALUES (new.id, new.plain);
        END
        """
    )


def _postgresql_search() -> None:
    """The same search on PostgreSQL: a tsvector of the plain text, folded as FTS5's unicode61
    tokenizer folds it (every run of non-alphanumerics separates words, so "cross-border" is
    "cross border"; case and accents dropped), with no stemming ('simple'), kept by the
    database itself (a generated column) and indexed with GIN. The fold is one SQL function,
    which search also runs over the words of a query, so both sides are folded alike."""
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute(
        """
        CREATE FUNCTION archive_fold(text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
            SELECT lower(public.unaccent('public.unaccent'::regdictionary,
                                         regexp_replace($1, '[^[:alnum:]]+', ' ', 'g')))
        $$
        """
    )
    op.execute(
        "ALTER TABLE paragraph ADD COLUMN tsv tsvector GENERATED ALWAYS AS "
        "(to_tsvector('simple'::regconfig, archive_fold(plain))) STORED"
    )
    op.execute("CREATE INDEX ix_paragraph_tsv ON paragraph USING gin (tsv)")
    # The archive's version, which caches key on (SQLite's is read off its file): every
    # writing transaction increases it (app.store.postgres.version).
    op.execute(
        "CREATE TABLE archive_state (id integer PRIMARY KEY CHECK (id = 1), "
        "version bigint NOT NULL)"
    )
    op.execute("INSERT INTO archive_state (id, version) VALUES (1, 0)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE IF EXISTS archive_state")
        op.execute("DROP INDEX IF EXISTS ix_paragraph_tsv")
        op.execute("ALTER TABLE paragraph DROP COLUMN IF EXISTS tsv")
        op.execute("DROP FUNCTION IF EXISTS archive_fold(text)")
        op.drop_table("alias")
        op.drop_table("source")
        op.drop_table("paragraph")
        op.drop_table("statement")
        return
    op.execute("DROP TRIGGER IF EXISTS paragraph_au")
    op.execute("DROP TRIGGER IF EXISTS paragraph_ad")
    op.execute("DROP TABLE IF EXISTS paragraph_fts")
    op.drop_table("alias")
    op.drop_table("source")
    op.drop_table("paragraph")
    op.drop_table("statement")
