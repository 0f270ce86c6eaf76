"""PostgreSQL as the archive's second engine: the same answers as SQLite, a replica to read
from, and a version row that caches follow.

The cross-engine table runs the same queries on both engines over the same statements (the
seeds, and ../shared/corpus when it is there) and compares what users see: the hit sets, the
counts and the per-year history. Ranking differs by design (BM25 on SQLite, cover density on
PostgreSQL), so relevance pages are compared as sets, date order as sequences.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.cli import main
from app.ingest.pipeline import ingest
from app.store.engine import make_engine, migrate
from app.store.postgres.version import PolledVersion
from app.web.app import create_app
from tests import pgcluster
from tests.conftest import CORPUS_DIR, SEED_2012, SEED_2023, SEEDS_DIR, new_postgres_database

pytestmark = pytest.mark.postgresql

QUERIES: list[tuple[str, dict[str, Any]]] = [
    ('"organized criminal groups and networks"', {}),
    ("organized crime", {}),
    ("council", {}),
    ("security OR peace", {}),
    ("trafficking -drugs", {}),
    ('terrorism -"international peace"', {}),
    ("organi*", {}),
    ('"international peace and secur*"', {}),
    ("cross-border", {}),
    ("Council's", {}),
    ("CÔTE d'ivoire", {}),
    ("côte", {}),
    ("1325 (2000)", {}),
    ("resolution 2482", {}),
    ("women peace security", {"year_from": 2000, "year_to": 2010}),
    ("humanitarian", {"year_to": 1999}),
    ("Africa", {"year_from": 2005}),
    ("the", {}),
    ("nothingatallofthiskind", {}),
    ('"security council" -"member states" OR sanctions', {}),
]


def _answer(client: TestClient, q: str, params: dict[str, Any], sort: str) -> dict[str, Any]:
    r = client.get("/api/search", params={"q": q, "limit": 100, "sort": sort, **params})
    assert r.status_code in (200, 400), r.text
    return r.json()


def _hit(h: dict[str, Any]) -> tuple[str, int]:
    return (h["statement"]["id"], h["paragraph"])


def _seen(body: dict[str, Any]) -> dict[str, Any]:
    if "results" not in body:
        return {"error": body.get("detail")}
    seen = {
        "paragraphs": body["total_paragraphs"],
        "statements": body["total_statements"],
        "years": body["years"],
    }
    if body["total_paragraphs"] <= len(body["results"]):  # the whole ranking is on the page
        seen["hits"] = sorted(_hit(h) for h in body["results"])
    return seen


def _all_by_date(client: TestClient, q: str, params: dict[str, Any], sort: str) -> list[Any]:
    """Every match in date order, page by page."""
    found: list[Any] = []
    while True:
        r = client.get(
            "/api/search",
            params={"q": q, "limit": 100, "offset": len(found), "sort": sort, **params},
        )
        results = r.json().get("results", []) if r.status_code == 200 else []
        found += [_hit(h) for h in results]
        if len(results) < 100:
            return found


@pytest.fixture(scope="module")
def both(
    tmp_path_factory: pytest.TempPathFactory, pg_server: pgcluster.Server
) -> Iterator[tuple[TestClient, TestClient, str]]:
    """The same statements in an SQLite archive and a PostgreSQL one, each served."""
    sources = [CORPUS_DIR] if CORPUS_DIR.is_dir() else [SEEDS_DIR]
    sqlite_db = tmp_path_factory.mktemp("cross") / "archive.db"
    migrate(sqlite_db)
    url = new_postgres_database(pg_server)
    for archive in (sqlite_db, url):
        engine = make_engine(archive)
        ingest(engine, sources)
        engine.dispose()
    with TestClient(create_app(sqlite_db)) as lite, TestClient(create_app(url)) as pg:
        yield lite, pg, "corpus" if sources == [CORPUS_DIR] else "seeds"


@pytest.mark.parametrize(("q", "params"), QUERIES, ids=[q for q, _ in QUERIES])
def test_both_engines_find_the_same_paragraphs(
    both: tuple[TestClient, TestClient, str], q: str, params: dict[str, Any]
) -> None:
    lite, pg, _ = both
    on_sqlite = _answer(lite, q, params, "relevance")
    on_postgres = _answer(pg, q, params, "relevance")
    if on_sqlite.get("capped"):
        pytest.skip("SQLite estimated this query's counts; only exact counts compare")
    assert _seen(on_postgres) == _seen(on_sqlite)
    for sort in ("oldest", "newest"):
        # Every match, in order; first and latest use are the ends of these lists.
        order = _all_by_date(lite, q, params, sort)
        assert _all_by_date(pg, q, params, sort) == order
        assert len(order) == on_sqlite.get("total_paragraphs", 0)


def test_the_cross_engine_table_found_something(both: tuple[TestClient, TestClient, str]) -> None:
    """The table above is not comparing empty answers."""
    lite, _, where = both
    found = [q for q, p in QUERIES if _answer(lite, q, p, "relevance").get("total_paragraphs")]
    assert len(found) >= (12 if where == "corpus" else 5), found


def test_matched_words_are_marked_alike(both: tuple[TestClient, TestClient, str]) -> None:
    lite, pg, _ = both
    q = '"international peace and security"'
    marks = [
        sorted(h["snippet"].count("<mark>") for h in _answer(c, q, {}, "oldest")["results"])
        for c in (lite, pg)
    ]
    assert marks[0] == marks[1] and marks[0]


def test_the_version_row_moves_with_each_commit(pg_server: pgcluster.Server) -> None:
    """PostgreSQL's counterpart of SQLite's file stamp (tests/test_search_timeline.py)."""
    engine = make_engine(new_postgres_database(pg_server))
    version = PolledVersion(engine)
    before = version.current()
    assert before == version.current()
    ingest(engine, [SEED_2012])
    after_one = version.current()
    assert after_one is not None and after_one != before
    ingest(engine, [SEED_2023])
    assert version.current() not in (before, after_one)
    engine.dispose()


def test_a_copy_of_a_postgresql_archive_is_left_to_postgresql(
    pg_server: pgcluster.Server, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = new_postgres_database(pg_server)
    assert main(["--db", url, "ingest", str(SEEDS_DIR)]) == 0
    assert main(["--db", url, "check"]) == 0
    assert main(["--db", url, "backup", str(tmp_path / "copy.db")]) == 2
    assert "pg_dump" in caplog.text and not (tmp_path / "copy.db").exists()


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def _wait_until_served(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"archive serve exited with {process.returncode}")
        try:
            _get(base + "/healthz")
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("archive serve did not answer in 60 s")


def test_the_app_reads_a_hot_standby_while_the_ingest_writes_the_primary(
    tmp_path: Path,
) -> None:
    """A primary and a standby made with pg_basebackup -R; `archive serve` reads the standby
    (ARCHIVE_READ_DB) while `archive ingest` writes the primary (ARCHIVE_DB); what the ingest
    commits appears on the replica-served pages after catch-up, and nothing writes to the
    standby."""
    try:
        primary = pgcluster.start_primary()
    except pgcluster.ClusterUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and PostgreSQL cannot start: {exc}")
        pytest.skip(f"PostgreSQL cannot start here: {exc}")
    standby = None
    server = None
    try:
        primary.psql("CREATE DATABASE archive")
        write_url = primary.url("archive")
        assert main(["--db", write_url, "ingest", str(SEED_2012)]) == 0
        standby = primary.make_standby()
        assert standby.psql("SELECT pg_is_in_recovery()") == "t"
        read_url = standby.url("archive")
        port = pgcluster.free_port()
        env = {**os.environ, "ARCHIVE_DB": write_url, "ARCHIVE_READ_DB": read_url}
        server = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        _wait_until_served(base, server)
        assert "S/PRST/2012/16" in _get(base + "/statements")
        assert "S/PRST/2023/6" not in _get(base + "/statements")
        query = "/api/search?q=%22organized+criminal+groups+and+networks%22"
        assert '"total_paragraphs":2' in _get(base + query)

        assert main(["--db", write_url, "ingest", str(SEED_2023)]) == 0
        primary.wait_for_replay(standby)
        assert "S/PRST/2023/6" in _get(base + "/statements")  # the page cache followed
        assert '"total_paragraphs":5' in _get(base + query)
        assert "Statement by the President" in _get(base + "/statements/S-PRST-2023-6")

        # Nothing writes to the standby: it refuses writes, and what it holds is exactly the
        # primary's WAL, replayed.
        with pytest.raises(pgcluster.ClusterUnavailable, match="read-only"):
            standby.psql("DELETE FROM alias", "archive")
        assert standby.psql("SELECT pg_last_wal_replay_lsn()") == primary.psql(
            "SELECT pg_current_wal_lsn()"
        )
        assert standby.psql("SELECT count(*) FROM statement", "archive") == "2"
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if standby is not None:
            standby.stop()
        primary.stop()
        pgcluster.remove(primary.folder)
