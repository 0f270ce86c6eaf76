"""SQLite's bulk loader: one executemany per batch, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Connection


class SqliteBulkLoader:
    """An INSERT run once for the whole batch: SQLite's fastest path from Python."""

    def insert(self, conn: Connection, table: Table, rows: Iterable[Mapping[str, Any]]) -> None:
        batch = list(rows)
        if batch:
            conn.execute(table.insert(), batch)
