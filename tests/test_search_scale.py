"""Search at archive scale: estimated counts, bounded ranking, prefixes, runs of ingest, caches.

The archive is small here; the limits that make a large archive fast (how many matches a year's
count reads, how many matches relevance ranks) are lowered so the same code paths run, and the
pages must say what they did.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.ingest.pipeline import ingest
from app.search.fts5 import engine as search
from app.search.postgres import engine as postgres_search
from app.search.query import parse_query
from app.search.results import Filters
from app.web.app import create_app
from tests.conftest import SEED_2012, SEED_2023
from tests.html import words

ORGANIZED = '"organized criminal groups and networks"'
FIRST_MATCHES = (
    "SELECT rowid FROM paragraph_fts WHERE paragraph_fts MATCH ? AND rowid BETWEEN ? AND ?"
    " ORDER BY rowid LIMIT ?"
)


def api(client: TestClient, q: str, **params: object) -> dict:
    r = client.get("/api/search", params={"q": q, "limit": 100, **params})
    assert r.status_code == 200, r.text
    return r.json()


def found(body: dict) -> list[tuple[str, int]]:
    return [(x["statement"]["id"], x["paragraph"]) for x in body["results"]]


def fts5_bm25(db: Path, q: str) -> dict[tuple[str, int], float]:
    """FTS5's own bm25() for every match of `q`, by (statement id, paragraph number)."""
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT s.id, p.number, bm25(paragraph_fts) FROM paragraph_fts "
        "JOIN paragraph p ON p.id = paragraph_fts.rowid JOIN statement s ON s.pk = p.statement_pk "
        "WHERE paragraph_fts MATCH ?",
        (parse_query(q).fts(),),
    ).fetchall()
    conn.close()
    return {(sid, number): score for sid, number, score in rows}


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    search.clear_caches()
    yield
    search.clear_caches()


@pytest.mark.sqlite_only  # FTS5 internals: samples, estimates, bm25(), its vocabulary
@pytest.mark.parametrize("native", [True, False], ids=["bm25()", "from highlight()"])
@pytest.mark.parametrize(
    "q",
    [
        ORGANIZED,
        "border management",
        "council",
        "security OR peace",
        "trafficking -drugs",
        '"international peace and security" security',
    ],
)
def test_scores_are_fts5_bm25(
    client: TestClient, seeded_db: Path, monkeypatch: pytest.MonkeyPatch, q: str, native: bool
) -> None:
    if not native:  # as if every term were common
        monkeypatch.setattr(search, "NATIVE_BM25_MAX", -1)
    body = api(client, q)
    assert api(client, q, sort="oldest")["total_paragraphs"] == len(body["results"])
    ours = {(x["statement"]["id"], x["paragraph"]): x["rank"] for x in body["results"]}
    theirs = fts5_bm25(seeded_db, q)
    assert ours.keys() == theirs.keys()
    for key, score in theirs.items():
        assert ours[key] == pytest.approx(score, rel=1e-9, abs=1e-12), key
    ranks = [x["rank"] for x in body["results"]]
    assert ranks == sorted(ranks)
    by_date = api(client, q, sort="newest")["results"]
    assert sorted(x["rank"] for x in by_date) == pytest.approx(ranks)


@pytest.mark.sqlite_only  # FTS5 internals: samples, estimates, bm25(), its vocabulary
@pytest.mark.parametrize("q", ["council", "security", "the", "organized"])
def test_a_word_ranks_alike_from_bm25_and_from_its_marked_text(
    seeded_db: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch, q: str
) -> None:
    """A common word's frequencies read back from bm25() give the very scores (and so the
    order) that counting its marks in the text gives."""
    monkeypatch.setattr(search, "NATIVE_BM25_MAX", -1)  # as if every word were common
    read = []
    frequencies = search._frequencies

    def spy(*args: Any) -> list[int] | None:
        read.append(frequencies(*args))
        return read[-1]

    monkeypatch.setattr(search, "_frequencies", spy)
    rankings = []
    for most in (search.BM25_FREQUENCIES_MAX, -1):
        monkeypatch.setattr(search, "BM25_FREQUENCIES_MAX", most)
        search.clear_caches()
        with Session(engine) as session:
            ctx = search._Context(session)
            query = parse_query(q)
            expression = query.fts()
            assert expression is not None
            spans = ctx.timeline.spans(None, None)
            summary = search._summary(ctx, expression, spans, Filters())
            scorer = search._scorer(ctx, query, summary, Filters())
            assert scorer.bm25_frequencies == (most > 0) and not scorer.native
            rankings.append(search._rank(ctx, expression, scorer, spans, None))
    assert len(read) == 1 and read[0] is not None and max(read[0]) >= 1
    assert len(rankings[0].ids) > 1 and rankings[0] == rankings[1]


