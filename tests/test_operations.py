"""Operations: `archive check`, `archive backup`, /healthz, headers, faults during ingest."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError, OperationalError

from app.cli import main
from app.ingest.pipeline import ingest
from app.store.engine import make_engine
from app.store.maintenance import backup, check
from app.web.app import create_app
from bench.generate_corpus import generate


def count(db: Path, table: str = "statement") -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def test_check_passes_on_a_fresh_archive(seeded_db: Path) -> None:
    report = check(seeded_db)
    assert report.ok, report.problems
    assert (report.statements, report.paragraphs, report.indexed) == (2, 28, 28)


@pytest.mark.sqlite_only  # the SQLite file: its FTS5 shadow tables, its backup, its pages, its WAL
def test_check_reports_index_drift(seeded_db: Path) -> None:
    conn = sqlite3.connect(seeded_db)
    conn.execute("INSERT INTO paragraph(statement_pk, number, text) VALUES (1, 99, 'x')")
    conn.commit()
    conn.close()
    report = check(seeded_db)
    assert not report.ok
    assert any("missing from the search index" in p for p in report.problems)
    assert main(["check", str(seeded_db)]) == 1


@pytest.mark.sqlite_only  # the SQLite file: its FTS5 shadow tables, its backup, its pages, its WAL
def test_backup_copies_a_consistent_archive_and_refuses_to_overwrite(
    seeded_db: Path, tmp_path: Path
) -> None:
    target = tmp_path / "copy.db"
    assert backup(seeded_db, target) > 0
    assert check(target).ok
    assert count(target, "paragraph") == 28
    with pytest.raises(FileExistsError):
        backup(seeded_db, target)
    assert main(["--db", str(seeded_db), "backup", str(tmp_path / "cli.db")]) == 0


def test_healthz_and_security_headers(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "statements": 2}
    page = client.get("/")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"]


def test_healthz_is_never_cached(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.headers["cache-control"] == "no-store" and "etag" not in r.headers


def test_absolute_links_use_the_configured_address_not_the_host_header(
    seeded_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client chooses its Host header: canonical and Open Graph URLs, permalinks and Atom ids
    must not repeat it, or a shared cache (ours included) would hand its links to others."""
    monkeypatch.setenv("ARCHIVE_BASE_URL", "https://prst.example.org/")
    with TestClient(create_app(seeded_db)) as c:
        evil = {"Host": "evil.example"}
        page = c.get("/statements/S-PRST-2012-16/paragraphs/9", headers=evil).text
        feed = c.get("/feed.atom", headers=evil).text
        again = c.get("/statements/S-PRST-2012-16/paragraphs/9").text
    for text in (page, feed, again):
        assert "evil.example" not in text
    assert (
        '<link rel="canonical" href="https://prst.example.org/statements/S-PRST-2012-16/paragraphs/9">'
        in page
    )
    assert "<id>https://prst.example.org/statements/S-PRST-2012-16</id>" in feed


def test_healthz_says_503_without_a_database(tmp_path: Path) -> None:
    with TestClient(create_app(tmp_path / "missing.db")) as c:
        assert c.get("/healthz").status_code == 503
        page = c.get("/")
        assert page.status_code == 503
        assert "cannot be read" in page.text


def test_the_web_app_cannot_write(seeded_db: Path) -> None:
    engine = make_engine(seeded_db, readonly=True)
    with engine.connect() as conn, pytest.raises(DBAPIError, match=r"readonly|read-only"):
        conn.exec_driver_sql("DELETE FROM statement")
    engine.dispose()


@pytest.mark.sqlite_only  # the SQLite file: its FTS5 shadow tables, its backup, its pages, its WAL
def test_a_read_only_target_gives_a_clear_error_and_changes_nothing(
    seeded_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The database file cannot be written (a read-only mount, permissions; the tests run as
    root, whom permissions do not stop, so the file is opened read-only instead)."""
    from app.store import engine as db

    corpus = tmp_path / "corpus"
    generate(corpus, 5, seed=4)
    opened = db.make_engine
    monkeypatch.setattr(db, "make_engine", lambda path, readonly=False: opened(path, readonly=True))
    caplog.set_level("INFO")
    assert main(["--db", str(seeded_db), "ingest", str(corpus)]) == 1
    assert "failed; the archive is unchanged" in caplog.text
    assert "readonly" in caplog.text
    assert count(seeded_db) == 2
    assert check(seeded_db).ok


@pytest.mark.sqlite_only  # the SQLite file: its FTS5 shadow tables, its backup, its pages, its WAL
def test_full_disk_gives_an_error_and_changes_nothing(seeded_db: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    generate(corpus, 40, seed=3)
    engine = make_engine(seeded_db)
    pages = count(seeded_db, "paragraph")

    @event.listens_for(engine, "connect")
    def tiny_disk(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        size = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count = {size + 5}")

    with pytest.raises(OperationalError, match="full"):
        ingest(engine, [corpus])
    engine.dispose()
    assert count(seeded_db) == 2
    assert count(seeded_db, "paragraph") == pages
    assert check(seeded_db).ok


@pytest.mark.sqlite_only  # the SQLite file: its FTS5 shadow tables, its backup, its pages, its WAL
def test_sigkill_during_ingest_leaves_old_or_new_archive(seeded_db: Path, tmp_path: Path) -> None:
    """Kill ingests at random points while a reader queries: every read and every survivor is
    exactly the old archive (2 statements) or the new one, and the database stays sound."""
    corpus = tmp_path / "corpus"
    generate(corpus, 150, seed=7)
    new_total = 2 + 150
    seen: set[int] = set()
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            seen.add(count(seeded_db))
            time.sleep(0.005)

    thread = threading.Thread(target=reader)
    thread.start()
    rng = random.Random(11)
    killed: set[str] = set()
    command = [sys.executable, "-m", "app.cli", "--db", str(seeded_db), "ingest", str(corpus)]
    try:
        for _ in range(4):
            proc = subprocess.Popen(command, stderr=subprocess.DEVNULL)
            killed.add(str(proc.pid))
            time.sleep(rng.uniform(0.3, 2.5))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            assert count(seeded_db) in (2, new_total)
            assert check(seeded_db).ok
        assert subprocess.run(command, stderr=subprocess.DEVNULL).returncode == 0
    finally:
        stop.set()
        thread.join()
    assert count(seeded_db) == new_total
    assert seen <= {2, new_total}
    assert check(seeded_db).ok
    # The killed runs' parsing processes did not outlive them.
    deadline = time.monotonic() + 10
    while processes_naming(seeded_db) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_naming(seeded_db) == []
    # ... and the next run removed the spill folders they could not remove themselves.
    spills = Path(tempfile.gettempdir()).glob("archive-ingest-*/owner.pid")
    assert not [f for f in spills if f.read_text() in killed]


def processes_naming(path: Path) -> list[int]:
    """Processes whose command line names `path` (an ingest and its worker processes)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if str(path).encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass  # it ended meanwhile
    return found
