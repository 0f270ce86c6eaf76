"""Fixtures: every test gets its own temporary database, migrated to head."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.core.config import PROJECT_ROOT, SEEDS_DIR
from app.ingest.pipeline import ingest
from app.store.engine import make_engine, migrate
from app.web.app import create_app

CORPUS_DIR = PROJECT_ROOT.parent / "shared" / "corpus"
SEED_2023 = SEEDS_DIR / "000_cbd78485d78b44d3.txt"
SEED_2012 = SEEDS_DIR / "001_0131f140ff5aed9e.txt"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "archive.db"
    migrate(path)
    return path


@pytest.fixture
def engine(db_path: Path) -> Iterator[Engine]:
    engine = make_engine(db_path)
    yield engine
    engine.dispose()


@pytest.fixture
def seeded_db(db_path: Path, engine: Engine) -> Path:
    """A database holding the two seed statements."""
    report = ingest(engine, [SEEDS_DIR])
    assert not report.failed, report.failed
    return db_path


@pytest.fixture
def client(seeded_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(seeded_db)) as test_client:
        yield test_client


@pytest.fixture
def corpus_dir() -> Path:
    if not CORPUS_DIR.is_dir():
        pytest.skip("../shared/corpus is not beside this checkout")
    return CORPUS_DIR
