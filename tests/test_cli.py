"""The `archive` command, run in-process against a temporary database."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.cli import main
from tests.conftest import SEEDS_DIR


def test_ingest_twice_reports_added_then_unchanged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "a.db"
    caplog.set_level("INFO")
    assert main(["--db", str(db), "ingest", str(SEEDS_DIR)]) == 0
    assert "2 added, 0 updated, 0 unchanged, 0 failed" in caplog.text
    caplog.clear()
    assert main(["--db", str(db), "ingest", str(SEEDS_DIR)]) == 0
    assert "0 added, 0 updated, 2 unchanged, 0 failed" in caplog.text


def test_broken_file_is_named_and_exit_code_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "in"
    shutil.copytree(SEEDS_DIR, folder)
    (folder / "zz-broken.txt").write_text("nothing to see\n")
    caplog.set_level("INFO")
    assert main(["--db", str(tmp_path / "b.db"), "ingest", str(folder)]) == 1
    assert "zz-broken.txt" in caplog.text
    assert "2 added, 0 updated, 0 unchanged, 1 failed" in caplog.text


def test_database_path_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "env.db"
    monkeypatch.setenv("ARCHIVE_DB", str(db))
    assert main(["ingest", str(SEEDS_DIR)]) == 0
    assert db.exists()


def test_database_option_may_follow_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARCHIVE_DB", str(tmp_path / "env.db"))
    db = tmp_path / "after.db"
    assert main(["ingest", "--db", str(db), str(SEEDS_DIR)]) == 0
    assert db.exists()
    assert not (tmp_path / "env.db").exists()
    assert main(["check", "--db", str(db)]) == 0


def test_missing_path_is_an_error(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    assert main(["--db", str(tmp_path / "c.db"), "ingest", str(tmp_path / "nope")]) == 2
    assert "no such file or folder" in caplog.text


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ARCHIVE_PORT", "abc"),
        ("ARCHIVE_PORT", "70000"),
        ("ARCHIVE_WORKERS", "0"),
        ("ARCHIVE_WORKERS", "two"),
        ("ARCHIVE_PAGE_CACHE_MB", "-5"),
        ("ARCHIVE_BASE_URL", "archive.example.org"),
    ],
)
def test_a_bad_setting_is_named_in_one_line_with_exit_code_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    variable: str,
    value: str,
) -> None:
    monkeypatch.setenv(variable, value)
    assert main(["--db", str(tmp_path / "s.db"), "migrate"]) == 2
    assert f"{variable}={value!r}" in caplog.text
    assert "Traceback" not in caplog.text
    assert not (tmp_path / "s.db").exists()


def test_repairs_lists_each_repair_and_each_word_still_damaged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """`archive repairs FILE`: the file is ingested into a scratch archive of its own (the
    archive named by --db is not created), then every repair and suspect is listed."""
    statement = tmp_path / "damaged.txt"
    statement.write_text(
        "At the 5000th meeting of the Security Council, held on 1 May 2015, the President made "
        "the following statement on behalf of the Council:\n\n"
        "“The Security Council calls on Member States, in ord er to end impun ity, to act "
        "with uncaveated support.”\n",
        encoding="utf-8",
    )
    db = tmp_path / "untouched.db"
    caplog.set_level("INFO")
    assert main(["--db", str(db), "repairs", str(statement)]) == 0
    assert "REPAIRED meeting-5000 p1: 'ord er' -> 'order'" in caplog.text
    assert "'impun ity' -> 'impunity'" in caplog.text
    assert "SUSPECT  meeting-5000 p1: 'uncaveated'" in caplog.text
    assert "2 words repaired in 1 of 1 paragraphs; 1 words still look damaged" in caplog.text
    assert not db.exists()
