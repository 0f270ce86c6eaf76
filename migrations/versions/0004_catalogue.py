"""catalogue of statements known to exist, with or without text

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "catalogueentry",
        sa.Column("symbol", sa.String(), primary_key=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("meeting_record", sa.String(), nullable=True),
        sa.Column("topic", sa.String(), nullable=True),
    )
    op.create_index("ix_catalogueentry_year", "catalogueentry", ["year"])


def downgrade() -> None:
    op.drop_table("catalogueentry")