def test_small_archive_counts_exactly_and_ranks_everything(client: TestClient) -> None:
    body = api(client, "council")
    assert body["capped"] is False and body["estimated_years"] == []
    assert body["ranked_among"] is None and body["ranked_since"] is None
    assert body["total_paragraphs"] == len(body["results"])


@pytest.mark.sqlite_only  # FTS5 internals: samples, estimates, bm25(), its vocabulary
def test_busy_years_are_estimated_and_the_page_says_so(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "SAMPLE", 3)
    body = api(client, "council")
    assert body["capped"] is True
    assert body["estimated_years"] == ["2012", "2023"]
    assert body["total_statements"] == 2  # every paragraph read belongs to a statement using it
    assert body["total_paragraphs"] >= 3
    page = client.get("/search", params={"q": "council"}).text
    assert "About <strong>" in page and "in about <strong>" in page
    assert "Estimated:" in page and 'class="bar estimated"' in page and "about 1 statement" in page


@pytest.mark.sqlite_only  # FTS5 internals: samples, estimates, bm25(), its vocabulary
@pytest.mark.parametrize("probe", [1, 2, 5, 500])
@pytest.mark.parametrize("sample", [1, 3, 100])
def test_counts_read_the_same_samples_whatever_the_first_pass_reads(
    seeded_db: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch, probe: int, sample: int
) -> None:
    """A year's sample is its first matches, whether the first pass over all the years
    (`PROBE` matches) read them or the year was read on its own."""
    monkeypatch.setattr(search, "PROBE", probe)
    conn = sqlite3.connect(seeded_db)
    with Session(engine) as session:
        ctx = search._Context(session)
        tl = ctx.timeline
        years = [tl.bounds(p.first, p.stop) for s in tl.spans(None, None) for p in tl.pieces(s)]
        statements = [(lo, hi) for lo, hi in zip(tl.starts, tl.ends, strict=True)]
        for q in ("council", ORGANIZED, "the", "zzyzx"):
            expression = parse_query(q).fts()
            for ranges in (years, statements, statements[1:]):
                expected = [
                    [r for (r,) in conn.execute(FIRST_MATCHES, (expression, lo, hi, sample))]
                    for lo, hi in ranges
                ]
                assert search._samples(ctx, expression, ranges, sample) == expected
    conn.close()


def test_first_and_latest_use_stay_exact_when_counts_are_estimated(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "SAMPLE", 1)
    page = client.get("/search", params={"q": ORGANIZED}).text
    assert "First in this archive: S/PRST/2012/16, para. 4 (25 April 2012)" in words(page)
    assert 'href="/statements/S-PRST-2012-16#p4">S/PRST/2012/16, para. 4</a>' in page
    assert 'href="/statements/S-PRST-2023-6#p13">S/PRST/2023/6, para. 13</a>' in page


@pytest.mark.sqlite_only  # FTS5 internals: samples, estimates, bm25(), its vocabulary
def test_years_with_few_matches_stay_exact(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "SAMPLE", 3)
    body = api(client, ORGANIZED)  # 2 paragraphs in 2012, 3 in 2023
    assert body["estimated_years"] == ["2023"]
    assert body["years"]["2012"] == 1


def test_relevance_ranks_the_newest_matches_and_says_so(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "RANK_CAP", 2)
    monkeypatch.setattr(postgres_search, "RANK_CAP", 2)
    body = api(client, ORGANIZED)
    assert body["ranked_among"] == 2 and body["ranked_since"] == "2023-12-07"
    # the two newest matches are paragraphs 12 and 13 of the 2023 statement
    assert sorted(found(body)) == [("S-PRST-2023-6", 12), ("S-PRST-2023-6", 13)]
    assert body["total_paragraphs"] == 5  # counting is not bounded by ranking
    page = client.get("/search", params={"q": ORGANIZED}).text
    assert "Ranked by relevance among the newest 2 matches (back to 7 December 2023)" in page
    assert 'href="/search?q=%22organized+criminal+groups+and+networks%22&amp;sort=newest"' in page
    assert len(found(api(client, ORGANIZED, sort="oldest"))) == 5


@pytest.mark.sqlite_only  # FTS5 internals: samples, estimates, bm25(), its vocabulary
def test_prefix_stands_for_the_words_of_the_archive(client: TestClient, seeded_db: Path) -> None:
    conn = sqlite3.connect(seeded_db)
    native = conn.execute(
        "SELECT count(*) FROM paragraph_fts WHERE paragraph_fts MATCH '\"organi\"*'"
    ).fetchone()[0]
    words = [r[0] for r in conn.execute("SELECT DISTINCT term FROM paragraph_terms")]
    conn.close()
    body = api(client, "organi*")
    assert body["total_paragraphs"] == native == len(body["results"])
    marks = {m.lower() for x in body["results"] for m in _marks(x["snippet"])}
    assert marks and all(m.startswith("organi") for m in marks)
    assert marks <= {w for w in words if w.startswith("organi")}


