"""a paragraph keeps its printed form beside the repaired one

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-05

Repairs of extraction damage (`app.parse.repair`) change the text shown and searched; the
paragraph keeps the words as they were extracted in `printed` (NULL when nothing was
repaired), so the page can mark each repaired word and the API can list them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("paragraph", sa.Column("printed", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("paragraph") as batch:
        batch.drop_column("printed")
