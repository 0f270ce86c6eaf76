"""A search's facets, exports and pages, on a synthetic archive of 150 statements under 12
agenda items over 31 years, ingested in two runs (so paragraph ids do not follow dates):

- facet counts are the counts of the search narrowed to that facet (exact; estimated ones say
  so and share out the estimated total);
- an export holds exactly the matches the paged API lists, in its order, and says when cut;
- cursors page as offsets do, to any depth; lists carry Link headers and JSON ETags;
- every 4xx of the API is one shape, as the OpenAPI document says;
- the sitemap lists every statement (through an index past its file size).
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.ingest.pipeline import ingest
from app.search.fts5 import engine as fts5
from app.store.engine import make_engine, migrate
from app.web.app import create_app
from app.web.paging import Cursor
from app.web.routes import crawlers, exports
from app.web.routes import search as search_routes
from bench.generate_corpus import generate
from tests.html import parse_html, words

BASE = "http://127.0.0.1:8000"
QUERIES = ["terrorism", '"organized crime"', "sovereign*", "piracy OR smuggling"]
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synthetic")
    db = folder / "archive.db"
    migrate(db)
    generate(folder / "first", 100, seed=1)
    generate(folder / "later", 50, seed=2, first=100)  # older dates after newer ids
    engine = make_engine(db)
    for run in ("first", "later"):
        assert not ingest(engine, [folder / run]).failed
    engine.dispose()
    return db


@pytest.fixture
def api(archive: Path) -> Iterator[TestClient]:
    fts5.clear_caches()
    with TestClient(create_app(archive)) as client:
        yield client
    fts5.clear_caches()


def search(client: TestClient, q: str, **params: object) -> dict:
    r = client.get("/api/search", params={"q": q, **params})
    assert r.status_code == 200, r.text
    return r.json()


def links(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """rel → path (on the public address) of a Link header."""
    found = re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers.get("link", ""))
    return {rel: url.removeprefix(BASE) for url, rel in found}


def follow(client: TestClient, path: str) -> Iterator[dict]:
    """Every page of a list, by its Link headers' next."""
    while path:
        r = client.get(path)
        assert r.status_code == 200, r.text
        yield r.json()
        path = links(r).get("next", "")


def hits(body: dict) -> list[tuple[str, int]]:
    return [(h["statement"]["id"], h["paragraph"]) for h in body["results"]]


# --- facets -----------------------------------------------------------------------------------


@pytest.mark.parametrize("q", QUERIES)
def test_facet_counts_are_the_counts_of_the_narrowed_search(api: TestClient, q: str) -> None:
    body = search(api, q)
    assert body["agenda_items"] and not body["estimated_agenda_items"]
    assert len(body["agenda_items"]) > 1
    for item, n in body["agenda_items"].items():
        assert search(api, q, agenda=item)["total_statements"] == n, item
    for year, n in body["years"].items():
        assert search(api, q, year_from=year, year_to=year)["total_statements"] == n, year
    # Every statement found is under one item, and the counts run from most to fewest.
    assert sum(body["agenda_items"].values()) == body["total_statements"]
    counts = list(body["agenda_items"].values())
    assert counts == sorted(counts, reverse=True)


def test_facets_within_filters_count_within_them(api: TestClient) -> None:
    body = search(api, "terrorism", year_from=2000, year_to=2009)
    for item, n in body["agenda_items"].items():
        narrowed = search(api, "terrorism", year_from=2000, year_to=2009, agenda=item)
        assert narrowed["total_statements"] == n
    item = next(iter(body["agenda_items"]))
    assert search(api, "terrorism", agenda=item)["agenda_items"] == {
        item: search(api, "terrorism", agenda=item)["total_statements"]
    }


def test_estimated_facets_say_so_and_share_the_estimate(
    api: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fts5, "SAMPLE", 3)
    monkeypatch.setattr(fts5, "MIN_SAMPLE", 3)
    fts5.clear_caches()
    body = search(api, "the")
    assert body["capped"] and body["estimated_agenda_items"]
    assert set(body["estimated_agenda_items"]) <= set(body["agenda_items"])
    # Shares of the estimated total (each item's count rounded).
    total = sum(body["agenda_items"].values())
    assert abs(total - body["total_statements"]) <= len(body["agenda_items"]) / 2
    page = parse_html(api.get("/search", params={"q": "the"}).text)
    [facets] = page.select(tag="section", cls="query-facets")
    assert "about " in words(str(facets.text))


