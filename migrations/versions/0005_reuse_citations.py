"""agreed language (paragraph reuse, fingerprints) and citations

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _paragraph_fk(name: str, primary_key: bool = False) -> sa.Column:
    # Rows derived from a paragraph go with it when ingest replaces a statement's paragraphs.
    return sa.Column(
        name,
        sa.Integer(),
        sa.ForeignKey("paragraph.id", ondelete="CASCADE"),
        primary_key=primary_key,
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "paragraph_reuse",
        _paragraph_fk("paragraph_id", primary_key=True),
        _paragraph_fk("other_id", primary_key=True),
        sa.Column("shared_words", sa.Integer(), nullable=False),
        sa.Column("coverage", sa.Float(), nullable=False),
        sa.Column("other_coverage", sa.Float(), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=False),
    )
    op.create_index("ix_paragraph_reuse_other_id", "paragraph_reuse", ["other_id"])

    op.create_table(
        "reuse_fingerprint",
        sa.Column("hash", sa.BigInteger(), primary_key=True),
        _paragraph_fk("paragraph_id", primary_key=True),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_reuse_fingerprint_paragraph_id", "reuse_fingerprint", ["paragraph_id"])

    op.create_table(
        "citation",
        sa.Column("id", sa.Integer(), primary_key=True),
        _paragraph_fk("paragraph_id"),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("label", sa.String(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
    )
    op.create_index("ix_citation_paragraph_id", "citation", ["paragraph_id"])
    op.create_index("ix_citation_kind_key", "citation", ["kind", "key"])

    op.create_table("analysed_paragraph", _paragraph_fk("paragraph_id", primary_key=True))


def downgrade() -> None:
    op.drop_table("analysed_paragraph")
    op.drop_table("citation")
    op.drop_table("reuse_fingerprint")
    op.drop_table("paragraph_reuse")
