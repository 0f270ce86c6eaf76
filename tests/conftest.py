"""Fixtures: every test gets its own temporary archive, migrated to head, on each engine.

A test that asks for `db_path` (or what builds on it: `engine`, `seeded_db`, `client`) runs
twice: on an SQLite file, and on a PostgreSQL database made from a migrated template on a
server started once per session (`tests/pgcluster.py`). Where that server cannot start, the
PostgreSQL runs are skipped with the reason, unless CI=true, where that is a failure. A test
about the SQLite file itself (its WAL, its backup, its path) says so with `sqlite_only`.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.core.config import PROJECT_ROOT, SEEDS_DIR, Archive
from app.ingest.pipeline import ingest
from app.store.engine import make_engine, migrate
from app.web.app import create_app
from tests import pgcluster

CORPUS_DIR = PROJECT_ROOT.parent / "shared" / "corpus"
SEED_2023 = SEEDS_DIR / "000_cbd78485d78b44d3.txt"
SEED_2012 = SEEDS_DIR / "001_0131f140ff5aed9e.txt"


HOSTILE_AGENDA_OF = 'item entitled "Threats to international peace and security"'
"""Where the 2023 seed names its agenda item: replaced to make the item hostile."""


def seeds_altered(folder: Path, agenda: str, paragraph: tuple[str, str]) -> Path:
    """The seeds copied into `folder` (with their metadata), the 2023 statement's agenda item
    made `agenda` and the first words of one of its paragraphs replaced (`paragraph`)."""
    folder.mkdir()
    for seed in (SEED_2012, SEED_2023, SEEDS_DIR / "metadata.csv"):
        shutil.copy(seed, folder / seed.name)
    copy = folder / SEED_2023.name
    text = copy.read_text(encoding="utf-8")
    assert HOSTILE_AGENDA_OF in text and paragraph[0] in text
    text = text.replace(HOSTILE_AGENDA_OF, f'item entitled "{agenda}"').replace(*paragraph)
    copy.write_text(text, encoding="utf-8")
    return folder


ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
TEMPLATE = "archive_template"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test marked `sqlite_only` runs on SQLite alone: its PostgreSQL run is deselected."""
    keep, drop = [], []
    for item in items:
        params = getattr(item, "callspec", None)
        on_postgres = params is not None and params.params.get("db_path") == "postgresql"
        (drop if on_postgres and item.get_closest_marker("sqlite_only") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pgcluster.Server]:
    """A PostgreSQL server for the session, with a template database migrated to head."""
    try:
        server = pgcluster.start_primary()
    except pgcluster.ClusterUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and PostgreSQL cannot start: {exc}")
        pytest.skip(f"PostgreSQL cannot start here: {exc}")
    try:
        server.psql(f"CREATE DATABASE {TEMPLATE}")
        migrate(server.url(TEMPLATE))
        yield server
    finally:
        server.stop()
        pgcluster.remove(server.folder)


def new_postgres_database(server: pgcluster.Server) -> str:
    """A fresh database copied from the migrated template; its URL."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    server.admin(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    return server.url(name)


@pytest.fixture(params=ENGINES)
def db_path(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Archive]:
    """A new archive migrated to head: an SQLite file's path, or a PostgreSQL URL."""
    if request.param == "sqlite":
        path = tmp_path / "archive.db"
        migrate(path)
        yield path
        return
    server: pgcluster.Server = request.getfixturevalue("pg_server")
    url = new_postgres_database(server)
    yield url
    server.admin(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")


@pytest.fixture
def engine(db_path: Archive) -> Iterator[Engine]:
    engine = make_engine(db_path)
    yield engine
    engine.dispose()


@pytest.fixture
def seeded_db(db_path: Archive, engine: Engine) -> Archive:
    """An archive holding the two seed statements."""
    report = ingest(engine, [SEEDS_DIR])
    assert not report.failed, report.failed
    return db_path


@pytest.fixture
def client(seeded_db: Archive) -> Iterator[TestClient]:
    with TestClient(create_app(seeded_db)) as test_client:
        yield test_client


@pytest.fixture
def corpus_dir() -> Path:
    if not CORPUS_DIR.is_dir():
        pytest.skip("../shared/corpus is not beside this checkout")
    return CORPUS_DIR
