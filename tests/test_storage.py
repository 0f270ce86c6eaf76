"""The archive stores each paragraph's text once and its source files compressed (revision
0012, issue 20), and serves them exactly as before: search, marks and source files alike. An
archive written before 0012 migrates in place without losing a byte, on both engines."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.core.config import Archive
from app.ingest.pipeline import ingest
from app.parse.text import strip_emphasis
from app.store.engine import make_engine, migrate
from app.store.postgres.connect import alembic_config as postgres_config
from app.store.sqlite.connect import alembic_config as sqlite_config
from app.web.app import create_app
from tests.conftest import CORPUS_DIR, SEEDS_DIR

PARAGRAPHS = "SELECT id, statement_pk, number, text, plain, printed FROM paragraph ORDER BY id"


def config(archive: Archive) -> Config:
    return sqlite_config(archive) if isinstance(archive, Path) else postgres_config(archive)


def sources(engine: Engine) -> dict[int, bytes]:
    """Every statement's source file as stored, whichever revision stored it."""
    with engine.connect() as conn:
        columns = {
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'statement'"
                if engine.dialect.name == "postgresql"
                else "SELECT name FROM pragma_table_info('statement')"
            )
        }
        if "source_zlib" in columns:
            rows = conn.exec_driver_sql("SELECT pk, source_zlib FROM statement")
            return {pk: zlib.decompress(blob) for pk, blob in rows}
        rows = conn.exec_driver_sql("SELECT pk, source_text FROM statement")
        return {pk: text.encode("utf-8") for pk, text in rows}


def paragraphs(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(PARAGRAPHS)]


def test_a_paragraph_keeps_its_unmarked_text_only_where_it_has_marks(
    seeded_db: Archive, engine: Engine
) -> None:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT text, unmarked, plain FROM paragraph").all()
    marked = [r for r in rows if "*" in r[0]]
    assert marked, "the seeds have a paragraph with *emphasis*"
    for text, unmarked, plain in rows:
        assert plain == strip_emphasis(text)
        assert unmarked == (plain if "*" in text else None)


def test_the_words_of_a_marked_paragraph_are_searched_and_marked(seeded_db: Archive) -> None:
    with TestClient(create_app(seeded_db)) as client:
        found = client.get("/api/search", params={"q": '"notes with concern"'}).json()
        assert found["total_paragraphs"] >= 1
        marked = client.get("/statements/S-PRST-2023-6", params={"q": '"notes with concern"'})
        page = client.get("/statements/S-PRST-2023-6")
    assert "<mark>notes with concern</mark>" in marked.text  # highlight() reads `plain`
    assert "<em>notes with concern</em>" in page.text


def test_the_source_file_is_served_byte_for_byte(seeded_db: Archive, engine: Engine) -> None:
    with TestClient(create_app(seeded_db)) as client:
        served = {
            path.name: client.get(f"/statements/{sid}/source.txt").content
            for path, sid in (
                (SEEDS_DIR / "000_cbd78485d78b44d3.txt", "S-PRST-2023-6"),
                (SEEDS_DIR / "001_0131f140ff5aed9e.txt", "S-PRST-2012-16"),
            )
        }
    for name, content in served.items():
        assert content == (SEEDS_DIR / name).read_bytes().removeprefix(b"\xef\xbb\xbf")
    with engine.connect() as conn:
        blobs = [r[0] for r in conn.exec_driver_sql("SELECT source_zlib FROM statement")]
    assert sum(map(len, blobs)) < sum(len(c) for c in served.values())


@pytest.mark.corpus
@pytest.mark.sqlite_only  # the corpus once is enough; the engines share the code that stores it
def test_every_corpus_source_is_served_byte_for_byte(corpus_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "corpus.db"
    migrate(db)
    engine = make_engine(db)
    report = ingest(engine, [corpus_dir])
    assert not report.failed
    engine.dispose()
    served = 0
    with TestClient(create_app(db)) as client:
        for outcome in report.outcomes:
            if outcome.status != "added" or "/" in (outcome.statement_id or "/"):
                continue  # a corrigendum is shown on the statement it corrects
            content = client.get(f"/statements/{outcome.statement_id}/source.txt").content
            assert content == outcome.path.read_bytes().removeprefix(b"\xef\xbb\xbf"), outcome
            served += 1
    assert served >= 100


def test_an_archive_written_before_0012_migrates_in_place(db_path: Archive, engine: Engine) -> None:
    """Down to 0011 (the text stored twice, sources as text) and up again: every source's
    bytes, every paragraph's text, plain text and printed form, and what search finds, kept
    (on SQLite with the real statements too, where they are beside the checkout)."""
    folders = [SEEDS_DIR]
    if isinstance(db_path, Path) and CORPUS_DIR.is_dir():
        folders.append(CORPUS_DIR)
    assert not ingest(engine, folders).failed
    at_head = (sources(engine), paragraphs(engine))
    engine.dispose()

    command.downgrade(config(db_path), "0011")
    at_0011 = (sources(engine), paragraphs(engine))
    assert at_0011 == at_head
    engine.dispose()

    migrate(db_path)
    assert (sources(engine), paragraphs(engine)) == at_head
    with TestClient(create_app(db_path)) as client:
        hits = client.get("/api/search", params={"q": "security council"}).json()
        assert hits["total_paragraphs"] >= 2
        marked = client.get("/statements/S-PRST-2023-6", params={"q": '"notes with concern"'})
        assert "<mark>" in marked.text
