"""The ingest job: idempotency, updates in place, failure isolation, aliases, one transaction."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.ingest.pipeline import ingest
from app.store.models import Alias, Paragraph, Source, Statement
from tests.conftest import SEED_2012, SEED_2023, SEEDS_DIR
from tests.searching import phrase_count


def statements(engine: Engine) -> dict[str, Statement]:
    with Session(engine) as s:
        return {st.id: st for st in s.exec(select(Statement))}


def paragraph_texts(engine: Engine, statement_id: str) -> list[str]:
    with Session(engine) as s:
        st = s.exec(select(Statement).where(Statement.id == statement_id)).one()
        rows = s.exec(
            select(Paragraph).where(Paragraph.statement_pk == st.pk).order_by(Paragraph.number)  # type: ignore[arg-type]
        )
        return [p.text for p in rows]


def fts_count(engine: Engine, phrase: str) -> int:
    return phrase_count(engine, phrase)


def test_seeds_ingest_with_symbols_from_metadata(engine: Engine) -> None:
    report = ingest(engine, [SEEDS_DIR])
    assert report.summary().startswith("2 added, 0 updated, 0 unchanged, 0 failed")
    found = statements(engine)
    assert set(found) == {"S-PRST-2023-6", "S-PRST-2012-16"}
    assert found["S-PRST-2023-6"].symbol == "S/PRST/2023/6"
    assert found["S-PRST-2012-16"].meeting_number == 6760
    assert fts_count(engine, "organized criminal groups and networks") == 5


def test_second_run_changes_nothing(engine: Engine) -> None:
    ingest(engine, [SEEDS_DIR])
    before = {k: (v.updated_at, v.content_hash) for k, v in statements(engine).items()}
    report = ingest(engine, [SEEDS_DIR])
    assert report.summary().startswith("0 added, 0 updated, 2 unchanged, 0 failed")
    after = {k: (v.updated_at, v.content_hash) for k, v in statements(engine).items()}
    assert before == after


def test_changed_file_updates_its_statement_in_place(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(SEEDS_DIR, folder)
    ingest(engine, [folder])
    pk_before = statements(engine)["S-PRST-2012-16"].pk
    path = folder / SEED_2012.name
    path.write_text(
        path.read_text(encoding="utf-8").replace("Paris Pact Initiative", "Paris Pact"),
        encoding="utf-8",
    )
    report = ingest(engine, [folder])
    assert {o.path.name: o.status for o in report.outcomes} == {
        SEED_2023.name: "unchanged",
        SEED_2012.name: "updated",
    }
    after = statements(engine)["S-PRST-2012-16"]
    assert after.pk == pk_before
    texts = paragraph_texts(engine, "S-PRST-2012-16")
    assert len(texts) == 11
    assert texts[9].endswith("such as the Paris Pact.")
    assert fts_count(engine, "Paris Pact Initiative") == 0
    assert fts_count(engine, "Paris Pact") == 1


def test_broken_file_is_reported_and_the_rest_load(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(SEEDS_DIR, folder)
    (folder / "broken.txt").write_text("Security Council\n\nNo statement here.\n")
    (folder / "latin1.txt").write_bytes(b"Statement caf\xe9\n")
    report = ingest(engine, [folder])
    failed = {o.path.name: o.reason for o in report.failed}
    assert set(failed) == {"broken.txt", "latin1.txt"}
    assert "no introductory sentence" in (failed["broken.txt"] or "")
    assert "UTF-8" in (failed["latin1.txt"] or "")
    assert len(report.by_status("added")) == 2
    assert set(statements(engine)) == {"S-PRST-2023-6", "S-PRST-2012-16"}


def test_meeting_id_becomes_alias_when_symbol_is_learned(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED_2023, folder)
    ingest(engine, [folder])
    assert set(statements(engine)) == {"meeting-9497"}

    (folder / "metadata.csv").write_text(f"file,symbol\n{SEED_2023.name},S/PRST/2023/6\n")
    report = ingest(engine, [folder])
    assert report.outcomes[0].status == "updated"
    assert set(statements(engine)) == {"S-PRST-2023-6"}
    with Session(engine) as s:
        alias = s.get(Alias, "meeting-9497")
        assert alias is not None
        assert s.get(Statement, alias.statement_pk).id == "S-PRST-2023-6"  # type: ignore[union-attr]


def test_same_statement_from_a_second_file_is_recorded_not_duplicated(
    engine: Engine, tmp_path: Path
) -> None:
    ingest(engine, [SEEDS_DIR])
    copy = tmp_path / "copy-of-2012.txt"
    copy.write_text("S/PRST/2012/16\n" + SEED_2012.read_text(encoding="utf-8"), encoding="utf-8")
    report = ingest(engine, [copy])
    assert [o.status for o in report.outcomes] == ["duplicate"]
    assert len(statements(engine)) == 2
    with Session(engine) as s:
        sources = s.exec(select(Source).where(Source.preferred == False)).all()  # noqa: E712
        assert len(sources) == 1
    assert fts_count(engine, "Paris Pact Initiative") == 1


def test_paragraph_numbers_are_stable_across_reingest(engine: Engine, tmp_path: Path) -> None:
    ingest(engine, [SEEDS_DIR])
    first = paragraph_texts(engine, "S-PRST-2023-6")
    db_copy = tmp_path / "again.db"
    from app.store.engine import make_engine, migrate

    migrate(db_copy)
    other = make_engine(db_copy)
    ingest(other, [SEED_2012, SEED_2023])
    assert paragraph_texts(other, "S-PRST-2023-6") == first
    other.dispose()


def test_a_failing_write_rolls_back_the_whole_run(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.ingest import writer

    calls = {"n": 0}
    original = writer.Writer.apply

    def flaky(self, item):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk on fire")
        return original(self, item)

    monkeypatch.setattr(writer.Writer, "apply", flaky)
    with pytest.raises(RuntimeError):
        ingest(engine, [SEEDS_DIR])
    assert statements(engine) == {}
    assert fts_count(engine, "Security Council") == 0


def test_official_pdf_text_is_preferred_over_an_earlier_copy(
    engine: Engine, tmp_path: Path
) -> None:
    web = tmp_path / "web.txt"
    web.write_text(SEED_2012.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("file,symbol\nweb.txt,S/PRST/2012/16\n")
    ingest(engine, [web])
    official = tmp_path / "official" / "S-PRST-2012-16.txt"
    official.parent.mkdir()
    text = SEED_2012.read_text(encoding="utf-8").replace(
        "Paris Pact Initiative.", "Paris Pact Initiative.\n\n12-31999 (E) 250412\n\f"
    )
    official.write_text("S/PRST/2012/16\n" + text, encoding="utf-8")
    report = ingest(engine, [official])
    assert [o.status for o in report.outcomes] == ["updated"]
    assert set(statements(engine)) == {"S-PRST-2012-16"}
    with Session(engine) as s:
        sources = {Path(x.path).name: x.preferred for x in s.exec(select(Source))}
        st = s.exec(select(Statement)).one()
    assert sources == {"web.txt": False, "S-PRST-2012-16.txt": True}
    assert st.source_name == "S-PRST-2012-16.txt"
    assert len(paragraph_texts(engine, "S-PRST-2012-16")) == 11
    assert fts_count(engine, "Paris Pact Initiative") == 1
    again = ingest(engine, [web, official])
    assert sorted(o.status for o in again.outcomes) == ["duplicate", "unchanged"]


def test_an_interrupted_analysis_keeps_the_text_and_is_finished_later(
    engine: Engine, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The text commits before the analysis starts: a failing analysis loses no statement,
    `archive check` counts what is left, and `archive analyse` finishes it."""
    from app.cli import main
    from app.ingest import analysis
    from app.store.maintenance import check

    def broken(*_args: object, **_kwargs: object) -> int:
        raise RuntimeError("killed during the analysis")

    monkeypatch.setattr(analysis.reuse, "update", broken)
    with pytest.raises(RuntimeError):
        ingest(engine, [SEEDS_DIR])
    assert set(statements(engine)) == {"S-PRST-2012-16", "S-PRST-2023-6"}
    assert fts_count(engine, "organized criminal groups and networks") == 5
    report = check(db_path)
    assert report.ok and report.unanalysed == 28

    monkeypatch.undo()
    assert main(["--db", str(db_path), "analyse"]) == 0
    assert check(db_path).unanalysed == 0
    with engine.connect() as conn:
        pairs = conn.exec_driver_sql("SELECT count(*) FROM paragraph_reuse").scalar_one()
        cited = conn.exec_driver_sql("SELECT count(*) FROM citation").scalar_one()
    assert pairs > 0 and cited > 0


def segments(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.exec_driver_sql(
            "SELECT count(DISTINCT segid) FROM paragraph_fts_idx"
        ).scalar_one()


@pytest.mark.sqlite_only  # FTS5's segments
@pytest.mark.parametrize(("share", "merged"), [(0.1, True), (2.0, False)])
def test_a_large_run_leaves_the_search_index_in_one_segment(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, share: float, merged: bool
) -> None:
    from app.ingest import writer
    from app.search.fts5 import index as ingest_module

    monkeypatch.setattr(writer.Writer, "BATCH_PARAGRAPHS", 4)  # a segment per few paragraphs
    monkeypatch.setattr(ingest_module, "OPTIMISE_FROM", share)
    ingest(engine, [SEEDS_DIR])
    assert (segments(engine) == 1) is merged
    assert fts_count(engine, "organized criminal groups and networks") == 5
