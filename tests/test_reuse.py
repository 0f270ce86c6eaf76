"""Agreed language: paragraphs of other statements sharing long runs of words are found at
ingest, confirmed exactly, stored both ways, and recomputed only for what changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.ingest.pipeline import ingest
from app.language import precedents
from app.language.shingles import GUARANTEED_RUN, fingerprints, overlap, words
from tests.conftest import SEED_2012, SEED_2023, SEEDS_DIR
from tests.html import words as page_words

OLD, NEW = "S-PRST-2012-16", "S-PRST-2023-6"


def pairs(engine: Engine) -> set[tuple[str, int, str, int]]:
    """(statement, paragraph, other statement, other paragraph) of every stored reuse pair,
    from both sides."""
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            """
            SELECT s.id, p.number, s2.id, p2.number FROM paragraph_reuse r
            JOIN paragraph p ON p.id = r.paragraph_id JOIN statement s ON s.pk = p.statement_pk
            JOIN paragraph p2 ON p2.id = r.other_id JOIN statement s2 ON s2.pk = p2.statement_pk
            """
        ).all()
    return {(a, b, c, d) for a, b, c, d in rows} | {(c, d, a, b) for a, b, c, d in rows}


@pytest.mark.parametrize(
    ("new_para", "old_para"),
    [
        (1, 1),  # identical opening paragraphs
        (9, 4),  # re-agrees the end of 2012 para 4 ("crime" for "criminal", "decentralized")
        (8, 5),  # merges wording from 2012 paras 5 ...
        (8, 6),  # ... and 6
        (2, 3),  # the list of drug and crime conventions
        (3, 5),  # "reaffirms its commitment to the Purposes and Principles of the UN Charter"
    ],
)
def test_reuse_is_found_between_the_seeds_both_ways(
    seeded_db: Path, engine: Engine, new_para: int, old_para: int
) -> None:
    found = pairs(engine)
    assert (NEW, new_para, OLD, old_para) in found
    assert (OLD, old_para, NEW, new_para) in found


def test_only_those_pairs_are_found(seeded_db: Path, engine: Engine) -> None:
    """Unrelated paragraphs sharing topic words or short formulas are not reuse: 2023 para 8
    and 2012 para 7 share only "The Security Council calls on all Member States to"."""
    newer = {(a, b) for s, a, _, b in pairs(engine) if s == NEW}
    assert newer == {(1, 1), (2, 3), (3, 5), (8, 5), (8, 6), (9, 4)}


def test_no_pairs_within_one_statement(engine: Engine, tmp_path: Path) -> None:
    ingest(engine, [SEED_2023])
    assert pairs(engine) == set()


def test_identical_paragraphs_have_similarity_one(seeded_db: Path, engine: Engine) -> None:
    with Session(engine) as session:
        located = precedents.paragraph_at(session, statement_id=NEW, number=1)
        assert located is not None
        [related] = precedents.related_paragraphs(session, paragraph=located.paragraph)
    assert (related.statement.id, related.paragraph.number) == (OLD, 1)
    assert related.similarity == pytest.approx(1.0)
    assert related.coverage == pytest.approx(1.0)


def test_shared_runs_shorter_than_the_minimum_do_not_count() -> None:
    a = words("The Security Council calls on all Member States to improve border management")
    b = words("The Security Council calls on all Member States to fully respect their obligations")
    measure = overlap(a, b)
    assert measure.shared == 9 and not measure.is_reuse


def test_winnowing_keeps_a_fingerprint_of_every_long_shared_run() -> None:
    run = words(
        "better equipped with new information and communication technologies, and more "
        "diversified and connected in their illicit operations"
    )[:GUARANTEED_RUN]
    assert len(run) == GUARANTEED_RUN
    a = [*words("alpha beta gamma delta"), *run, *words("epsilon zeta eta")]
    b = [*words("one two three four five six"), *run, *words("seven")]
    assert fingerprints(a) & fingerprints(b)


def test_reuse_is_recomputed_only_for_changed_statements(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "statements"
    folder.mkdir()
    for seed in (SEED_2012, SEED_2023, SEEDS_DIR / "metadata.csv"):
        shutil.copy(seed, folder / seed.name)
    ingest(engine, [folder])
    before = citation_ids(engine, OLD)
    assert before, "2012 cites resolutions 1373 and 1540 and several conventions"
    # Change paragraph 9 of 2023 so it no longer re-agrees 2012 para 4.
    edited = folder / SEED_2023.name
    text = edited.read_text(encoding="utf-8")
    for phrase in (
        "better equipped with new information and communication technologies",
        "diversified and connected in their illicit operations, which in some cases may",
    ):
        assert text.count(phrase) == 1
        text = text.replace(phrase, "changed")
    edited.write_text(text, encoding="utf-8")
    report = ingest(engine, [folder])
    assert sorted(o.status for o in report.outcomes) == ["unchanged", "updated"]
    found = pairs(engine)
    assert (NEW, 9, OLD, 4) not in found and (OLD, 4, NEW, 9) not in found
    assert (NEW, 1, OLD, 1) in found and (OLD, 1, NEW, 1) in found
    # The unchanged 2012 statement was not analysed again: its citation rows are the same rows.
    assert citation_ids(engine, OLD) == before


def citation_ids(engine: Engine, statement_id: str) -> list[int]:
    with engine.connect() as conn:
        return [
            cid
            for (cid,) in conn.exec_driver_sql(
                "SELECT c.id FROM citation c JOIN paragraph p ON p.id = c.paragraph_id "
                "JOIN statement s ON s.pk = p.statement_pk WHERE s.id = ? ORDER BY c.id",
                (statement_id,),
            )
        ]


def test_first_use_is_the_oldest_paragraph(seeded_db: Path, engine: Engine) -> None:
    with Session(engine) as session:
        ids = [
            located.paragraph.id
            for n, sid in ((9, NEW), (4, OLD))
            if (located := precedents.paragraph_at(session, statement_id=sid, number=n))
        ]
        first = precedents.first_use(session, paragraph_ids=[i for i in ids if i is not None])
        assert first is not None
        assert (first.statement.id, first.paragraph.number) == (OLD, 4)
        assert precedents.first_use(session, paragraph_ids=[]) is None


def test_statement_page_says_where_language_was_first_agreed(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get(f"/statements/{NEW}")
    assert r.status_code == 200
    assert "First in this archive in S/PRST/2012/16, para." in page_words(r.text)
    assert f'href="/statements/{NEW}/paragraphs/9/compare/{OLD}/4"' in r.text
    assert f'href="/statements/{NEW}/paragraphs/8/compare/{OLD}/6"' in r.text
    assert "in 2 statements" in page_words(r.text)
    older = client.get(f"/statements/{OLD}")
    assert f'Used again in <a href="/statements/{NEW}#p1">' in older.text


def test_related_api_lists_related_paragraphs_oldest_first(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get(f"/api/statements/{NEW}/paragraphs/8/related")
    assert r.status_code == 200
    assert [(x["statement_id"], x["paragraph"]) for x in r.json()] == [(OLD, 5), (OLD, 6)]
    assert client.get(f"/api/statements/{NEW}/paragraphs/99/related").status_code == 404


def test_paragraph_page_lists_related_paragraphs_with_compare_links(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/statements/S-PRST-2023-6/paragraphs/9").text
    assert "Where the language of S/PRST/2023/6, para. 9 was used" in page
    assert "/statements/S-PRST-2023-6/paragraphs/9/compare/S-PRST-2012-16/4" in page


def test_work_per_paragraph_is_bounded_for_language_used_everywhere(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A paragraph repeated in many statements: each new use is confirmed against at most
    MAX_CANDIDATES others, the oldest first among equals, and a fingerprint held by more than
    MAX_DF paragraphs stops proposing candidates and stops growing its list."""
    from app.language import reuse

    monkeypatch.setattr(reuse, "MAX_CANDIDATES", 3)
    monkeypatch.setattr(reuse, "MAX_DF", 8)
    repeated = (
        "The Security Council reaffirms its primary responsibility for the maintenance of "
        "international peace and security under the Charter of the United Nations."
    )
    for n in range(1, 7):
        (tmp_path / f"s{n}.txt").write_text(
            f"At the {5000 + n}th meeting of the Security Council, held on {n} May 2015, the "
            "President made the following statement on behalf of the Council:\n\n"
            f"“{repeated}\n\n“The Security Council discusses topic number {n} at length today.”\n",
            encoding="utf-8",
        )
    ingest(engine, [tmp_path])
    found = pairs(engine)
    newest = {(c, d) for a, b, c, d in found if a == "meeting-5006" and b == 1}
    # Every earlier use shares all its fingerprints; the three oldest were confirmed.
    assert newest == {("meeting-5001", 1), ("meeting-5002", 1), ("meeting-5003", 1)}
    with engine.connect() as conn:
        longest = conn.exec_driver_sql(
            "SELECT max(n) FROM (SELECT count(*) AS n FROM reuse_fingerprint GROUP BY hash) AS per"
        ).scalar_one()
        counted = conn.exec_driver_sql("SELECT max(df) FROM reuse_hash").scalar_one()
    assert longest <= 8 and counted == 6
    # Three more uses in one run: the ninth is past MAX_DF, and its formula proposes nothing.
    for n in (7, 8, 9):
        (tmp_path / f"s{n}.txt").write_text(
            (tmp_path / "s1.txt")
            .read_text()
            .replace("5001", f"{5000 + n}")
            .replace("1 May", f"{n} May"),
            encoding="utf-8",
        )
    ingest(engine, [tmp_path])
    later = {(c, d) for a, b, c, d in pairs(engine) if a == "meeting-5009" and b == 1}
    assert later == set()


