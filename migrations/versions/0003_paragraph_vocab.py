"""fts5vocab view of the paragraph index: how often the archive uses each word

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return  # FTS5 only: PostgreSQL reads its words with ts_stat and its GIN index
    # Read by the ingest job to repair words that PDF extraction split ("internati onal"):
    # a repair is made only when the archive's own vocabulary vouches for it.
    op.execute("CREATE VIRTUAL TABLE paragraph_vocab USING fts5vocab(paragraph_fts, 'row')")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TABLE IF EXISTS paragraph_vocab")
