"""source paths without the ingest machine's folders: the folder ingested and the path inside

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = [("source", "id", "path"), ("corrigendum", "id", "source_path")]


def _public(path: str) -> str:
    # The same rule as app.store.sqlite.maintenance.public_path, written out here so that this
    # revision keeps meaning what it meant: an absolute path keeps its last two parts (the
    # folder a file was ingested from and its name), which is what new ingests store.
    if path.startswith(("/", "\\")) or re.match(r"[A-Za-z]:[\\/]", path):
        parts = [p for p in re.split(r"[\\/]", path) if p]
        return "/".join(parts[-2:])
    return path


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        # The old text is overwritten with zeros, not left in the file's free space.
        conn.exec_driver_sql("PRAGMA secure_delete = ON")
    for table, key, column in COLUMNS:
        rows = conn.execute(sa.text(f"SELECT {key}, {column} FROM {table}")).all()
        update = sa.text(f"UPDATE {table} SET {column} = :public WHERE {key} = :id")
        for row_id, path in rows:
            public = _public(path or "")
            if public != path:
                conn.execute(update, {"public": public, "id": row_id})


def downgrade() -> None:
    pass  # where the files lay is not known any more, and nothing needs it