def test_the_page_links_each_facet_to_its_narrowed_search(api: TestClient) -> None:
    q = '"organized crime"'
    body = search(api, q)
    page = parse_html(api.get("/search", params={"q": q, "sort": "newest", "page": 2}).text)
    [facets] = page.select(tag="section", cls="query-facets")
    items = [li for ul in facets.select(tag="ul") for li in ul.select(tag="li")]
    assert len(items) == len(body["agenda_items"]) + len(body["years"])
    for li in items:
        [link] = li.select(tag="a")
        label, href = link.text, link.attrs["href"]
        count = int(li.select(tag="span", cls="count")[0].text.split()[0].replace(",", ""))
        assert "page=" not in href and "sort=newest" in href  # from the first page, same sort
        narrowed = words(api.get(href).text)
        assert re.search(rf"\b{count:,} statements? match", narrowed), (label, href)
        assert count == body["agenda_items"].get(label) or count == body["years"].get(label)
    # Narrowed, the page names the facet chosen and offers to widen again.
    item = next(iter(body["agenda_items"]))
    narrowed = parse_html(api.get("/search", params={"q": q, "agenda": item}).text)
    [facets] = narrowed.select(tag="section", cls="query-facets")
    assert [e.text for e in facets.select(tag="strong")] == [item]
    assert "Any agenda item" in words(str(facets.text))


# --- exports ----------------------------------------------------------------------------------


def paged(client: TestClient, q: str, sort: str, **params: object) -> list[tuple[str, int]]:
    """Every match as the paged API lists it, following its Link headers."""
    query = "&".join(f"{k}={v}" for k, v in {"sort": sort, "limit": 100, **params}.items())
    found = []
    for body in follow(client, f"/api/search?q={q}&{query}"):
        found += hits(body)
    return found


def export_csv(client: TestClient, **params: object) -> tuple[list[dict[str, str]], object]:
    r = client.get("/api/search.csv", params=params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(r.text))), r


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_an_export_holds_the_paged_apis_matches_in_its_order(api: TestClient, sort: str) -> None:
    rows, r = export_csv(api, q="terrorism", sort=sort)
    assert [(row["statement"], int(row["paragraph"])) for row in rows] == paged(
        api, "terrorism", sort
    )
    assert len(rows) > 500
    assert "x-export-truncated" not in r.headers  # type: ignore[attr-defined]
    assert list(rows[0]) == exports.COLUMNS
    assert {"symbol", "date", "meeting", "agenda_item", "paragraph", "url", "text"} < set(rows[0])
    jsonl = api.get("/api/search.jsonl", params={"q": "terrorism", "sort": sort})
    assert jsonl.headers["content-type"].startswith("application/x-ndjson")
    records = [json.loads(line) for line in jsonl.text.splitlines()]
    assert [(x["statement"], x["paragraph"]) for x in records] == [
        (row["statement"], int(row["paragraph"])) for row in rows
    ]
    assert records[0]["meeting"] == int(rows[0]["meeting"])


def test_export_rows_say_what_the_statement_pages_say(api: TestClient) -> None:
    rows, _ = export_csv(api, q="piracy", agenda="Peace and security in Africa")
    assert rows
    for row in rows[:40]:
        statement = api.get(f"/api/statements/{row['statement']}").json()
        paragraph = statement["paragraphs"][int(row["paragraph"]) - 1]
        assert row["text"] == paragraph["text"]
        assert row["url"] == f"{BASE}{paragraph['url']}"
        assert (row["symbol"], row["date"]) == (statement["symbol"] or "", statement["date"])
        assert row["agenda_item"] == statement["agenda_item"] == "Peace and security in Africa"
        assert row["meeting"] == str(statement["meeting"] or "")


