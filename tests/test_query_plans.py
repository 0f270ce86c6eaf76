"""The reading pages' queries use indexes: no scan of the statement table and no sort of its
rows for a statement's neighbours or a page of a filtered listing (speed itself is measured by
bench/bench_pages.py, not here)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

from app.store import queries
from app.store.engine import make_engine
from app.store.models import Statement

# SQLite's planner, read through EXPLAIN QUERY PLAN.
pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def session(seeded_db: Path) -> Iterator[Session]:
    engine = make_engine(seeded_db, readonly=True)
    with Session(engine) as s:
        yield s
    engine.dispose()


def plans(session: Session, call: Callable[[], object]) -> list[str]:
    """The query plan of every statement `call` runs on the session's connection."""
    driver = session.connection().connection.driver_connection
    assert driver is not None
    seen: list[str] = []
    driver.set_trace_callback(seen.append)
    try:
        call()
    finally:
        driver.set_trace_callback(None)
    out = []
    for sql in seen:
        if sql.lstrip().upper().startswith("SELECT"):
            rows = driver.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
            out.append(" / ".join(str(r[-1]) for r in rows))
    assert out
    return out


def assert_indexed(found: list[str]) -> None:
    for plan in found:
        assert "TEMP B-TREE" not in plan, plan
        assert "SCAN statement" not in plan, plan


def test_neighbours_walk_the_date_index(session: Session) -> None:
    statement = session.get(Statement, 1)
    assert statement is not None
    assert_indexed(plans(session, lambda: queries.neighbours(session, statement=statement)))


@pytest.mark.parametrize("order", ["newest", "oldest"])
@pytest.mark.parametrize(
    "filters",
    [{"year": 2012}, {"agenda_item": "Threats to international peace and security"}],
)
def test_a_filtered_listing_reads_its_page_in_date_order(
    session: Session, order: queries.DateOrder, filters: dict[str, object]
) -> None:
    found = plans(
        session,
        lambda: queries.list_statements(session, order=order, total=0, **filters),  # type: ignore[arg-type]
    )
    assert_indexed(found)
