"""The query language: what users type becomes a safe FTS5 expression, or a clear note."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.search.query import parse_query


@pytest.mark.parametrize(
    ("typed", "fts"),
    [
        ("border management", '"border" AND "management"'),
        ('"organized criminal groups and networks"', '"organized criminal groups and networks"'),
        ("“organized crime”", '"organized crime"'),
        ("piracy OR “armed robbery at sea”", '("piracy" OR "armed robbery at sea")'),
        ("trafficking -drugs", '("trafficking") NOT "drugs"'),
        ('trafficking -"small arms"', '("trafficking") NOT "small arms"'),
        ("organi*", '"organi"*'),
        ("cross-border", '"cross border"'),
        ("Council’s", '"council s"'),
        ("Côte", '"côte"'),
        ("NEAR(", '"near"'),
        ("a AND b", '"a" AND "b"'),
        ("a NOT b", '("a") NOT "b"'),
        ("'; DROP TABLE statement;--", '"drop" AND "table" AND "statement"'),
    ],
)
def test_query_becomes_safe_fts(typed: str, fts: str) -> None:
    assert parse_query(typed).fts() == fts


@pytest.mark.parametrize(
    ("typed", "note"),
    [
        ('"', "quotation mark was not closed"),
        ('border "management', "quotation mark was not closed"),
        ("-", "on its own means nothing"),
        ("*", "on its own means nothing"),
        ("-drugs", "not only words to exclude"),
        ("AND OR NOT", "only operators"),
        ("😀", "no letters or digits"),
        ("word " * 1000, "first 500 characters"),
    ],
)
def test_what_is_not_understood_is_said(typed: str, note: str) -> None:
    assert any(note in n for n in parse_query(typed).notes)


def test_empty_box_is_empty_without_notes() -> None:
    q = parse_query("   ")
    assert q.empty and q.fts() is None and q.notes == []


@pytest.mark.parametrize(
    ("typed", "symbol", "paragraph"),
    [
        ("S/PRST/2023/6", "S/PRST/2023/6", None),
        ("s/prst/2023/6", "S/PRST/2023/6", None),
        ("S/PRST/2012/16, para. 9", "S/PRST/2012/16", 9),
        (" S/PRST/2012/16 paragraph 3 ", "S/PRST/2012/16", 3),
    ],
)
def test_statement_symbols_are_recognised(typed: str, symbol: str, paragraph: int | None) -> None:
    q = parse_query(typed)
    assert (q.symbol, q.paragraph) == (symbol, paragraph)


@pytest.mark.parametrize("typed", ["resolution 2482 (2019)", "2482 (2019)", "S/RES/2482 (2019)"])
def test_resolutions_search_their_citation(typed: str) -> None:
    q = parse_query(typed)
    assert q.resolution == "2482 (2019)"
    assert q.fts() == '"2482 2019"'


@settings(max_examples=500)
@given(st.text(max_size=300))
def test_any_text_parses_without_error(text: str) -> None:
    q = parse_query(text)
    expression = q.fts()
    assert expression is None or expression.count('"') % 2 == 0


def test_compatibility_characters_are_the_letters_they_stand_for() -> None:
    assert parse_query("ﬁnancial ＣＯＵＮＣＩＬ").fts() == '"financial" AND "council"'


def test_a_star_at_the_start_of_a_word_is_explained() -> None:
    q = parse_query("*ization")
    assert q.fts() == '"ization"'
    assert any("not its start" in note for note in q.notes)
