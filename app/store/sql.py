"""Hand-written SQL on any engine: one spelling (qmark placeholders, `?`), rows as tuples.

For the small lookups of the reading pages SQLAlchemy's statement and result machinery costs
several times the query itself, so on SQLite rows come straight from its driver. PostgreSQL's
driver takes `%s` placeholders: its engine translates driver-level SQL as it goes out
(`app.store.postgres.connect`), so the same text serves both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine import Connection


def rows(conn: Connection, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """The rows of `sql` (qmark placeholders) with `params`, as plain tuples."""
    if conn.dialect.name == "sqlite":
        driver = conn.connection.driver_connection
        assert driver is not None
        return list(driver.execute(sql, tuple(params)).fetchall())
    return [tuple(row) for row in conn.exec_driver_sql(sql, tuple(params))]


def as_date(value: object) -> dt.date:
    """A date column's value: SQLite's driver gives text, PostgreSQL's a date."""
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
