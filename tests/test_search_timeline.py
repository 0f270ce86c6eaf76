"""The pieces search relies on at scale: the timeline of paragraph ids, the database version
that keys its caches, and BM25 from highlighted text."""

from __future__ import annotations

import random
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from app.ingest.pipeline import ingest
from app.search.cache import LRU
from app.search.fts5 import engine as search
from app.search.fts5.ranking import Scorer, length, varint
from app.search.fts5.timeline import Span, Timeline, load_timeline
from app.search.query import Term, parse_query
from app.search.warmup import Warmup
from app.store.engine import make_engine
from app.store.services import archive_version
from app.store.sqlite.version import database_version
from tests.conftest import SEED_2012, SEED_2023

# (first id, last id, paragraphs, statement pk, date, year, agenda item)
ROWS = [
    (1, 3, 3, 10, "2001-01-05", 2001, "A"),
    (4, 5, 2, 11, "2001-06-01", 2001, "B"),
    (6, 9, 4, 12, "2003-02-02", 2003, "A"),
    # a later ingest of an older statement starts a second run
    (10, 11, 2, 13, "2002-03-03", 2002, "B"),
    (14, 15, 2, 14, "2004-04-04", 2004, "A"),  # ids 12 and 13 were deleted
]


def test_runs_break_where_dates_go_back() -> None:
    tl = Timeline(ROWS)
    assert tl.runs == [Span(0, 3), Span(3, 5)]
    assert tl.total_paragraphs == 13


def test_ids_map_to_their_statement() -> None:
    tl = Timeline(ROWS)
    assert [tl.segment(i) for i in (1, 3, 4, 9, 10, 12, 13, 15, 16)] == [
        0,
        0,
        1,
        2,
        3,
        -1,
        -1,
        4,
        -1,
    ]
    assert tl.segment_at_or_before(12) == 3
    ascending = [1, 2, 3, 4, 9, 10, 12, 13, 15, 16]
    assert tl.segments(ascending) == [tl.segment(i) for i in ascending]


def test_years_become_id_ranges_in_each_run() -> None:
    tl = Timeline(ROWS)
    spans = tl.spans(2002, 2003)
    assert spans == [Span(2, 3), Span(3, 4)]
    assert [tl.bounds(s.first, s.stop) for s in spans] == [(6, 9), (10, 11)]
    assert tl.spans(2005, None) == []
    pieces = tl.pieces(tl.runs[0])
    assert [(p.year, p.first, p.stop) for p in pieces] == [(2001, 0, 2), (2003, 2, 3)]


def test_counts_by_agenda_item() -> None:
    tl = Timeline(ROWS)
    assert tl.count(0, 5) == (5, 13)
    assert tl.count(0, 5, "A") == (3, 9)
    assert tl.count(1, 4, "B") == (2, 4)
    assert tl.count(0, 5, "none") == (0, 0)


def test_agenda_items_of_a_stretch_of_statements_as_a_counter_of_them() -> None:
    """`agendas_in` gives what counting the stretch's items one by one gives, in the same
    order (the order the estimates add up their shares in)."""
    rng = random.Random(20)
    rows, first = [], 1
    for pk in range(500):
        n = rng.randint(1, 4)
        agenda = rng.choice(["A", "B", None, "C", "D"])
        rows.append((first, first + n - 1, n, pk, "2001-01-01", 2001, agenda))
        first += n
    tl = Timeline(rows)
    for _ in range(500):
        lo = rng.randint(0, len(rows))
        hi = rng.randint(lo, len(rows))
        assert list(tl.agendas_in(lo, hi).items()) == list(Counter(tl.agendas[lo:hi]).items())


def test_interleaved_statements_are_cut_into_unbroken_segments(tmp_path: Path) -> None:
    db = tmp_path / "plain.db"
    conn = sqlite3.connect(db)
    conn.executescript(
        """
        CREATE TABLE statement (pk INTEGER PRIMARY KEY, date TEXT, year INT, agenda_item TEXT);
        CREATE TABLE paragraph (id INTEGER PRIMARY KEY, statement_pk INT);
        INSERT INTO statement VALUES (1, '2001-01-01', 2001, NULL), (2, '2002-01-01', 2002, NULL);
        INSERT INTO paragraph VALUES (1, 1), (2, 1), (3, 2), (4, 1), (5, 2);
        """
    )
    conn.commit()
    conn.close()
    engine = make_engine(db, readonly=True)
    with engine.connect() as c:
        tl = load_timeline(c)
    engine.dispose()
    assert list(zip(tl.starts, tl.ends, tl.pks, strict=True)) == [
        (1, 2, 1),
        (3, 3, 2),
        (4, 4, 1),
        (5, 5, 2),
    ]


@pytest.mark.sqlite_only  # the SQLite file's stamp, FTS5's timeline and its malformed-index retry
def test_database_version_changes_with_each_commit(db_path: Path, engine: Engine) -> None:
    before = database_version(db_path)
    assert before == database_version(db_path)
    ingest(engine, [SEED_2023])
    after_one = database_version(db_path)
    assert after_one != before
    ingest(engine, [SEED_2012])
    assert database_version(db_path) not in (before, after_one)
    assert database_version(db_path.parent / "missing.db") is None