def test_an_export_past_its_limit_is_cut_says_so_and_links_the_rest(
    api: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole, _ = export_csv(api, q="terrorism")
    monkeypatch.setattr(search_routes, "EXPORT_LIMIT", 300)
    parts, path = [], "/api/search.csv?q=terrorism"
    while path:
        r = api.get(path)
        rows = list(csv.DictReader(io.StringIO(r.text)))
        parts.append(rows)
        path = links(r).get("next", "")
        cut = r.headers.get("x-export-truncated") == "true"
        assert cut == bool(path)
        assert ("first-300" in r.headers["content-disposition"]) == cut
        assert r.headers["x-export-limit"] == "300"
    assert [len(p) for p in parts[:-1]] == [300] * (len(parts) - 1) and len(parts) > 2
    assert [row for part in parts for row in part] == whole
    # The page says a download would be cut, and where to find the rest.
    page = words(api.get("/search", params={"q": "terrorism"}).text)
    assert "A download holds at most 300 matches, newest first: these are more" in page


def test_exports_refuse_what_they_cannot_answer(api: TestClient) -> None:
    for params, status in [
        ({"q": "!!!"}, 400),
        ({"q": "terrorism", "sort": "relevance"}, 422),
        ({"q": "terrorism", "cursor": "not-a-cursor"}, 400),
        ({}, 422),
    ]:
        r = api.get("/api/search.csv", params=params)
        assert r.status_code == status, (params, r.text)
        body = r.json()
        assert body["status"] == status and body["detail"]


def test_the_results_page_links_its_downloads_and_feed(api: TestClient) -> None:
    page = parse_html(api.get("/search", params={"q": "terrorism", "year_to": 2000}).text)
    [keep] = page.select(tag="p", cls="keep-search")
    hrefs = [a.attrs["href"] for a in keep.select(tag="a")]
    assert hrefs == [
        "/search.atom?q=terrorism&year_to=2000",
        "/api/search.csv?q=terrorism&year_to=2000&sort=newest",
        "/api/search.jsonl?q=terrorism&year_to=2000&sort=newest",
    ]
    for href in hrefs:
        assert api.get(href).status_code == 200


# --- paging, ETags, errors ----------------------------------------------------------------------


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_search_cursors_page_as_offsets_do(api: TestClient, sort: str) -> None:
    by_offset = []
    for offset in range(0, 1000, 7):
        page = hits(search(api, "smuggling", sort=sort, limit=7, offset=offset))
        if not page:
            break
        by_offset += page
    assert len(by_offset) > 50
    assert paged(api, "smuggling", sort, limit=7) == by_offset


def test_a_cursor_page_links_back_and_to_the_first(api: TestClient) -> None:
    first = api.get("/api/search", params={"q": "terrorism", "sort": "newest", "limit": 10})
    assert set(links(first)) == {"next", "first"}
    second = api.get(links(first)["next"])
    assert set(links(second)) == {"next", "prev", "first"}
    assert hits(api.get(links(second)["prev"]).json()) == hits(first.json())
    assert links(second)["first"] == "/api/search?q=terrorism&sort=newest&limit=10"
    relevance = api.get("/api/search", params={"q": "terrorism", "limit": 10})
    assert "offset=10" in links(relevance)["next"]  # relevance pages by offset


def test_cursors_that_cannot_be_followed_are_refused_in_words(api: TestClient) -> None:
    gone = Cursor("S-PRST-1900-1", 3, 20).encode()
    for params in [
        {"sort": "newest", "cursor": gone},
        {"sort": "newest", "cursor": "%%%"},
        {"sort": "relevance", "cursor": Cursor("S-PRST-2001-1", 1, 1).encode()},
    ]:
        r = api.get("/api/search", params={"q": "terrorism", **params})
        assert r.status_code == 400 and r.json()["detail"], params


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_the_statement_list_pages_by_cursor(api: TestClient, sort: str) -> None:
    by_cursor = []
    for body in follow(api, f"/api/statements?limit=40&sort={sort}"):
        by_cursor += [s["id"] for s in body["items"]]
    all_at_once = [
        s["id"] for s in api.get(f"/api/statements?limit=500&sort={sort}").json()["items"]
    ]
    assert by_cursor == all_at_once and len(all_at_once) == 150
    second = api.get("/api/statements", params={"limit": 40, "offset": 40})
    assert links(second)["prev"] == "/api/statements?limit=40&offset=0"


def test_json_answers_carry_etags_and_revalidate(api: TestClient) -> None:
    some = api.get("/api/statements?limit=1").json()["items"][0]["id"]
    for path in ["/api/statements?limit=5", "/api/search?q=terrorism", f"/api/statements/{some}"]:
        r = api.get(path)
        assert r.status_code == 200 and r.headers["etag"], path
        again = api.get(path, headers={"If-None-Match": r.headers["etag"]})
        assert again.status_code == 304 and again.content == b"", path


def test_every_api_error_is_one_shape(api: TestClient) -> None:
    answers = [
        api.get("/api/statements/S-PRST-1900-1"),
        api.get("/api/no-such-thing"),
        api.post("/api/statements"),
        api.get("/api/statements", params={"limit": 0}),
        api.get("/api/search", params={"q": "terrorism", "cursor": "x"}),
        api.get("/statements/S-PRST-1900-1/citation.ris"),
        api.get("/sitemaps/statements-99.xml"),
        api.post("/api/draft", json={"text": "   "}),
    ]
    assert [r.status_code for r in answers] == [404, 404, 405, 422, 400, 404, 404, 400]
    for r in answers:
        body = r.json()
        assert set(body) == {"status", "detail", "problems"} and body["status"] == r.status_code
        assert isinstance(body["detail"], str) and body["detail"]
    assert answers[3].json()["problems"] == ["limit: Input should be greater than or equal to 1"]
    assert "GET" in answers[2].headers["allow"]


def test_the_openapi_document_gives_every_api_error_that_shape(api: TestClient) -> None:
    schema = api.get("/openapi.json").json()
    assert set(schema["components"]["schemas"]["Problem"]["properties"]) == {
        "status",
        "detail",
        "problems",
    }
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    checked = 0
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            for status, answer in operation["responses"].items():
                if status[0] != "4":
                    continue
                [media] = answer["content"]
                if path.startswith("/api/"):
                    ref = answer["content"][media]["schema"]["$ref"]
                    assert ref == "#/components/schemas/Problem", (path, status)
                    checked += 1
    assert checked > 10
    search = schema["paths"]["/api/search"]["get"]
    assert "Link" in search["responses"]["200"]["headers"]
    assert {p["name"] for p in search["parameters"]} >= {"cursor", "offset", "limit"}


# --- crawlers ---------------------------------------------------------------------------------


def locations(xml: bytes) -> dict[str, str | None]:
    root = ET.fromstring(xml)
    return {
        url.findtext(f"{SITEMAP}loc") or "": url.findtext(f"{SITEMAP}lastmod")
        for url in root.iter(f"{SITEMAP}url")
    }


def test_the_sitemap_lists_every_statement_with_its_last_change(api: TestClient) -> None:
    r = api.get("/sitemap.xml")
    assert r.headers["content-type"].startswith("application/xml")
    found = locations(r.content)
    ids = [s["id"] for s in api.get("/api/statements?limit=500").json()["items"]]
    statements = {u: m for u, m in found.items() if "/statements/" in u}
    assert set(statements) == {f"{BASE}/statements/{i}" for i in ids}
    assert all(
        re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", m or "") for m in statements.values()
    )
    assert f"{BASE}/" in found and f"{BASE}/agenda" in found


def test_a_large_sitemap_becomes_an_index_of_files(
    api: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(crawlers, "PER_FILE", 40)
    root = ET.fromstring(api.get("/sitemap.xml").content)
    assert root.tag == f"{SITEMAP}sitemapindex"
    files = [e.text or "" for e in root.iter(f"{SITEMAP}loc")]
    assert files == [f"{BASE}/sitemaps/pages.xml"] + [
        f"{BASE}/sitemaps/statements-{k}.xml" for k in (1, 2, 3, 4)
    ]
    listed: list[str] = []
    for url in files:
        found = locations(api.get(url.removeprefix(BASE)).content)
        assert len(found) <= 40
        listed += found
    assert len([u for u in listed if "/statements/" in u]) == 150 == len(set(listed)) - 6


def test_robots_txt_points_to_the_sitemap_and_spares_search(api: TestClient) -> None:
    text = api.get("/robots.txt").text
    assert f"Sitemap: {BASE}/sitemap.xml" in text.splitlines()
    for rule in ("Disallow: /search", "Allow: /search/help", "Disallow: /api/", "Disallow: /data/"):
        assert rule in text.splitlines()


# --- on real statements -----------------------------------------------------------------------


@pytest.mark.corpus
def test_on_the_corpus_facets_exports_and_sitemap_agree_with_search(
    corpus_dir: Path, db_path: Path
) -> None:
    engine = make_engine(db_path)
    assert not ingest(engine, [corpus_dir]).failed
    engine.dispose()
    fts5.clear_caches()
    with TestClient(create_app(db_path)) as client:
        for q in ["humanitarian", '"international peace and security"', "terror*"]:
            body = search(client, q)
            assert len(body["agenda_items"]) > 3, q
            for item, n in body["agenda_items"].items():
                assert search(client, q, agenda=item)["total_statements"] == n, (q, item)
            for year, n in body["years"].items():
                narrowed = search(client, q, year_from=year, year_to=year)
                assert narrowed["total_statements"] == n, (q, year)
        rows, _ = export_csv(client, q="humanitarian", sort="oldest")
        assert [(r["statement"], int(r["paragraph"])) for r in rows] == paged(
            client, "humanitarian", "oldest"
        )
        listed = locations(client.get("/sitemap.xml").content)
        total = client.get("/api/statements?limit=1").json()["total"]
        assert len([u for u in listed if "/statements/" in u]) == total > 100
