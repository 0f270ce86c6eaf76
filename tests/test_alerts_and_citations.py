"""Alerts as Atom feeds and citations for reference managers, read by real parsers: feedparser
and a strict XML parser for the feeds, rispy, bibtexparser and citeproc-py for the citations,
on the seeds and on a statement whose agenda item and text are hostile."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import bibtexparser
import feedparser
import pytest
import rispy
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.ingest.pipeline import ingest
from app.web.app import create_app
from tests.conftest import seeds_altered
from tests.html import parse_html

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "http://127.0.0.1:8000"
ORGANIZED = '"organized criminal groups"'
AGENDA = "Crime & <script>alert(1)</script> ]]> {at} %sea_$"
"""Markup, an ampersand, a CDATA end, and what LaTeX and BibTeX take as syntax."""


@pytest.fixture
def hostile(db_path: Path, engine: Engine, tmp_path: Path) -> Iterator[TestClient]:
    """The seeds, the 2023 statement's agenda item made `AGENDA` and its paragraph 1 given
    markup, an ampersand and a form feed (which XML 1.0 cannot hold at all)."""
    folder = seeds_altered(
        tmp_path / "statements",
        AGENDA,
        (
            "The Security Council reaffirms its primary responsibility",
            "The Security Council <b>reaffirms</b> & \x0c its primary responsibility",
        ),
    )
    assert not ingest(engine, [folder]).failed
    with TestClient(create_app(db_path)) as client:
        yield client


def read_feed(client: TestClient, url: str, **params: str) -> feedparser.FeedParserDict:
    """A feed as a feed reader and a strict XML parser read it (either raising on a fault)."""
    r = client.get(url, params=params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/atom+xml")
    ET.fromstring(r.content)  # well-formed, or it raises
    feed = feedparser.parse(r.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


# --- feeds ------------------------------------------------------------------------------------


def test_a_search_feed_lists_the_matching_statements_newest_first(client: TestClient) -> None:
    feed = read_feed(client, "/search.atom", q=ORGANIZED)
    assert [e.title for e in feed.entries] == [
        "S/PRST/2023/6: Threats to international peace and security",
        "S/PRST/2012/16: Threats to international peace and security",
    ]
    newest = feed.entries[0]
    assert newest.id == f"{BASE}/statements/S-PRST-2023-6"
    assert newest.link == f"{BASE}/statements/S-PRST-2023-6?q=%22organized+criminal+groups%22#p6"
    assert newest.published.startswith("2023-12-07")
    # The matching paragraphs, with links to each, matched words marked.
    assert newest.summary == "3 paragraphs using it: 6, 12, 13"
    content = newest.content[0].value
    assert f'href="{BASE}/statements/S-PRST-2023-6#p12"' in content
    # Matched words marked (feed readers keep or drop <mark> as they like; the XML holds it).
    xml = ET.fromstring(client.get("/search.atom", params={"q": ORGANIZED}).content)
    html = xml.find(f"{ATOM}entry/{ATOM}content")
    assert html is not None and "<mark>organized criminal groups</mark>" in (html.text or "")
    assert feed.feed.updated.startswith("2023-12-07")
    assert feed.feed.links[0].href.startswith(f"{BASE}/search.atom?q=")


def test_a_search_feed_keeps_the_searchs_filters(client: TestClient) -> None:
    feed = read_feed(client, "/search.atom", q=ORGANIZED, year_to="2015")
    assert [e.id for e in feed.entries] == [f"{BASE}/statements/S-PRST-2012-16"]
    assert "to 2015" in feed.feed.subtitle
    page = next(link.href for link in feed.feed.links if link.rel == "alternate")
    assert page.startswith(f"{BASE}/search?") and "year_to=2015" in page
    nothing = read_feed(client, "/search.atom", q=ORGANIZED, agenda="Something else")
    assert nothing.entries == []


def test_entry_ids_are_stable_and_never_from_the_host_header(client: TestClient) -> None:
    first = read_feed(client, "/search.atom", q="terrorism")
    again = client.get(
        "/search.atom", params={"q": "terrorism"}, headers={"Host": "evil.example"}
    ).content
    assert [e.id for e in feedparser.parse(again).entries] == [e.id for e in first.entries]
    assert b"evil.example" not in again


def test_a_search_feed_of_nothing_searchable_says_so(client: TestClient) -> None:
    for q in ("", "!!!"):
        r = client.get("/search.atom", params={"q": q})
        assert r.status_code == 400
        assert r.json()["status"] == 400 and r.json()["detail"]
    r = client.get("/search.atom", params={"q": "terrorism", "year_from": "abc"})
    assert r.status_code == 422 and r.json()["problems"][0].startswith("year_from:")


def test_hostile_text_gives_valid_feeds(hostile: TestClient) -> None:
    for url, params in [
        ("/search.atom", {"q": "primary responsibility"}),
        ("/search.atom", {"q": "reaffirms", "agenda": AGENDA}),
        ("/agenda/crime-script-alert-1-script-at-sea.atom", {}),
        ("/resolutions/2482.atom", {}),
    ]:
        r = hostile.get(url, params=params)
        assert r.status_code == 200, (url, r.text)
        assert b"<script>" not in r.content and b"<b>" not in r.content
        assert read_feed(hostile, url, **params).entries, url
    feed = read_feed(hostile, "/search.atom", q="reaffirms", agenda=AGENDA)
    assert feed.entries[0].title == f"S/PRST/2023/6: {AGENDA}"
    assert AGENDA in feed.feed.subtitle
    feed = read_feed(hostile, "/search.atom", q="primary responsibility")
    text = feed.entries[0].content[0].value  # escaped once in the XML: HTML text, as sent
    assert "&lt;b&gt;reaffirms&lt;/b&gt; &amp;" in text and "\x0c" not in text


def test_a_resolution_feed_lists_the_statements_citing_it(client: TestClient) -> None:
    feed = read_feed(client, "/resolutions/2482.atom")
    assert [e.id for e in feed.entries] == [f"{BASE}/statements/S-PRST-2023-6"]
    entry = feed.entries[0]
    assert entry.summary == "Cites resolution 2482 (2019) in paragraph 4"
    assert entry.link == f"{BASE}/statements/S-PRST-2023-6#p4"
    assert "organized crime" in entry.content[0].value
    assert read_feed(client, "/resolutions/1.atom").entries == []
    assert client.get("/resolutions/0.atom").status_code == 422


def test_an_agenda_feed_lists_its_statements_newest_first(client: TestClient) -> None:
    feed = read_feed(client, "/agenda/threats-to-international-peace-and-security.atom")
    assert [e.id for e in feed.entries] == [
        f"{BASE}/statements/S-PRST-2023-6",
        f"{BASE}/statements/S-PRST-2012-16",
    ]
    assert feed.entries[0].summary.startswith("The Security Council")
    r = client.get("/agenda/no-such-item.atom")
    assert r.status_code == 404 and "no-such-item" in r.json()["detail"]


@pytest.mark.parametrize(
    ("page", "feed"),
    [
        ("/search?q=terrorism&sort=oldest&page=1", "/search.atom?q=terrorism"),
        ("/resolutions/2482", "/resolutions/2482.atom"),
        (
            "/agenda/threats-to-international-peace-and-security",
            "/agenda/threats-to-international-peace-and-security.atom",
        ),
    ],
)
def test_pages_link_their_feed_as_an_alternate(client: TestClient, page: str, feed: str) -> None:
    html = parse_html(client.get(page).text)
    alternates = [
        e.attrs["href"]
        for e in html.select(tag="link")
        if e.attrs.get("rel") == "alternate" and e.attrs.get("type") == "application/atom+xml"
    ]
    assert feed in alternates
    assert any(a.attrs.get("href") == feed for a in html.select(tag="a", cls="feed-link"))


# --- citations --------------------------------------------------------------------------------

PARAGRAPH = "/statements/S-PRST-2012-16/paragraphs/9/citation"
STATEMENT = "/statements/S-PRST-2012-16/citation"


def test_ris_reads_in_rispy_as_a_report_numbered_by_its_symbol(client: TestClient) -> None:
    r = client.get(f"{PARAGRAPH}.ris")
    assert r.headers["content-type"].startswith("application/x-research-info-systems")
    assert 'filename="S-PRST-2012-16-p9.ris"' in r.headers["content-disposition"]
    [entry] = rispy.loads(r.text)
    assert entry["type_of_reference"] == "RPRT"
    assert entry["title"] == "Threats to international peace and security, paragraph 9"
    assert entry["authors"] == ["United Nations Security Council"]
    assert entry["issn"] == "S/PRST/2012/16"  # RIS's SN: a report's number
    assert entry["date"] == "2012/04/25/" and entry["year"] == "2012"
    assert entry["urls"] == [f"{BASE}/statements/S-PRST-2012-16#p9"]
    assert entry["publisher"] == "United Nations"
    assert entry["abstract"].startswith("The Security Council")
    assert entry["notes"] == [
        "Cite as: S/PRST/2012/16, para. 9 (25 April 2012); made at the 6760th meeting of the "
        "Security Council."
    ]
    [whole] = rispy.loads(client.get(f"{STATEMENT}.ris").text)
    assert whole["title"] == "Threats to international peace and security"
    assert whole["urls"] == [f"{BASE}/statements/S-PRST-2012-16"]
    assert "abstract" not in whole


def test_bibtex_reads_in_bibtexparser_as_a_techreport(client: TestClient) -> None:
    r = client.get(f"{PARAGRAPH}.bib")
    assert r.headers["content-type"].startswith("application/x-bibtex")
    [entry] = bibtexparser.loads(r.text).entries
    assert entry["ENTRYTYPE"] == "techreport" and entry["ID"] == "S-PRST-2012-16-p9"
    assert entry["author"] == "{United Nations Security Council}"  # a corporate author
    assert entry["title"] == "{Threats to international peace and security, paragraph 9}"
    assert entry["number"] == "S/PRST/2012/16"
    assert entry["institution"] == "United Nations"
    assert (entry["year"], entry["month"], entry["date"]) == ("2012", "April", "2012-04-25")
    assert entry["url"] == f"{BASE}/statements/S-PRST-2012-16#p9"


def test_csl_json_renders_in_citeproc(client: TestClient) -> None:
    r = client.get(f"{PARAGRAPH}.json")
    assert r.headers["content-type"].startswith("application/vnd.citationstyles.csl+json")
    items = json.loads(r.text)
    assert items[0]["type"] == "report" and items[0]["number"] == "S/PRST/2012/16"
    assert items[0]["issued"] == {"date-parts": [[2012, 4, 25]]}
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    bibliography.register(Citation([CitationItem("S-PRST-2012-16-p9")]))
    [rendered] = [str(entry) for entry in bibliography.bibliography()]
    assert rendered == (
        "United Nations Security Council (2012) Threats to international peace and security, "
        "paragraph 9. Statement by the President of the Security Council S/PRST/2012/16. "
        f"New York: United Nations. Available at: {BASE}/statements/S-PRST-2012-16#p9."
    )


def test_hostile_text_survives_every_citation_format(hostile: TestClient) -> None:
    base = "/statements/S-PRST-2023-6/paragraphs/1/citation"
    [ris] = rispy.loads(hostile.get(f"{base}.ris").text)
    assert ris["title"] == f"{AGENDA}, paragraph 1"
    assert ris["abstract"].startswith("The Security Council <b>reaffirms</b> & its primary")
    # BibTeX: LaTeX's special characters escaped, so the braces balance (every field parses,
    # none swallows the next) and LaTeX prints the words as they are.
    [entry] = bibtexparser.loads(hostile.get(f"{base}.bib").text).entries
    assert entry["title"] == (
        r"{Crime \& <script>alert(1)</script> ]]> \{at\} \%sea\_\$, paragraph 1}"
    )
    assert entry["keywords"] == r"Crime \& <script>alert(1)</script> ]]> \{at\} \%sea\_\$"
    assert entry["abstract"].startswith(r"The Security Council <b>reaffirms</b> \& its")
    assert entry["number"] == "S/PRST/2023/6"
    items = json.loads(hostile.get(f"{base}.json").text)
    assert items[0]["title"] == f"{AGENDA}, paragraph 1"
    assert "\x0c" not in items[0]["abstract"]


def test_citations_follow_old_ids_and_name_what_is_missing(client: TestClient) -> None:
    r = client.get("/statements/s-prst-2012-16/citation.ris", follow_redirects=False)
    assert r.status_code == 301
    assert r.headers["location"] == "/statements/S-PRST-2012-16/citation.ris"
    r = client.get("/statements/S-PRST-2012-16/paragraphs/99/citation.bib")
    assert r.status_code == 404
    assert r.json()["detail"] == "S/PRST/2012/16 has no paragraph 99: it has 11."
    r = client.get("/statements/S-PRST-2012-16/citation.doc")
    assert r.status_code == 422


def meta_tags(html: str) -> dict[str, str]:
    return {
        m.attrs["name"]: m.attrs["content"]
        for m in parse_html(html).select(tag="meta")
        if m.attrs.get("name", "").startswith("citation_")
    }


def test_paragraph_and_statement_pages_carry_highwire_tags(client: TestClient) -> None:
    paragraph = client.get("/statements/S-PRST-2012-16/paragraphs/9").text
    tags = meta_tags(paragraph)
    assert tags["citation_title"] == "Threats to international peace and security, paragraph 9"
    assert tags["citation_author"] == "United Nations Security Council"
    assert tags["citation_publication_date"] == "2012/04/25"
    assert tags["citation_technical_report_number"] == "S/PRST/2012/16"
    assert tags["citation_technical_report_institution"] == "United Nations"
    assert tags["citation_public_url"] == f"{BASE}/statements/S-PRST-2012-16#p9"
    assert tags["citation_abstract"].startswith("The Security Council")
    files = parse_html(paragraph).select(tag="dd", cls="citation-files")[0]
    assert [a.attrs["href"] for a in files.select(tag="a")] == [
        f"{PARAGRAPH}.ris",
        f"{PARAGRAPH}.bib",
        f"{PARAGRAPH}.json",
    ]
    statement = client.get("/statements/S-PRST-2012-16?q=terrorism").text
    tags = meta_tags(statement)
    assert tags["citation_title"] == "Threats to international peace and security"
    assert tags["citation_public_url"] == f"{BASE}/statements/S-PRST-2012-16"
    assert "citation_abstract" not in tags
    assert f'href="{STATEMENT}.ris"' in statement


def test_hostile_text_in_meta_tags_stays_text(hostile: TestClient) -> None:
    html = hostile.get("/statements/S-PRST-2023-6/paragraphs/1").text
    assert "<script>alert(1)</script>" not in html
    assert meta_tags(html)["citation_keywords"] == AGENDA


def test_the_house_style_is_the_copy_buttons(client: TestClient) -> None:
    html = parse_html(client.get("/statements/S-PRST-2012-16/paragraphs/9").text)
    [button] = html.select(tag="a", cls="copy-citation")
    assert button.attrs["data-copy-text"] == "S/PRST/2012/16, para. 9 (25 April 2012)"