def test_an_index_built_another_way_is_rebuilt_not_compared(
    seeded_db: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stored hashes from another hashing scheme (another Python, other parameters) are never
    compared with new ones: the analysis starts over and finds the same pairs."""
    from app.ingest import analysis
    from app.language.shingles import SCHEME

    before = pairs(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE analysis_scheme SET scheme = 'another python'")
        # Garbage of the same length where the n-grams were.
        for pid, grams in conn.exec_driver_sql("SELECT paragraph_id, grams FROM paragraph_grams"):
            conn.exec_driver_sql(
                "UPDATE paragraph_grams SET grams = ? WHERE paragraph_id = ?",
                (bytes(len(grams)), pid),
            )
    report = analysis.analyse_pending(engine)
    assert report.paragraphs == 28
    assert pairs(engine) == before
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT scheme FROM analysis_scheme").scalar() == SCHEME


def _covered_naively(a: list[str], b: list[str]) -> int:
    """Words of a in a run of at least MIN_RUN words that b also has, the slow obvious way."""
    from app.language.shingles import MIN_RUN

    runs = {tuple(b[i : i + MIN_RUN]) for i in range(len(b) - MIN_RUN + 1)}
    covered: set[int] = set()
    for i in range(len(a) - MIN_RUN + 1):
        if tuple(a[i : i + MIN_RUN]) in runs:
            covered.update(range(i, i + MIN_RUN))
    return len(covered)


@given(
    st.lists(st.sampled_from("abcd"), max_size=40),
    st.lists(st.sampled_from("abcd"), max_size=40),
)
@settings(max_examples=300, deadline=None)
def test_the_exact_measure_agrees_with_the_obvious_one(a: list[str], b: list[str]) -> None:
    """Repeated words and n-grams included (a four-letter vocabulary repeats a lot)."""
    measure = overlap(a, b)
    assert measure.a_shared == _covered_naively(a, b)
    assert measure.b_shared == _covered_naively(b, a)


def test_worker_processes_find_the_same_pairs(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Large runs confirm candidates in worker processes, a batch behind the candidate lookup:
    the pairs are exactly those of the single-process run."""
    from app.language import reuse
    from app.store.engine import make_engine, migrate
    from bench.generate_corpus import generate

    corpus = tmp_path / "corpus"
    generate(corpus, 60, seed=5)
    ingest(engine, [corpus, SEEDS_DIR])
    serial = pairs(engine)
    assert len(serial) > 100

    update = reuse.update
    monkeypatch.setattr(reuse, "PARALLEL_FROM", 1)
    monkeypatch.setattr(
        reuse,
        "update",
        lambda conn, *, paragraph_ids: update(conn, paragraph_ids=paragraph_ids, batch=50),
    )
    other_db = tmp_path / "parallel.db"
    migrate(other_db)
    other = make_engine(other_db)
    ingest(other, [corpus, SEEDS_DIR])
    assert pairs(other) == serial
    other.dispose()


def test_the_candidate_search_finds_the_same_pairs_when_it_keeps_nothing_in_memory(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The candidate search keeps what it read of the index between batches; with room for
    nothing it reads every batch's fingerprints from the database again, in small batches,
    and finds exactly the pairs found keeping everything (two runs each: the second run's
    fingerprints are found listed by the first)."""
    from app.language import candidates, reuse
    from app.store.engine import make_engine, migrate
    from bench.generate_corpus import generate

    corpus = tmp_path / "corpus"
    generate(corpus, 40, seed=7)
    ingest(engine, [SEEDS_DIR])
    ingest(engine, [corpus])
    kept = pairs(engine)
    assert len(kept) > 50

    update = reuse.update
    monkeypatch.setattr(candidates, "KEEP", 1)
    monkeypatch.setattr(
        reuse,
        "update",
        lambda conn, *, paragraph_ids: update(conn, paragraph_ids=paragraph_ids, batch=7),
    )
    other_db = tmp_path / "forgetful.db"
    migrate(other_db)
    other = make_engine(other_db)
    ingest(other, [SEEDS_DIR])
    ingest(other, [corpus])
    assert pairs(other) == kept
    other.dispose()
