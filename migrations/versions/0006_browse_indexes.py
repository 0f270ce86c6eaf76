"""indexes for browsing a year or an agenda item newest first

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29

The browse page filtered by year or by agenda item orders by date: with an index on the filter
alone SQLite sorts every match for each page (60 ms for an agenda item of 8,000 statements);
with the date after the filter it reads the page's 25 rows in order. The statement's pk ends
every index entry, so `ORDER BY date, pk` needs nothing more.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_statement_year_date", "statement", ["year", "date"])
    op.create_index("ix_statement_agenda_item_date", "statement", ["agenda_item", "date"])


def downgrade() -> None:
    op.drop_index("ix_statement_agenda_item_date", table_name="statement")
    op.drop_index("ix_statement_year_date", table_name="statement")
