"""corrigenda, attached to statements by the symbol they correct

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "corrigendum",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("symbol", sa.String(), nullable=False),
        sa.Column("corrects", sa.String(), nullable=False),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("source_path", sa.String(), nullable=False),
        sa.Column("content_hash", sa.String(), nullable=False),
        sa.Column("ingested_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_corrigendum_symbol", "corrigendum", ["symbol"], unique=True)
    op.create_index("ix_corrigendum_corrects", "corrigendum", ["corrects"])


def downgrade() -> None:
    op.drop_table("corrigendum")
