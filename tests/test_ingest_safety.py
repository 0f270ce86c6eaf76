"""An ingest under adverse conditions: another one running, a failure halfway, files that are no
statement files (devices, pipes, links out of the folder), statements beyond the limits."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.cli import EXIT_BUSY, main
from app.ingest.pipeline import ingest
from app.parse.statement import MAX_PARAGRAPHS, ParseError, parse_statement
from app.store.engine import make_engine
from app.store.maintenance import writing
from app.store.sqlite.maintenance import check
from app.web.app import create_app
from tests.conftest import SEED_2012, SEED_2023, SEEDS_DIR

pytestmark = pytest.mark.sqlite_only  # the archive's file itself


def statements(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM statement").fetchone()[0])
    finally:
        conn.close()


def test_a_second_ingest_is_refused_while_one_runs(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The lock is taken before any work: the second run says who holds it and changes nothing
    (it once failed only after all its work, on a UNIQUE constraint)."""
    with writing(db_path, "ingest"):
        assert main(["--db", str(db_path), "ingest", str(SEEDS_DIR)]) == EXIT_BUSY
        assert main(["--db", str(db_path), "analyse"]) == EXIT_BUSY
        assert statements(db_path) == 0
    assert f"another ingest or analysis of {db_path} is running (pid {os.getpid()}" in caplog.text
    assert "try again when it has finished" in caplog.text
    # Released, as it is when its holder ends however it ends (flock): the next run proceeds.
    assert main(["--db", str(db_path), "ingest", str(SEEDS_DIR)]) == 0
    assert statements(db_path) == 2


def test_a_failure_before_the_commit_leaves_the_archive_unchanged(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from app.ingest import writer

    def full(*_args: object, **_kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(writer.Writer, "flush", full)
    assert main(["--db", str(db_path), "ingest", str(SEEDS_DIR)]) == 1
    assert "failed; the archive is unchanged: database or disk is full" in caplog.text
    assert statements(db_path) == 0


def test_a_failure_after_the_commit_says_what_was_committed(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A full disk during the analysis: the statements are in, searchable, their analysis is
    pending, and the message says so and how to finish, never "unchanged"."""
    from app.ingest import analysis

    def full(*_args: object, **_kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(analysis, "analyse", full)
    assert main(["--db", str(db_path), "ingest", str(SEEDS_DIR)]) == 1
    assert "the archive is unchanged" not in caplog.text
    assert "stopped after its text was committed: 2 added" in caplog.text
    assert "28 paragraphs written, searchable now" in caplog.text
    assert "database or disk is full" in caplog.text and "`archive analyse`" in caplog.text
    assert statements(db_path) == 2
    assert check(db_path).unanalysed == 28

    monkeypatch.undo()
    assert main(["--db", str(db_path), "analyse"]) == 0
    assert check(db_path).unanalysed == 0


def test_a_character_device_is_refused_not_read(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """`archive ingest /dev/zero` once read until memory ran out."""
    assert main(["--db", str(db_path), "ingest", "/dev/zero"]) == 1
    assert "FAILED /dev/zero: not a regular file (a character device): not read" in caplog.text


def test_what_a_folder_holds_that_is_no_statement_file_is_reported(
    db_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "statements"
    folder.mkdir()
    for seed in (SEED_2012, SEED_2023, SEEDS_DIR / "metadata.csv"):
        shutil.copy(seed, folder / seed.name)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.txt").write_text("not for the archive\n")
    os.mkfifo(folder / "pipe.txt")  # reading it would wait for a writer for ever
    (folder / "gone.txt").symlink_to(tmp_path / "missing.txt")
    (folder / "out.txt").symlink_to(outside / "secret.txt")
    (folder / "elsewhere").symlink_to(outside, target_is_directory=True)
    (folder / "again.txt").symlink_to(folder / SEED_2012.name)  # inside: the same file

    engine = make_engine(db_path)
    report = ingest(engine, [folder])
    engine.dispose()
    outcomes = {o.path.name: (o.status, o.reason or "") for o in report.outcomes}
    assert outcomes[SEED_2012.name][0] == outcomes[SEED_2023.name][0] == "added"
    assert "again.txt" not in outcomes  # the file it names is ingested once
    assert outcomes["pipe.txt"] == ("failed", "not a regular file (a named pipe): not read")
    assert outcomes["gone.txt"] == ("failed", "a symbolic link to a missing file")
    assert outcomes["out.txt"][0] == "failed"
    assert "outside the folder: not followed" in outcomes["out.txt"][1]
    assert outcomes["elsewhere"][0] == "failed"
    assert "a symbolic link to a folder: not followed" in outcomes["elsewhere"][1]
    assert statements(db_path) == 2


def numbered_statement(paragraphs: int) -> str:
    return (
        "Security Council\n\nDistr.: General\n3 March 2031\n\n"
        "Statement by the President of the Security Council\n\n"
        "At the 9999th meeting of the Security Council, held on 3 March 2031, the President of "
        "the Security Council made the following statement on behalf of the Council:\n\n"
        + "".join(f"“The Security Council notes item {n}.\n\n" for n in range(1, paragraphs + 1))
    )


def test_paragraph_numbers_the_ingest_accepts_are_the_ones_urls_reach(
    db_path: Path, tmp_path: Path
) -> None:
    with pytest.raises(ParseError, match="at most 10,000"):
        parse_statement(numbered_statement(MAX_PARAGRAPHS + 1))
    longest = tmp_path / "longest.txt"
    longest.write_text("S/PRST/2031/1\n" + numbered_statement(MAX_PARAGRAPHS), encoding="utf-8")
    engine = make_engine(db_path)
    assert not ingest(engine, [longest]).failed
    engine.dispose()
    with TestClient(create_app(db_path)) as client:
        last = client.get(f"/statements/S-PRST-2031-1/paragraphs/{MAX_PARAGRAPHS}")
        assert last.status_code == 200 and "notes item 10000." in last.text
        beyond = client.get(f"/statements/S-PRST-2031-1/paragraphs/{MAX_PARAGRAPHS + 1}")
        assert beyond.status_code == 422