def test_lru_forgets_the_least_recently_used() -> None:
    cache: LRU[str, int] = LRU(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)
    assert cache.get("b") is None and cache.get("a") == 1 and cache.get("c") == 3
    assert cache.get_or_compute(None, lambda: 7) == 7 and cache.get("None") is None


def test_varints_as_fts5_writes_them() -> None:
    assert varint(b"\x05") == (5, 1)
    assert varint(b"\x81\x1f") == (159, 2)
    assert varint(b"\x89\x8d\x64\x86") == (149220, 3)
    assert length(b"\x2a") == 42 and length(b"\x81\x1f") == 159


def test_term_frequencies_from_highlighted_text() -> None:
    terms = [Term(("peace", "and", "peace")), Term(("organi",), prefix=True), Term(("council",))]
    scorer = Scorer(terms, [1.0, 1.0, 1.0], 10.0)
    marked = (
        "The \x02Council\x03 and the \x02council\x03 say \x02peace and peace and peace\x03 "
        "for \x02Organized\x03 \x02organizations\x03."
    )
    assert scorer.frequencies(marked) == [2, 2, 2]
    single = Scorer([Term(("council",))], [1.0], 10.0)
    # one term that cannot overlap itself: each mark is one instance
    assert single.frequencies("The \x02Council\x03 and the \x02council\x03 say") == [2]


def _wait_until(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.fixture
def reader(db_path: Path) -> Iterator[Engine]:
    """The archive as the web app opens it: read-only."""
    reader = make_engine(db_path, readonly=True)
    yield reader
    reader.dispose()


@pytest.mark.sqlite_only  # the SQLite file's stamp, FTS5's timeline and its malformed-index retry
def test_search_is_prepared_at_start_and_after_each_ingest(engine: Engine, reader: Engine) -> None:
    ingest(engine, [SEED_2012])
    search.clear_caches()
    warmup = Warmup(reader, interval=0.1)

    def ready() -> bool:
        with Session(reader) as session:
            return search.prepared(session)

    try:
        assert not ready()
        warmup.start()
        assert _wait_until(ready), "the timeline was not built at start"
        ingest(engine, [SEED_2023])  # a new version of the archive
        assert _wait_until(ready), "the timeline was not rebuilt after the ingest"
        with Session(reader) as session:
            result = search.search(session, parse_query('"organized criminal groups"'))
        assert result.total_statements == 2  # the rebuilt timeline knows the new statement
    finally:
        warmup.stop()


def test_a_reading_transaction_sees_one_snapshot(engine: Engine, reader: Engine) -> None:
    ingest(engine, [SEED_2012])
    count = text("SELECT count(*) FROM statement")
    with Session(reader) as session:
        before = session.execute(count).scalar_one()
        version = archive_version(session.connection())
        ingest(engine, [SEED_2023])  # commits while the reader's transaction is open
        assert session.execute(count).scalar_one() == before == 1
        assert archive_version(session.connection()) == version
    with Session(reader) as session:
        assert session.execute(count).scalar_one() == 2
        assert archive_version(session.connection()) != version


def _index_reads_fail(
    monkeypatch: pytest.MonkeyPatch, errors: Iterator[sqlite3.Error]
) -> list[str]:
    """Reads of the search index raise the next of `errors` while there is one; the SQL of
    every read is listed."""
    real_rows = search._Context.rows
    reads: list[str] = []

    def rows(self: search._Context, sql: str, params: dict[str, object]) -> list[object]:
        reads.append(sql)
        error = next(errors, None) if "paragraph_fts" in sql else None
        if error is not None:
            raise OperationalError(sql, params, error)
        return real_rows(self, sql, params)

    monkeypatch.setattr(search._Context, "rows", rows)
    return reads


@pytest.mark.sqlite_only  # the SQLite file's stamp, FTS5's timeline and its malformed-index retry
def test_a_read_the_index_reports_malformed_runs_again_on_a_fresh_connection(
    engine: Engine, reader: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(engine, [SEED_2012, SEED_2023])
    _index_reads_fail(
        monkeypatch, iter([sqlite3.DatabaseError("database disk image is malformed")])
    )
    with Session(reader) as session:
        first = session.connection().connection.driver_connection
        result = search.search(session, parse_query('"organized criminal groups"'))
        assert result.total_paragraphs == 5
        assert session.connection().connection.driver_connection is not first


def test_other_database_errors_are_not_retried(
    engine: Engine, reader: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(engine, [SEED_2012])
    io_error = sqlite3.OperationalError("disk I/O error")
    reads = _index_reads_fail(monkeypatch, iter([io_error, io_error]))
    with Session(reader) as session, pytest.raises(OperationalError):
        search.search(session, parse_query("council"))
    assert len(reads) == 1
