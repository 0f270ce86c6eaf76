"""Pages that would be dead ends say where to go next: a statement the archive lacks, a
catalogue entry without its text, a year range typed backwards, a page past the last one."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.store.catalogue import import_catalogue
from tests.html import parse_html as parse


def test_a_missing_statement_points_to_the_un_copy_and_to_citing_paragraphs(
    client: TestClient,
) -> None:
    r = client.get("/statements/S-PRST-2017-14")
    assert r.status_code == 404
    links = {a.attrs["href"] for a in parse(r.text).select(tag="a")}
    assert "https://undocs.org/S/PRST/2017/14" in links
    assert "/search?q=S/PRST/2017/14" in links


def test_only_an_id_shaped_like_a_symbol_gets_the_un_link(client: TestClient) -> None:
    for url in ["/statements/nope", "/statements/S-%22%3E%3Cx", "/meetings/1"]:
        r = client.get(url)
        assert r.status_code == 404, url
        assert "undocs.org" not in r.text, url


def test_catalogue_entries_without_text_link_to_the_un_copy(
    client: TestClient, engine: Engine, tmp_path: Path
) -> None:
    catalogue = tmp_path / "catalogue.csv"
    catalogue.write_text(
        "symbol,year,date,meeting_record,topic\n"
        "S/PRST/2012/15,2012,2012-04-19,S/PV.6758,The situation in Guinea-Bissau\n",
        encoding="utf-8",
    )
    import_catalogue(engine, catalogue)
    page = parse(client.get("/statements?year=2012").text)
    missing = page.by_id("missing")
    assert missing is not None
    links = {a.attrs["href"]: a.text for a in page.select(tag="a")}
    assert links.get("https://undocs.org/S/PRST/2012/15") == "S/PRST/2012/15"


def test_a_backwards_year_range_is_named_and_offered_the_right_way_round(
    client: TestClient,
) -> None:
    r = client.get("/search", params={"q": "terrorism", "year_from": 2023, "year_to": 2012})
    assert r.status_code == 200
    assert "The years run backwards" in r.text
    links = {a.attrs["href"] for a in parse(r.text).select(tag="a")}
    assert "/search?q=terrorism&year_from=2012&year_to=2023" in links


def test_a_search_page_past_the_last_one_says_so(client: TestClient) -> None:
    r = client.get("/search", params={"q": "terrorism", "page": 50})
    assert r.status_code == 200
    assert "There is no page 50" in r.text
    assert "/search?q=terrorism&amp;page=1" not in r.text  # page 1 is the bare URL
    assert 'href="/search?q=terrorism">Go to page 1</a>' in r.text


def test_search_help_examples_are_true(client: TestClient) -> None:
    text = client.get("/search/help").text
    assert "organs" not in text  # "organi*" cannot find "organs"


def test_the_footer_api_link_leads_to_a_page_that_works_offline(client: TestClient) -> None:
    home = parse(client.get("/").text)
    footer = home.select(tag="footer")[0]
    api = next(a.attrs["href"] for a in footer.select(tag="a") if a.text == "API")
    assert api == "/about#api"  # /docs needs Swagger UI from a CDN; this page needs nothing
    about = parse(client.get("/about").text)
    assert about.by_id("api") is not None
    examples = [
        a.attrs["href"] for a in about.select(tag="a") if a.attrs["href"].startswith("/api/")
    ]
    assert len(examples) >= 3
    for href in examples:
        r = client.get(href)
        assert r.status_code == 200, href
        assert r.headers["content-type"].startswith("application/json"), href