def test_prefix_with_too_many_words_uses_fts5_prefix_search(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    expanded = found(api(client, "organi*", sort="oldest"))
    search.clear_caches()
    monkeypatch.setattr(search, "MAX_PREFIX_WORDS", 1)
    assert found(api(client, "organi*", sort="oldest")) == expanded


@pytest.mark.parametrize("q", ["zzyzx*", '"organized zzyzx"*', "-organi* council"])
def test_prefixes_that_match_nothing_or_are_excluded(client: TestClient, q: str) -> None:
    body = api(client, q)
    if q.startswith("-"):
        snippets = [x["snippet"].lower() for x in body["results"]]
        assert snippets and all("organi" not in s for s in snippets)
    else:
        assert body["results"] == [] and body["total_paragraphs"] == 0


def test_statement_page_marks_prefix_matches(client: TestClient) -> None:
    page = client.get("/statements/S-PRST-2023-6", params={"q": "organi*"}).text
    assert "<mark>organized</mark>" in page


def test_agenda_filter_with_sampled_counts(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "SAMPLE", 2)
    agenda = "Threats to international peace and security"
    body = api(client, ORGANIZED, agenda=agenda, sort="newest")
    assert len(body["results"]) == 5
    assert api(client, ORGANIZED, agenda="Something else")["results"] == []


@pytest.fixture
def two_runs(db_path: Path, engine: Engine) -> Iterator[TestClient]:
    """The 2023 statement ingested first, the 2012 one later: paragraph ids do not follow
    dates across the two runs."""
    for seed in (SEED_2023, SEED_2012):
        report = ingest(engine, [seed])
        assert not report.failed, report.failed
    with TestClient(create_app(db_path)) as test_client:
        yield test_client


def test_dates_sort_across_runs_of_ingest(two_runs: TestClient) -> None:
    oldest = found(api(two_runs, ORGANIZED, sort="oldest"))
    assert oldest == [
        ("S-PRST-2012-16", 4),
        ("S-PRST-2012-16", 6),
        ("S-PRST-2023-6", 6),
        ("S-PRST-2023-6", 12),
        ("S-PRST-2023-6", 13),
    ]
    assert found(api(two_runs, ORGANIZED, sort="newest")) == oldest[::-1]
    page = found(api(two_runs, ORGANIZED, sort="newest", limit=2, offset=2))
    assert page == [("S-PRST-2023-6", 6), ("S-PRST-2012-16", 6)]
    assert api(two_runs, ORGANIZED)["years"] == {"2012": 1, "2023": 1}
    assert {s for s, _ in found(api(two_runs, ORGANIZED, year_to=2015))} == {"S-PRST-2012-16"}
    text = two_runs.get("/search", params={"q": ORGANIZED}).text
    assert "First in this archive: S/PRST/2012/16, para. 4 (25 April 2012)" in words(text)


def test_relevance_across_runs_ranks_the_newest_by_date(
    two_runs: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "RANK_CAP", 2)
    monkeypatch.setattr(postgres_search, "RANK_CAP", 2)
    body = api(two_runs, ORGANIZED)
    # per run the newest two are read, then the newest two by date are ranked
    assert sorted(found(body)) == [("S-PRST-2023-6", 12), ("S-PRST-2023-6", 13)]
    assert body["ranked_since"] == "2023-12-07"


def test_an_ingest_is_seen_by_the_next_search(db_path: Path, engine: Engine) -> None:
    ingest(engine, [SEED_2023])
    with TestClient(create_app(db_path)) as client:
        assert api(client, ORGANIZED)["total_paragraphs"] == 3
        assert api(client, "organi*")["total_statements"] == 1
        ingest(engine, [SEED_2012])
        assert api(client, ORGANIZED)["total_paragraphs"] == 5
        assert api(client, "organi*")["total_statements"] == 2
        assert api(client, ORGANIZED, sort="oldest")["results"][0]["paragraph"] == 4


def _marks(snippet: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", snippet)


def test_where_this_language_started_keeps_the_filters(client: TestClient) -> None:
    page = client.get("/search", params={"q": ORGANIZED, "year_from": 2020}).text
    assert "First in this archive: S/PRST/2023/6" in words(page)
    assert (
        '<a href="/search?q=%22organized+criminal+groups+and+networks%22&amp;year_from=2020'
        '&amp;sort=oldest">Show where this language started</a>' in page
    )
