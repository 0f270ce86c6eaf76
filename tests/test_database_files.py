"""An archive file that is missing, empty, not SQLite, read-only or deleted while serving: each
command says so in one sentence with the right exit code, and the web app answers 503 with its
security headers, never a traceback."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.cli import EXIT_UNUSABLE, main
from app.store.engine import migrate
from app.web.app import create_app

COMMANDS = [["serve"], ["check"], ["analyse"], ["backup", "{tmp}/copy.db"]]

pytestmark = pytest.mark.sqlite_only  # the archive's file itself


def run(db: Path, command: list[str], tmp_path: Path) -> int:
    return main(["--db", str(db), *(part.format(tmp=tmp_path) for part in command)])


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "no archive there (`archive ingest` creates one)"),
        (b"", "is empty (0 bytes), not an archive"),
        (b"%PDF-1.4 not a database at all\n" * 40, "is not an SQLite database, so not an archive"),
    ],
    ids=["missing", "empty", "not-sqlite"],
)
def test_a_file_that_is_no_archive_is_one_sentence_and_exit_2(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    command: list[str],
    content: bytes | None,
    says: str,
) -> None:
    db = tmp_path / "archive.db"
    if content is not None:
        db.write_bytes(content)
    assert run(db, command, tmp_path) == EXIT_UNUSABLE
    assert f"archive: {db} {says}".replace(f"{db} no", f"{db}: no") in caplog.text
    assert "Traceback" not in caplog.text
    assert db.exists() == (content is not None)  # nothing created in passing
    if content is not None:
        assert db.read_bytes() == content


def test_writers_refuse_a_file_that_is_not_sqlite(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "notes.txt"
    db.write_text("my notes\n")
    for command in (["ingest", str(tmp_path)], ["migrate"], ["catalogue", str(db)]):
        assert main(["--db", str(db), *command]) == EXIT_UNUSABLE, command
    assert caplog.text.count("is not an SQLite database") == 3
    assert db.read_text() == "my notes\n"


def test_an_empty_file_is_filled_by_an_ingest(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    db.touch()
    assert main(["--db", str(db), "ingest", str(Path(__file__).parents[1] / "seeds")]) == 0
    assert main(["--db", str(db), "check"]) == 0


@contextmanager
def immutable(path: Path) -> Iterator[None]:
    """`path` read-only even for root (whom permissions do not stop): the immutable flag."""
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"chattr +i is not possible here: {done.stderr.decode().strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_a_read_only_archive_is_read_not_written(
    seeded_db: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """`check` does what it can and says what it skipped (once a false index problem);
    `analyse` and `ingest` say the file cannot be written (once a 41-frame traceback); the web
    app serves it."""
    with immutable(seeded_db):
        assert main(["--db", str(seeded_db), "check"]) == 0
        assert "PROBLEM" not in caplog.text
        assert "not checked: the search index was not compared" in caplog.text
        for command in (["analyse"], ["ingest", str(tmp_path)]):
            assert main(["--db", str(seeded_db), *command]) == EXIT_UNUSABLE
        assert caplog.text.count("is read-only here, and this command writes") == 2
        assert main(["--db", str(seeded_db), "backup", str(tmp_path / "copy.db")]) == 0
        with TestClient(create_app(seeded_db)) as client:
            assert client.get("/healthz").json() == {"status": "ok", "statements": 2}
            assert client.get("/search", params={"q": "organized crime"}).status_code == 200
    assert "Traceback" not in caplog.text


def test_a_deleted_archive_answers_503_with_security_headers(
    seeded_db: Path, tmp_path: Path
) -> None:
    """Open connections would go on reading the deleted file (once: /healthz "ok" and a 500
    with a traceback and no security headers for the download)."""
    db = tmp_path / "served.db"
    shutil.copy(seeded_db, db)
    with TestClient(create_app(db)) as client:
        assert client.get("/statements/S-PRST-2012-16").status_code == 200
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        health = client.get("/healthz")
        assert health.status_code == 503
        assert health.json() == {
            "status": "error",
            "detail": "the archive file served.db no longer exists",
        }
        for url in ["/", "/statements/S-PRST-2012-16", "/search?q=crime", "/api/statements",
                    "/data/archive.sqlite", "/data/statements.jsonl", "/feed.atom"]:  # fmt: skip
            r = client.get(url)
            assert r.status_code == 503, url
            assert r.headers["x-frame-options"] == "DENY", url
            assert "default-src 'self'" in r.headers["content-security-policy"], url
            assert "Traceback" not in r.text and str(tmp_path) not in r.text, url


def test_an_archive_without_statements_is_not_ready(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    migrate(db)
    with TestClient(create_app(db)) as client:
        health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["status"] == "empty" and health.json()["statements"] == 0
    assert "archive ingest" in health.json()["detail"]
