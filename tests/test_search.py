"""Phrase search on the seeds: the page, the API, highlights, filters and sorts."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.html import words

ORGANIZED = '"organized criminal groups and networks"'
PRIMARY = '"primary responsibility for the maintenance of international peace and security"'


def hits(client: TestClient, q: str, **params: object) -> list[tuple[str, int]]:
    r = client.get("/api/search", params={"q": q, **params})
    assert r.status_code == 200, r.text
    return [(x["statement"]["id"], x["paragraph"]) for x in r.json()["results"]]


def test_phrase_found_in_every_paragraph_that_uses_it(client: TestClient) -> None:
    r = client.get("/api/search", params={"q": ORGANIZED, "sort": "oldest"})
    body = r.json()
    assert (body["total_paragraphs"], body["total_statements"]) == (5, 2)
    assert [(x["statement"]["id"], x["paragraph"]) for x in body["results"]] == [
        ("S-PRST-2012-16", 4),
        ("S-PRST-2012-16", 6),
        ("S-PRST-2023-6", 6),
        ("S-PRST-2023-6", 12),
        ("S-PRST-2023-6", 13),
    ]
    assert body["years"] == {"2012": 1, "2023": 1}
    first = body["results"][0]
    assert first["url"] == "/statements/S-PRST-2012-16#p4"
    summary = first["statement"]
    assert summary["symbol"] == "S/PRST/2012/16"
    assert summary["date"] == "2012-04-25"
    assert summary["meeting"] == 6760
    assert summary["paragraph_count"] == 11


def test_first_paragraphs_share_the_primary_responsibility_phrase(client: TestClient) -> None:
    assert sorted(hits(client, PRIMARY)) == [("S-PRST-2012-16", 1), ("S-PRST-2023-6", 1)]


@pytest.mark.parametrize(
    "q", ['"organized criminal groups and networks in Antarctica"', '"organize crime"']
)
def test_absent_exact_phrase_finds_nothing(client: TestClient, q: str) -> None:
    assert hits(client, q) == []


def test_phrase_is_exact_but_words_are_not(client: TestClient) -> None:
    # "organized crime groups" (2023, para 9) is not "organized criminal groups"
    assert ("S-PRST-2023-6", 9) not in hits(client, ORGANIZED)
    assert ("S-PRST-2023-6", 9) in hits(client, "organized groups networks", limit=100)


def test_hyphen_and_space_are_the_same(client: TestClient) -> None:
    assert hits(client, "cross-border", limit=100) == hits(client, '"cross border"', limit=100)
    assert len(hits(client, "cross-border", limit=100)) == 7


def test_highlights_mark_exactly_the_matched_phrase(client: TestClient) -> None:
    r = client.get("/api/search", params={"q": ORGANIZED})
    for result in r.json()["results"]:
        marks = re.findall(r"<mark>(.*?)</mark>", result["snippet"])
        assert marks and all(m == "organized criminal groups and networks" for m in marks)


def test_filters_and_sorts(client: TestClient) -> None:
    assert {s for s, _ in hits(client, ORGANIZED, year_from=2020)} == {"S-PRST-2023-6"}
    assert {s for s, _ in hits(client, ORGANIZED, year_to=2012)} == {"S-PRST-2012-16"}
    assert hits(client, ORGANIZED, year_from=2013, year_to=2022) == []
    newest = hits(client, ORGANIZED, sort="newest")
    assert newest[0][0] == "S-PRST-2023-6" and newest[-1][0] == "S-PRST-2012-16"
    agenda = "Threats to international peace and security"
    assert len(hits(client, ORGANIZED, agenda=agenda)) == 5
    assert hits(client, ORGANIZED, agenda="Something else") == []
    assert (
        hits(client, ORGANIZED, limit=2, offset=3)
        == [
            ("S-PRST-2023-6", 12),
            ("S-PRST-2023-6", 13),
        ]
        or len(hits(client, ORGANIZED, limit=2, offset=3)) == 2
    )


def test_results_page_groups_hits_and_links_paragraphs(client: TestClient) -> None:
    r = client.get("/search", params={"q": ORGANIZED, "sort": "oldest"})
    assert r.status_code == 200
    assert "<title>Search: &#34;organized criminal groups and networks&#34;" in r.text
    assert "Results for:" in r.text
    assert "<strong>5</strong> paragraphs" in r.text and "<strong>2</strong> statements" in r.text
    assert r.text.count('class="hit-group"') == 2
    assert 'href="/statements/S-PRST-2012-16?q=%22organized' in r.text
    assert "#p4" in r.text and "#p13" in r.text
    assert "<svg" in r.text and "First in this archive:" in r.text and "latest:" in r.text


def test_statement_opened_from_a_hit_marks_the_terms(client: TestClient) -> None:
    r = client.get("/statements/S-PRST-2023-6", params={"q": ORGANIZED})
    assert r.text.count("<mark>organized criminal groups and networks</mark>") == 3


@pytest.mark.parametrize(
    ("q", "location"),
    [
        ("S/PRST/2023/6", "/statements/S-PRST-2023-6"),
        ("s/prst/2023/6", "/statements/S-PRST-2023-6"),
        ("S/PRST/2012/16, para. 9", "/statements/S-PRST-2012-16#p9"),
    ],
)
def test_symbols_open_the_statement(client: TestClient, q: str, location: str) -> None:
    r = client.get("/search", params={"q": q}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == location


def test_resolution_finds_citing_paragraphs(client: TestClient) -> None:
    assert hits(client, "resolution 2482 (2019)") == [("S-PRST-2023-6", 4)]
    assert hits(client, "1540 (2004)") == [("S-PRST-2012-16", 2)]


@pytest.mark.parametrize(
    "q",
    [
        '"',
        "-",
        "*",
        "NEAR(",
        "AND OR NOT",
        "'; DROP TABLE statement; --",
        "x" * 5000,
        "😀🔥",
        "\x00\x01\x1b[31m",
        "<script>alert(1)</script>",
        '"unbalanced',
        "a" * 10 + '"' * 7,
    ],
)
def test_hostile_queries_get_a_page_not_an_error(client: TestClient, q: str) -> None:
    r = client.get("/search", params={"q": q})
    assert r.status_code == 200
    assert "<script>alert(1)" not in r.text
    api = client.get("/api/search", params={"q": q})
    assert api.status_code in (200, 400)
    assert "detail" in api.json() or "results" in api.json()


def test_bad_parameters_are_422_not_500(client: TestClient) -> None:
    assert client.get("/search", params={"q": "x", "page": -1}).status_code == 422
    assert client.get("/search", params={"q": "x", "year_from": "abc"}).status_code == 422
    assert client.get("/api/search", params={"q": "x", "sort": "sideways"}).status_code == 422


def test_help_page_examples_work_on_the_seeds(client: TestClient) -> None:
    page = client.get("/search/help").text
    examples = re.findall(r'href="/search\?q=([^"]+)"', page)
    assert len(examples) >= 6
    for example in examples:
        r = client.get(f"/search?q={example}", follow_redirects=False)
        assert r.status_code in (200, 303)
        assert r.status_code == 303 or "No paragraph matches" not in r.text, example


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=200))
def test_arbitrary_queries_never_500(client: TestClient, q: str) -> None:
    assert client.get("/search", params={"q": q}, follow_redirects=False).status_code in (200, 303)
    assert client.get("/api/search", params={"q": q}).status_code in (200, 400, 422)


def test_where_this_language_started(client: TestClient) -> None:
    page = client.get("/search", params={"q": ORGANIZED}).text
    assert "Show where this language started" in page
    assert "First in this archive: S/PRST/2012/16, para. 4 (25 April 2012)" in words(page)
    oldest = client.get("/search", params={"q": ORGANIZED, "sort": "oldest"}).text
    assert oldest.index("S/PRST/2012/16") < oldest.index("S/PRST/2023/6")
