"""What the search box and the addresses do with what they cannot simply open: a statement
known only from the catalogue, an older symbol, a paragraph a statement lacks, a page past the
last, a value that is not a year. Each answers with a page that says what happened and where
to go, keeping what the reader typed."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.search.query import parse_query
from app.store.catalogue import import_catalogue
from tests.html import parse_html, words

CATALOGUE = (
    "symbol,year,date,meeting_record,topic\n"
    "S/PRST/2013/2,2013,2013-02-12,S/PV.6917,Protection of civilians in armed conflict\n"
    "S/20554 (PRST),1989,1989-03-31,S/PV.2851,The situation in the Middle East\n"
)


@pytest.fixture
def catalogued(client: TestClient, engine: Engine, tmp_path: Path) -> TestClient:
    path = tmp_path / "catalogue.csv"
    path.write_text(CATALOGUE, encoding="utf-8")
    import_catalogue(engine, path)
    return client


@pytest.mark.parametrize(
    ("typed", "symbol", "paragraph"),
    [
        ("S/20554", "S/20554", None),
        ("s/20554 (PRST)", "S/20554", None),
        ("S/20554, para. 2", "S/20554", 2),
        ("S/PRST/2013/2", "S/PRST/2013/2", None),
        ("S/2012/33", None, None),  # a report, not a statement: searched as words
    ],
)
def test_older_and_newer_symbols_are_recognised(
    typed: str, symbol: str | None, paragraph: int | None
) -> None:
    query = parse_query(typed)
    assert (query.symbol, query.paragraph) == (symbol, paragraph)


@pytest.mark.parametrize(
    ("typed", "location"),
    [("S/PRST/2013/2", "/statements/S-PRST-2013-2"), ("S/20554", "/statements/S-20554")],
)
def test_a_catalogued_symbol_without_text_opens_what_the_archive_knows(
    catalogued: TestClient, typed: str, location: str
) -> None:
    r = catalogued.get("/search", params={"q": typed}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == location


def test_the_catalogue_page_gives_date_topic_and_the_official_copy(
    catalogued: TestClient,
) -> None:
    r = catalogued.get("/statements/S-PRST-2013-2")
    assert r.status_code == 200
    page = parse_html(r.text)
    h1 = " ".join(page.select(tag="h1")[0].text.split())
    assert h1 == "S/PRST/2013/2: Protection of civilians in armed conflict"
    text = words(r.text)
    assert "12 February 2013" in text and "not in the archive" in text
    links = {a.attrs["href"] for a in page.select(tag="a")}
    assert "https://undocs.org/S/PRST/2013/2" in links
    assert "https://digitallibrary.un.org/search?p=S/PRST/2013/2" in links
    assert "https://undocs.org/S/PV.6917" in links
    # Searching for the paragraphs that cite it searches, rather than coming back here.
    cite = next(h for h in links if h.startswith("/search?q="))
    assert catalogued.get(cite, follow_redirects=False).status_code == 200


def searched(client: TestClient, q: str) -> tuple[str, set[str]]:
    """The search page for `q` (not a redirect): its words and its links."""
    r = client.get("/search", params={"q": q}, follow_redirects=False)
    assert r.status_code == 200
    return words(r.text), {a.attrs["href"] for a in parse_html(r.text).select(tag="a")}


def test_a_symbol_neither_held_nor_catalogued_says_so(client: TestClient) -> None:
    text, links = searched(client, "S/PRST/2013/99")
    assert "S/PRST/2013/99 is not in the archive, nor in its catalogue" in text
    assert "https://undocs.org/S/PRST/2013/99" in links


def test_a_paragraph_the_statement_lacks_is_named(client: TestClient) -> None:
    text, links = searched(client, "S/PRST/2023/6, para. 99")
    assert "S/PRST/2023/6 has 17 paragraphs: there is no paragraph 99." in text
    assert {"/statements/S-PRST-2023-6", "/statements/S-PRST-2023-6#p17"} <= links
    assert "No paragraph matches" not in text


def test_a_missing_paragraph_page_says_how_many_there_are(client: TestClient) -> None:
    r = client.get("/statements/S-PRST-2012-16/paragraphs/99")
    assert r.status_code == 404
    assert "S/PRST/2012/16 has no paragraph 99: it has 11." in words(r.text)


def test_a_page_past_the_last_links_the_last_and_never_says_page_n_of_fewer(
    client: TestClient,
) -> None:
    r = client.get("/search", params={"q": "terrorism", "page": 999})
    assert r.status_code == 200
    text = words(r.text)
    assert "There is no page 999: the results end on page 1." in text
    assert "Page 999 of" not in text
    pagination = parse_html(r.text).select(cls="pagination")
    assert pagination and pagination[0].select(tag="a")[0].attrs["href"] == "/search?q=terrorism"


@pytest.mark.parametrize(
    ("params", "problem", "retry"),
    [
        (
            {"q": '"sexual violence"', "year_from": "abc", "year_to": "2020"},
            "From year: “abc” is not a whole number.",
            "/search?q=%22sexual+violence%22&year_to=2020",
        ),
        (
            {"q": "terrorism", "year_to": "3000"},
            "To year: “3000” is above 2100, the highest it can be.",
            "/search?q=terrorism",
        ),
        ({"year": "abc"}, "Year: “abc” is not a whole number.", "/statements?"),
    ],
)
def test_a_value_that_cannot_be_used_is_explained_and_the_query_kept(
    client: TestClient, params: dict[str, str], problem: str, retry: str
) -> None:
    path = "/statements" if "year" in params else "/search"
    r = client.get(path, params=params)
    assert r.status_code == 422
    page = parse_html(r.text)
    assert problem in [" ".join(li.text.split()) for li in page.select(tag="li")]
    assert retry in {a.attrs["href"] for a in page.select(tag="a")}
    box = page.by_id("q")
    assert box is not None and box.attrs["value"] == params.get("q", "")


def test_what_was_typed_is_never_rendered_as_markup(client: TestClient) -> None:
    r = client.get("/search", params={"q": "<b>x</b>", "year_from": "<script>"})
    assert r.status_code == 422
    assert "<script>" not in r.text and "<b>x</b>" not in r.text
    assert "&lt;script&gt;" in r.text
