"""Lists: agenda items gather the variants of one item and its catalogued statements without
text; the most cited documents come a page at a time; a resolution's page does not link to
itself; a comparison says which paragraph a share is of and marks the pair it shows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.ingest.pipeline import ingest
from app.store.catalogue import import_catalogue
from app.web import routes
from tests.html import parse_html, words


def statement(symbol: str, date: dt.date, meeting: int, item: str, *paragraphs: str) -> str:
    day = f"{date.day} {date:%B %Y}"
    body = "".join(f"“{p}\n" for p in paragraphs[:-1]) + f"“{paragraphs[-1]}”\n"
    return (
        f"{symbol}\n\nSecurity Council\n\nDistr.: General\n{day}\nOriginal: English\n\n"
        "Statement by the President of the Security Council\n"
        f"At the {meeting}th meeting of the Security Council, held on {day}, in connection "
        f"with the Council’s consideration of the item entitled “{item}”, the President of "
        "the Security Council made the following statement on behalf of the Council:\n" + body
    )


VARIANTS = [
    ("S/PRST/1994/36", dt.date(1994, 7, 27), 3408, "An agenda for peace: peace-keeping"),
    ("S/PRST/1995/9", dt.date(1995, 2, 22), 3492, "An Agenda for Peace"),
    ("S/PRST/1996/13", dt.date(1996, 3, 28), 3645, "An agenda for peace: preventive diplomacy"),
    (
        "S/PRST/1998/20",
        dt.date(1998, 7, 13),
        3903,
        "Letter dated 29 June 1998 from the Secretary-General addressed to the President of "
        "the Security Council (S/1998/581)",
    ),
    ("S/PRST/1998/26", dt.date(1998, 8, 31), 3918, "The situation concerning the Congo"),
]
CATALOGUE = (
    "symbol,year,date,meeting_record,topic\n"
    "S/PRST/1994/36,1994,1994-07-27,S/PV.3408,Agenda for Peace\n"
    "S/PRST/1995/9,1995,1995-02-22,S/PV.3492,Agenda for Peace\n"
    "S/PRST/1995/40,1995,1995-08-01,S/PV.3560,Agenda for Peace\n"
    "S/PRST/1998/20,1998,1998-07-13,S/PV.3903,Congo\n"
    "S/PRST/1998/26,1998,1998-08-31,S/PV.3918,Congo\n"
)


@pytest.fixture
def items(client: TestClient, engine: Engine, tmp_path: Path) -> TestClient:
    folder = tmp_path / "variants"
    folder.mkdir()
    for n, (symbol, date, meeting, item) in enumerate(VARIANTS):
        text = statement(
            symbol,
            date,
            meeting,
            item,
            f"The Security Council considered matter number {n} with particular care.",
            f"The Council decided on course number {n} after a long debate.",
        )
        (folder / f"{n}.txt").write_text(text, encoding="utf-8")
    assert not ingest(engine, [folder]).failed
    (tmp_path / "catalogue.csv").write_text(CATALOGUE, encoding="utf-8")
    import_catalogue(engine, tmp_path / "catalogue.csv")
    return client


def test_variants_of_one_item_are_one_item(items: TestClient) -> None:
    index = parse_html(items.get("/agenda").text)
    names = [li.select(tag="a")[0].text for li in index.select(tag="li") if li.select(tag="a")]
    assert "An Agenda for Peace" in names
    assert not [n for n in names if n.startswith("An agenda for peace:")]
    for slug in ("an-agenda-for-peace", "an-agenda-for-peace-peace-keeping"):
        page = parse_html(items.get(f"/agenda/{slug}").text)
        assert page.select(tag="h1")[0].text == "An Agenda for Peace"


def test_an_item_page_lists_years_once_with_excerpts_and_catalogued_statements(
    items: TestClient,
) -> None:
    r = items.get("/agenda/an-agenda-for-peace")
    page = parse_html(r.text)
    assert [h.text for h in page.select(tag="h2")] == ["1994", "1995", "1996"]
    summaries = page.select(cls="statement-summary")
    assert [s.select(tag="a")[0].text for s in summaries] == [
        "S/PRST/1994/36",
        "S/PRST/1995/9",
        "S/PRST/1995/40",
        "S/PRST/1996/13",
    ]
    missing = summaries[2]
    assert "text not in the archive" in words(str(missing.text))
    assert missing.select(tag="a")[0].attrs["href"] == "/statements/S-PRST-1995-40"
    assert all(s.select(cls="opening") for s in summaries if s is not missing)
    # The item's own wording is not repeated as a link to this page; a variant's is named.
    # (Its Atom feed, another resource, is linked.)
    after_h1 = r.text.split("<h1>", 1)[1].replace('href="/agenda/an-agenda-for-peace.atom"', "")
    assert 'href="/agenda/an-agenda-for-peace' not in after_h1
    assert "An agenda for peace: peace-keeping" in words(str(summaries[0].text))


def test_an_item_listed_as_letters_joins_its_subject(items: TestClient) -> None:
    page = parse_html(items.get("/agenda/the-situation-concerning-the-congo").text)
    symbols = [s.select(tag="a")[0].text for s in page.select(cls="statement-summary")]
    assert symbols == ["S/PRST/1998/20", "S/PRST/1998/26"]
    assert "Letter dated" not in page.select(tag="h1")[0].text


def test_agenda_items_are_in_the_header(client: TestClient) -> None:
    nav = parse_html(client.get("/").text).select(tag="nav")[0]
    assert "/agenda" in [a.attrs["href"] for a in nav.select(tag="a")]


def test_most_cited_documents_come_a_page_at_a_time(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(routes.citations, "PER_PAGE", 2)
    first = parse_html(client.get("/citations").text)
    rows = first.select(tag="tbody")[0].select(tag="tr")
    assert len(rows) == 2
    assert [th.text for th in first.select(tag="th")] == [
        "Document",
        "Kind",
        "Statements",
        "Paragraphs",
        "Cited",
    ]
    nav = first.select(cls="pagination")[0]
    assert nav.select(tag="a")[0].attrs["href"] == "/citations?page=2"
    only = parse_html(client.get("/citations?kind=resolution").text)
    assert "Kind" not in [th.text for th in only.select(tag="th")]


def test_a_resolution_page_does_not_link_to_itself(client: TestClient) -> None:
    r = client.get("/resolutions/1540")
    page = parse_html(r.text)
    quotes = page.select(tag="blockquote")
    assert quotes
    for quote in quotes:
        hrefs = [a.attrs["href"] for a in quote.select(tag="a")]
        assert "/resolutions/1540" not in hrefs
    assert any("1540 (2004)" in s.text for s in page.select(cls="citation-here"))


def test_a_comparison_names_whose_share_and_marks_the_pair(client: TestClient) -> None:
    r = client.get("/statements/S-PRST-2023-6/paragraphs/9/compare/S-PRST-2012-16/4")
    page = parse_html(r.text)
    current = page.select(cls="current")
    assert len(current) == 1 and current[0].attrs["aria-current"] == "true"
    assert "S/PRST/2012/16, para. 4" in current[0].text
    assert "of this paragraph" not in r.text
    assert "% of S/PRST/2023/6, para. 9" in words(r.text)


def test_a_small_change_is_boxed(client: TestClient, engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "pair"
    folder.mkdir()
    text = (
        "The Security Council stresses the importance of regional cooperation for border "
        "management and the fight against illicit trafficking in small arms and light weapons"
    )
    (folder / "a.txt").write_text(
        statement("S/PRST/2030/1", dt.date(2030, 1, 5), 9990, "Small arms", text + "."),
        encoding="utf-8",
    )
    (folder / "b.txt").write_text(
        statement(
            "S/PRST/2030/2",
            dt.date(2030, 3, 5),
            9991,
            "Small arms",
            text.replace("border management", "border management,") + ".",
        ),
        encoding="utf-8",
    )
    assert not ingest(engine, [folder]).failed
    r = client.get("/statements/S-PRST-2030-2/paragraphs/1/compare/S-PRST-2030-1/1")
    page = parse_html(r.text)
    boxed = page.select(cls="small-change")
    assert boxed and boxed[0].tag == "ins" and boxed[0].text.strip() == ","
    assert "Changes: 1 insertion, 0 deletions" in words(r.text)
