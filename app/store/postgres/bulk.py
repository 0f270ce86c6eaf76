"""PostgreSQL's bulk loader: COPY, the fastest way rows reach a table."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Connection


class CopyLoader:
    """Rows streamed into the table with `COPY ... FROM STDIN`, in the caller's transaction."""

    def insert(self, conn: Connection, table: Table, rows: Iterable[Mapping[str, Any]]) -> None:
        batch = list(rows)
        if not batch:
            return
        columns = list(batch[0].keys())
        names = ", ".join(f'"{c}"' for c in columns)
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in batch:
                copy.write_row([row[c] for c in columns])
