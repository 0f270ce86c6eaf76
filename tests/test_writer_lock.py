"""One writer at a time, on either engine: a second ingest or analysis is refused at once,
naming the process that writes, and changes nothing (two ingests at once once failed only
after all their work, on a UNIQUE constraint)."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from app.cli import EXIT_BUSY, main
from app.core.config import Archive
from app.store.maintenance import ArchiveBusy, writing
from tests.conftest import SEEDS_DIR


def statements(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM statement").scalar_one())


def test_a_second_writer_is_refused_while_one_writes(
    db_path: Archive, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    with writing(db_path, "ingest"):
        assert main(["--db", str(db_path), "ingest", str(SEEDS_DIR)]) == EXIT_BUSY
        assert main(["--db", str(db_path), "analyse"]) == EXIT_BUSY
        with (
            pytest.raises(ArchiveBusy, match="try again when it has finished"),
            writing(db_path, "analyse"),
        ):
            pass
        assert statements(engine) == 0
    assert "another ingest or analysis of" in caplog.text
    # Released with its holder: the next run proceeds.
    assert main(["--db", str(db_path), "ingest", str(SEEDS_DIR)]) == 0
    assert statements(engine) == 2
