"""The page cache and HTTP validators: pages are kept per database version, never served stale
after an ingest; ETags, 304s and HEAD work from the cache as they do without it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from app.ingest.pipeline import ingest
from app.parse.citations import find_citations
from app.store.sqlite.version import DataVersion
from app.web.app import create_app
from app.web.pagecache import CachedPage, PageCache
from app.web.templating import may_cite
from bench.generate_corpus import generate
from tests.conftest import SEED_2012, SEEDS_DIR
from tests.html import parse_html

PAGE = "/statements/S-PRST-2012-16"


@pytest.fixture
def seed_folder(tmp_path: Path, engine: Engine) -> Path:
    """The seeds, copied where a test may edit them, and ingested."""
    folder = tmp_path / "in"
    shutil.copytree(SEEDS_DIR, folder)
    ingest(engine, [folder])
    return folder


def pages(client: TestClient) -> PageCache:
    cache = client.app.state.pages  # type: ignore[attr-defined]
    assert isinstance(cache, PageCache)
    return cache


def test_a_repeated_request_is_answered_from_the_cache(client: TestClient) -> None:
    first = client.get(PAGE)
    hits = pages(client).hits
    again = client.get(PAGE)
    assert pages(client).hits == hits + 1
    assert again.content == first.content
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["content-security-policy"] == first.headers["content-security-policy"]
    assert again.headers["cache-control"].startswith("public")
    head = client.head(PAGE)
    assert pages(client).hits == hits + 2
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == first.headers["etag"]


def test_compressed_and_plain_answers_are_kept_apart(client: TestClient) -> None:
    gzipped = client.get(PAGE)
    plain = client.get(PAGE, headers={"Accept-Encoding": "identity"})
    assert gzipped.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    assert plain.text == gzipped.text
    assert plain.headers["etag"] != gzipped.headers["etag"]  # two representations
    assert client.get(PAGE, headers={"Accept-Encoding": "identity"}).content == plain.content


def test_a_page_naming_its_own_url_names_the_archive_whatever_the_host(
    client: TestClient,
) -> None:
    """Its own URL comes from the archive's configured address, so a page cached for one Host
    header is right for every other."""
    path = f"{PAGE}/paragraphs/9"
    one = client.get(path, headers={"Host": "one.example"})
    two = client.get(path, headers={"Host": "two.example"})
    canonical = 'href="http://127.0.0.1:8000/statements/S-PRST-2012-16/paragraphs/9"'
    assert canonical in one.text and canonical in two.text
    assert "one.example" not in two.text and "two.example" not in one.text


def test_a_cached_page_is_not_served_stale_after_an_ingest(
    db_path: Path, engine: Engine, seed_folder: Path
) -> None:
    with TestClient(create_app(db_path)) as client:
        before = client.get(PAGE)
        assert "Paris Pact Initiative" in before.text
        assert client.get(PAGE).headers["etag"] == before.headers["etag"]
        browse = client.get("/statements")
        assert client.get("/api/statements").json()["total"] == 2

        # `archive ingest` commits through another connection while the app serves.
        path = seed_folder / SEED_2012.name
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("Paris Pact Initiative", "Paris Pact"), encoding="utf-8")
        generate(seed_folder / "more", 1, seed=5)
        ingest(engine, [seed_folder])

        after = client.get(PAGE)
        assert "Paris Pact Initiative" not in after.text and "Paris Pact" in after.text
        assert after.headers["etag"] != before.headers["etag"]
        revalidated = client.get(PAGE, headers={"If-None-Match": before.headers["etag"]})
        assert revalidated.status_code == 200 and revalidated.text == after.text
        assert client.get("/statements").text != browse.text
        assert client.get("/api/statements").json()["total"] == 3


def test_304_for_a_matching_etag_cached_or_not(client: TestClient) -> None:
    for path in (PAGE, "/search?q=piracy"):
        etag = client.get(path).headers["etag"]
        for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
            r = client.get(path, headers={"If-None-Match": header})
            assert r.status_code == 304 and r.content == b"", (path, header)
            assert r.headers["etag"] == etag
            assert r.headers["x-content-type-options"] == "nosniff"
        assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200


def test_errors_and_redirects_are_not_cached(client: TestClient) -> None:
    assert client.get("/statements/nope").status_code == 404
    assert client.get("/statements/nope").status_code == 404
    assert len(pages(client)) == 0
    assert "etag" not in client.get("/statements/nope").headers


@pytest.mark.sqlite_only  # the SQLite file's download and PRAGMA data_version
def test_head_of_a_download_sends_headers_only(client: TestClient) -> None:
    for path in ("/data/statements.jsonl", "/data/archive.sqlite"):
        r = client.head(path)
        assert r.status_code == 200 and r.content == b"", path
        assert r.headers["cache-control"].startswith("public")
        assert r.headers["x-frame-options"] == "DENY"


def test_the_page_cache_can_be_turned_off(seeded_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCHIVE_PAGE_CACHE_MB", "0")
    with TestClient(create_app(seeded_db)) as client:
        first = client.get(PAGE)
        assert client.get(PAGE).headers["etag"] == first.headers["etag"]
        assert pages(client).hits == 0 and len(pages(client)) == 0


def _page(size: int) -> CachedPage:
    return CachedPage(200, (), b"x" * size, False, b'"e"')


def test_the_cache_drops_the_least_recently_used_pages_beyond_its_size(tmp_path: Path) -> None:
    cache = PageCache(DataVersion(tmp_path / "none.db"), max_bytes=8000)
    for n in range(10):
        cache.put(("p", n), 1, _page(700))
        cache.get(("p", 0), 1)  # keep the first one in use
    assert len(cache) < 10
    assert cache.get(("p", 0), 1) is not None and cache.get(("p", 9), 1) is not None
    assert cache.get(("p", 1), 1) is None
    cache.put(("huge",), 1, _page(5000))  # more than an eighth of the cache: not kept
    assert cache.get(("huge",), 1) is None


def test_the_cache_keeps_pages_of_one_database_version_only(tmp_path: Path) -> None:
    cache = PageCache(DataVersion(tmp_path / "none.db"), max_bytes=100_000)
    cache.put(("a",), 1, _page(10))
    assert cache.get(("a",), 1) is not None
    assert cache.get(("a",), 2) is None  # the database moved on: everything is forgotten
    cache.put(("b",), 1, _page(10))  # built from the old version while the new one was seen
    assert cache.get(("b",), 2) is None
    assert cache.get(("a",), 1) is None


@pytest.mark.sqlite_only  # the SQLite file's download and PRAGMA data_version
def test_data_version_changes_when_another_connection_commits(
    seeded_db: Path, engine: Engine
) -> None:
    version = DataVersion(seeded_db)
    first = version.current()
    assert first is not None and version.current() == first
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE statement SET title = title || '.'")
    second = version.current()
    assert second != first
    version.close()  # a new connection starts counting again: its numbers are new ones
    assert version.current() not in (first, second)
    assert DataVersion(seeded_db.parent / "missing.db").current() is None


WORDS = [
    *("resolution", "Resolutions", "reſolution", "RESOLUTİON", "resolutıon", "1373", "(2001)"),
    *("convention", "Convention", "CONVENTİON", "Conventıon", "on", "the", "Rights", "of"),
    *("Geneva", "Conventions", "Child", "S/PRST/2012/16", "A/RES/60/288", "General", "Assembly"),
    *("and", "recalls", "its", ",", "Council"),
]


@given(st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join))
@example("recalls its reſolution 1373 (2001)")  # case-insensitive patterns match these letters
@example("RESOLUTİON 1373 (2001)")
@example("the Conventıon on the Rights of the Child")
def test_text_that_may_not_cite_has_no_citations(text: str) -> None:
    if not may_cite(text):
        assert find_citations(text) == []


def test_seed_paragraphs_that_may_not_cite_have_no_citations() -> None:
    lines = [line for path in SEEDS_DIR.glob("*.txt") for line in path.read_text().splitlines()]
    skipped = [line for line in lines if not may_cite(line)]
    assert skipped and all(find_citations(line) == [] for line in skipped)
    assert any(find_citations(line) for line in lines if may_cite(line))


def test_archive_wide_figures_are_worked_out_once_per_database_version(tmp_path: Path) -> None:
    cache = PageCache(DataVersion(tmp_path / "none.db"), max_bytes=0)  # even with no pages
    calls: list[int] = []

    def count() -> int:
        calls.append(1)
        return len(calls)

    assert cache.remember("statements", 1, count) == 1
    assert cache.remember("statements", 1, count) == 1
    assert cache.remember("statements", 2, count) == 2
    assert cache.remember("statements", 1, count) == 3  # never an answer from another version


def test_each_request_is_logged_once_cached_or_not(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="archive.http")
    client.get(PAGE)
    client.get(PAGE)
    client.head("/statements/nope")
    lines = [r.getMessage() for r in caplog.records if r.name == "archive.http"]
    assert len(lines) == 3
    assert lines[0].startswith(f"GET {PAGE} 200 ") and lines[0].endswith("ms")
    assert lines[1].startswith(f"GET {PAGE} 200 ")
    assert lines[2].startswith("HEAD /statements/nope 404 ")


def test_the_api_docs_load_their_scripts_from_the_archive_itself(client: TestClient) -> None:
    docs = client.get("/docs")
    policy = docs.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "https:" not in policy  # no CDN, no inline code
    scripts = [s.attrs["src"] for s in parse_html(docs.text).select(tag="script")]
    assert scripts == ["/static/swagger-ui/swagger-ui-bundle.js", "/static/docs.js"]
    for src in scripts:
        assert client.get(src).status_code == 200, src
    assert "unsafe-inline" not in client.get(PAGE).headers["content-security-policy"]
