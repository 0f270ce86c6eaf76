"""Citations: resolutions, presidential statements, document symbols and named conventions are
found in paragraph text (markdown and escapes included), stored at ingest, linked and listed."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.core.config import SEEDS_DIR
from app.ingest.pipeline import ingest
from app.parse.citations import CONVENTION, DOCUMENT, PRST, RESOLUTION, extract_citations
from app.web.templating import text_with_citations


def keys(text: str, kind: str | None = None) -> list[str]:
    return [c.key for c in extract_citations(text) if kind is None or c.kind == kind]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("recalls its resolution 2482 (2019) which calls upon", ["2482"]),
        (r"recalls its resolution [2482 \(2019\)](#) which calls upon", ["2482"]),
        (r"recalls its resolution 2482 \(2019\)", ["2482"]),
        ("in particular resolutions 1373 (2001) and 1540 (2004) as well as", ["1373", "1540"]),
        ("resolutions 1267 (1999), 1373 (2001), 1624 (2005)", ["1267", "1373", "1624"]),
        ("resolutions 1267 (1999), 1989 (2011), and 2253 (2015)", ["1267", "1989", "2253"]),
        ("its resolutions 2178 (2014) as well as 2396 (2017)", ["2178", "2396"]),
        (
            "resolutions 1265 (1999) of 17 September 1999 and 1296 (2000) of 19 April 2000 on",
            ["1265", "1296"],
        ),
        ("resolution 1265 (1999) of 17 September 1999, on", ["1265"]),  # the date is no item
        ("*resolution 2396 (2017)*", ["2396"]),
        ("Resolution 1325(2000) on women", ["1325"]),
        ("S/RES/2482 (2019)", ["2482"]),
        ("resolution 1373 (2001) and resolution 1373 (2001)", ["1373"]),  # once per paragraph
        ("General Assembly resolution 2482 (2019)", []),  # not the Council's
        ("adopted 2482 (2019) decisions", []),  # a number and a year alone are not a citation
    ],
)
def test_resolutions(text: str, expected: list[str]) -> None:
    assert keys(text, RESOLUTION) == expected


def test_resolution_citation_carries_year_and_label() -> None:
    [c] = extract_citations(r"recalls its resolution [2482 \(2019\)](#)")
    assert (c.kind, c.key, c.year, c.label) == (RESOLUTION, "2482", 2019, "resolution 2482 (2019)")


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("recalling its statement S/PRST/2012/16 of 25 April 2012", PRST, ["S/PRST/2012/16"]),
        ("statements S/PRST/2010/4 and S/PRST/2012/16.", PRST, ["S/PRST/2010/4", "S/PRST/2012/16"]),
        ("the report of the Secretary-General (S/2023/123).", DOCUMENT, ["S/2023/123"]),
        ("General Assembly resolution A/RES/60/288", DOCUMENT, ["A/RES/60/288"]),
        (r"S/PRST/2012/16 and S\/2012\/16", PRST, ["S/PRST/2012/16"]),
    ],
)
def test_document_symbols(text: str, kind: str, expected: list[str]) -> None:
    assert keys(text, kind) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "the United Nations Convention against Transnational organized crime of 2000",
            ["united nations convention against transnational organized crime"],
        ),
        (
            "the *United Nations Convention against Corruption* of 2003",
            ["united nations convention against corruption"],
        ),
        (
            "the Single Convention on Narcotic Drugs of 1961 as amended",
            ["single convention on narcotic drugs"],
        ),
        (
            "the Convention on the Rights of Persons with Disabilities",
            ["convention on the rights of persons with disabilities"],
        ),
        ("the relevant international conventions and protocols", []),
    ],
)
def test_conventions(text: str, expected: list[str]) -> None:
    assert keys(text, CONVENTION) == expected


def test_citations_stored_from_the_seeds(client: TestClient) -> None:
    r = client.get("/api/resolutions/2482")
    assert r.status_code == 200
    body = r.json()
    assert body["label"] == "resolution 2482 (2019)"
    assert [(c["statement_id"], c["paragraph"]) for c in body["citing"]] == [("S-PRST-2023-6", 4)]
    for number in (1373, 1540):
        citing = client.get(f"/api/resolutions/{number}").json()["citing"]
        assert [(c["statement_id"], c["paragraph"]) for c in citing] == [("S-PRST-2012-16", 2)]


def test_the_analysis_reports_the_citations_it_stored(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO")
    ingest(engine, [SEEDS_DIR])
    with engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT count(*) FROM citation").scalar_one()
    assert stored > 0
    assert f"analysed 28 paragraphs: {stored} citations" in caplog.text


def test_citations_api_counts_statements(client: TestClient) -> None:
    cited = {(d["kind"], d["key"]): d for d in client.get("/api/citations").json()}
    untoc = cited[(CONVENTION, "united nations convention against transnational organized crime")]
    assert (untoc["statements"], untoc["first"], untoc["last"]) == (2, "2012-04-25", "2023-12-07")
    assert cited[(RESOLUTION, "2482")]["statements"] == 1
    first = next(iter(cited.values()))
    assert first["statements"] == 2  # most cited first
    only = client.get("/api/citations?kind=resolution").json()
    assert {d["key"] for d in only} == {"2482", "1373", "1540"}


def test_resolution_page_lists_citing_paragraphs(client: TestClient) -> None:
    r = client.get("/resolutions/1373")
    assert r.status_code == 200
    assert "Security Council resolution 1373 (2001)" in r.text
    assert 'href="/statements/S-PRST-2012-16#p2"' in r.text
    none = client.get("/resolutions/9999")
    assert none.status_code == 200 and "No statement in the archive cites" in none.text


@pytest.mark.parametrize("bad", ["abc", "0", "-1", "1e9", "%3Cscript%3E"])
def test_bad_resolution_numbers_are_clear_errors(client: TestClient, bad: str) -> None:
    assert client.get(f"/resolutions/{bad}").status_code == 422
    assert client.get(f"/api/resolutions/{bad}").status_code == 422


def test_citations_page(client: TestClient) -> None:
    r = client.get("/citations")
    assert r.status_code == 200
    assert '<a href="/resolutions/2482">resolution 2482 (2019)</a>' in r.text
    assert "United Nations Convention against Transnational Organized Crime" in r.text
    hostile = client.get("/citations?kind=<script>")
    assert hostile.status_code == 422 and "<script>" not in hostile.text


def test_statement_page_links_its_citations(client: TestClient) -> None:
    r = client.get("/statements/S-PRST-2012-16")
    assert '<a class="citation" href="/resolutions/1373">1373 (2001)</a>' in r.text
    assert '<a class="citation" href="/resolutions/1540">1540 (2004)</a>' in r.text


def test_linking_escapes_everything_else() -> None:
    html = str(text_with_citations("<b>see</b> S/PRST/2012/16 and *resolution 2482 (2019)*"))
    assert html.startswith("&lt;b&gt;see&lt;/b&gt; ")
    assert '<a class="citation" href="/statements/S-PRST-2012-16">S/PRST/2012/16</a>' in html
    assert (
        '<em>resolution <a class="citation" href="/resolutions/2482">2482 (2019)</a></em>' in html
    )
