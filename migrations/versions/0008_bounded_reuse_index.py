"""bounded agreed-language index: fingerprint counts, pairs stored once, stored n-grams

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # How many paragraphs hold each fingerprint; reuse_fingerprint lists them only while few
    # do, so a lookup never reads more than app.reuse.MAX_DF rows per fingerprint.
    op.create_table(
        "reuse_hash",
        # INTEGER PRIMARY KEY: the hash is the rowid, the fastest lookup SQLite has (a 64-bit
        # integer there; elsewhere a BIGINT).
        sa.Column(
            "hash",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=False,
        ),
        sa.Column("df", sa.Integer(), nullable=False),
    )
    # Fingerprints are now computed with another (faster, equally stable) hash: the stored ones
    # cannot be compared with new ones. Forget the analysis; the next `archive ingest` redoes it
    # for every paragraph (pending = not in analysed_paragraph).
    op.execute("DELETE FROM reuse_fingerprint")
    op.execute("DELETE FROM citation")
    op.execute("DELETE FROM analysed_paragraph")
    # A pair is stored once (the lower paragraph id first) and looked up from either side by
    # its key or the other_id index: no rowid, half the rows of storing it both ways.
    op.drop_table("paragraph_reuse")
    op.create_table(
        "paragraph_reuse",
        _paragraph_fk("paragraph_id", primary_key=True),
        _paragraph_fk("other_id", primary_key=True),
        sa.Column("shared_words", sa.Integer(), nullable=False),
        sa.Column("other_shared_words", sa.Integer(), nullable=False),
        sa.Column("coverage", sa.Float(), nullable=False),
        sa.Column("other_coverage", sa.Float(), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_paragraph_reuse_other_id", "paragraph_reuse", ["other_id"])
    # What the analysis needs of each paragraph, computed once from its text by the ingest's
    # parsing processes: its n-grams (kept, to confirm it as another paragraph's candidate) and
    # its fingerprints (kept until indexed).
    op.create_table(
        "paragraph_grams",
        _paragraph_fk("paragraph_id", primary_key=True),
        sa.Column("words", sa.Integer(), nullable=False),
        sa.Column("grams", sa.LargeBinary(), nullable=False),
    )
    # How the stored hashes were computed (app.reuse.SCHEME): a Python that computes them
    # differently starts the analysis over rather than compare unlike values.
    op.create_table(
        "analysis_scheme",
        sa.Column("scheme", sa.String(), primary_key=True),
    )
    op.create_table(
        "pending_prints",
        _paragraph_fk("paragraph_id", primary_key=True),
        sa.Column("prints", sa.LargeBinary(), nullable=False),
    )


def _paragraph_fk(name: str, primary_key: bool = False) -> sa.Column:
    return sa.Column(
        name,
        sa.Integer(),
        sa.ForeignKey("paragraph.id", ondelete="CASCADE"),
        primary_key=primary_key,
        nullable=False,
    )


def downgrade() -> None:
    op.drop_table("analysis_scheme")
    op.drop_table("pending_prints")
    op.drop_table("paragraph_grams")
    op.drop_table("reuse_hash")
    op.execute("DELETE FROM reuse_fingerprint")
    op.execute("DELETE FROM paragraph_reuse")
    op.execute("DELETE FROM citation")
    op.execute("DELETE FROM analysed_paragraph")
