"""Every search has a bounded cost: a query too broad is refused before it runs, and a search
that spends its budget of processor time is stopped inside SQLite; both answer with a clear
message (400 on the API, a page saying how to narrow it), never a 5xx. What a search cost, by the
budget's own accounting, is in its `Server-Timing` header; the bounds below are asserted on it.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.ingest.pipeline import ingest
from app.search.fts5 import budget as budgets
from app.search.fts5 import engine as search
from app.search.fts5.budget import Budget
from app.search.query import MAX_EXCLUDED, MAX_TERMS
from app.search.results import SearchRefused
from app.store.engine import make_engine, migrate
from app.web.app import create_app
from bench.generate_corpus import generate
from bench.hostile_queries import HOSTILE
from tests.conftest import CORPUS_DIR

TOO_BROAD = "This search is too broad to answer"
TOO_EXPENSIVE = "This search is too expensive to answer"


def cost_ms(response) -> float:  # type: ignore[no-untyped-def]
    """The search's processor time as its budget accounted it."""
    m = re.fullmatch(
        r'search;dur=([\d.]+);desc="processor time"', response.headers["server-timing"]
    )
    assert m, response.headers["server-timing"]
    return float(m.group(1))


@pytest.fixture(scope="module", params=["generated", "corpus"])
def archive_client(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """An archive of realistic size: 150 generated statements, or the real corpus."""
    folder = tmp_path_factory.mktemp("hostile")
    if request.param == "corpus":
        if not CORPUS_DIR.is_dir():
            pytest.skip("../shared/corpus is not beside this checkout")
        source = CORPUS_DIR
    else:
        source = folder / "statements"
        generate(source, 150, seed=14)
    db = folder / "archive.db"
    migrate(db)
    engine = make_engine(db)
    ingest(engine, [source])
    engine.dispose()
    with TestClient(create_app(db)) as client:
        yield client


@pytest.mark.parametrize(("name", "q"), HOSTILE, ids=[name for name, _ in HOSTILE])
def test_a_hostile_search_is_answered_within_its_budget(
    archive_client: TestClient, name: str, q: str
) -> None:
    search.clear_caches(timelines=False)  # never seen before
    api = archive_client.get("/api/search", params={"q": q})
    page = archive_client.get("/search", params={"q": q})
    for response in (api, page):
        assert response.status_code in (200, 400), (name, response.status_code)
        # Generous: the budget is half a second; a refused search stops just past it.
        assert cost_ms(response) < 1000, name
    assert api.status_code == page.status_code
    if api.status_code == 400:
        assert api.json()["detail"].startswith((TOO_BROAD, TOO_EXPENSIVE))
        assert api.json()["status"] == 400
        assert "how to search" in page.text and api.json()["detail"][:40] in page.text


@pytest.mark.parametrize(
    ("q", "says"),
    [
        (
            "peace " + " ".join(f"-x{i}" for i in range(98)),
            f"it excludes 98 words or phrases, and a search may exclude {MAX_EXCLUDED}",
        ),
        (
            " OR ".join(f"word{i}" for i in range(MAX_TERMS + 1)),
            f"it asks for {MAX_TERMS + 1} words or phrases at once, and a search may hold "
            f"{MAX_TERMS}",
        ),
    ],
    ids=["exclusions", "terms"],
)
def test_too_many_words_are_refused_before_the_search(
    client: TestClient, q: str, says: str
) -> None:
    """98 exclusions once overflowed FTS5's parser (503 "cannot be read")."""
    r = client.get("/api/search", params={"q": q})
    assert r.status_code == 400
    assert r.json()["detail"].startswith(TOO_BROAD) and says in r.json()["detail"]
    assert cost_ms(r) == 0.0  # refused before anything ran


def test_as_many_exclusions_as_allowed_run_as_one_not(client: TestClient) -> None:
    excluded = " ".join(f"-x{i}" for i in range(MAX_EXCLUDED))
    r = client.get("/api/search", params={"q": f"organized {excluded}"})
    assert r.status_code == 200 and r.json()["total_paragraphs"] > 0


@pytest.mark.sqlite_only  # FTS5's budget and prefixes
def test_short_or_many_broad_prefixes_are_refused(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A prefix standing for more words than the engine expands is searched by FTS5's own
    prefix search, which builds the whole list in one uninterruptible step: one such prefix, of
    three letters at least, per search. (On the seeds, few words share a beginning: the
    threshold is lowered to make them "broad".)"""
    monkeypatch.setattr(search, "MAX_PREFIX_WORDS", 1)
    search.clear_caches(timelines=False)
    flood = client.get("/api/search", params={"q": " OR ".join(f"{c}*" for c in "acdeiprst")})
    assert flood.status_code == 400
    assert "stand for more than 1 different words" in flood.json()["detail"]
    assert "Type at least 3 letters before a *" in flood.json()["detail"]
    two = client.get("/api/search", params={"q": "org* cou*"})
    assert two.status_code == 400
    assert "a search may hold 1 such beginning" in two.json()["detail"]
    one = client.get("/api/search", params={"q": "org* council"})
    assert one.status_code == 200 and one.json()["total_paragraphs"] > 0


@pytest.mark.sqlite_only  # FTS5's budget and prefixes
def test_a_search_that_spends_its_budget_is_stopped_with_a_message(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(budgets, "SECONDS", 0.0)
    search.clear_caches(timelines=False)
    api = client.get("/api/search", params={"q": "organized crime"})
    assert api.status_code == 400
    assert api.json()["detail"].startswith(TOO_EXPENSIVE)
    assert "Narrow it" in api.json()["detail"]
    page = client.get("/search", params={"q": "organized crime"})
    assert page.status_code == 400 and TOO_EXPENSIVE in page.text
    # The statement page opened with such a search shows the statement, unmarked, and says why.
    statement = client.get("/statements/S-PRST-2023-6", params={"q": "organized crime"})
    assert statement.status_code == 200
    assert "is not marked in the text" in statement.text and TOO_EXPENSIVE in statement.text
    assert "<mark>" not in statement.text


def test_the_budget_interrupts_sql_that_would_run_for_ever() -> None:
    """The progress handler stops a statement inside SQLite, not between two of them."""
    conn = sqlite3.connect(":memory:")
    endless = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT max(x) FROM n"
    budget = Budget(seconds=0.05)
    with pytest.raises(SearchRefused) as refused, budget.watching(conn):
        conn.execute(endless).fetchone()
    assert refused.value.reason.startswith(TOO_EXPENSIVE)
    assert 0.05 <= refused.value.cost < 1.0
    assert conn.execute("SELECT 1").fetchone() == (1,)  # the handler is gone with the watch


@pytest.mark.sqlite_only  # FTS5's budget and prefixes
def test_ordinary_searches_report_their_cost(client: TestClient) -> None:
    r = client.get("/api/search", params={"q": "organized crime"})
    assert r.status_code == 200 and 0 < cost_ms(r) < 1000


def test_a_query_with_nothing_to_search_finds_nothing_and_says_why(client: TestClient) -> None:
    """Schema-valid, so not a 400 (Schemathesis found `q=±` refused): nothing, with notes."""
    for q in ("±", "AND OR", "   "):
        r = client.get("/api/search", params={"q": q})
        assert r.status_code == 200, q
        body = r.json()
        assert body["results"] == [] and body["total_paragraphs"] == 0
        assert body["notes"], q


@pytest.mark.sqlite_only  # FTS5's budget and prefixes
def test_the_help_page_states_the_limits(client: TestClient) -> None:
    page = client.get("/search/help").text
    assert f"up to {MAX_TERMS} words or phrases to find and {MAX_EXCLUDED} to exclude" in page
    assert f"{budgets.SECONDS} seconds of the server’s time" in page
