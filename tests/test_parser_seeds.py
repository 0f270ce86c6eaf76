"""The parser on the two seed statements: every field, paragraph counts and boundaries."""

from __future__ import annotations

import datetime as dt

import pytest

from app.parse.statement import ParsedStatement, decode, parse_statement
from tests.conftest import SEED_2012, SEED_2023


@pytest.fixture(scope="module")
def s2023() -> ParsedStatement:
    return parse_statement(decode(SEED_2023.read_bytes()))


@pytest.fixture(scope="module")
def s2012() -> ParsedStatement:
    return parse_statement(decode(SEED_2012.read_bytes()))


def test_seed_texts_carry_no_symbol(s2023: ParsedStatement, s2012: ParsedStatement) -> None:
    assert s2023.symbol is None
    assert s2012.symbol is None


def test_2023_metadata(s2023: ParsedStatement) -> None:
    assert s2023.title == "Statement by the President of the Security Council"
    assert s2023.meeting_number == 9497
    assert s2023.meeting_date == dt.date(2023, 12, 7)
    assert s2023.distribution_date == dt.date(2023, 12, 7)
    assert s2023.agenda_item == "Threats to international peace and security"
    assert s2023.original_language == "English"
    assert s2023.intro is not None
    assert s2023.intro.startswith("At the 9497th meeting of the Security Council")
    assert s2023.intro.endswith("on behalf of the Council:")


def test_2012_metadata_under_markdown_headings(s2012: ParsedStatement) -> None:
    assert s2012.title == "Statement by the President of the Security Council"
    assert s2012.meeting_number == 6760
    assert s2012.meeting_date == dt.date(2012, 4, 25)
    assert s2012.distribution_date == dt.date(2012, 4, 25)
    assert s2012.agenda_item == "Threats to international peace and security"
    assert s2012.original_language == "English"


def test_paragraph_counts(s2023: ParsedStatement, s2012: ParsedStatement) -> None:
    assert len(s2023.paragraphs) == 17
    assert len(s2012.paragraphs) == 11
    assert [p.number for p in s2023.paragraphs] == list(range(1, 18))


def test_page_break_inside_a_sentence_is_joined(s2012: ParsedStatement) -> None:
    p9 = s2012.paragraphs[8].text
    assert p9.startswith(
        "The Security Council encourages Member States, as well as international organizations"
    )
    assert (
        "to secure their borders against illicit cross-border trafficking and movement, upon "
        "request and by mutual agreement, in accordance with international law." in p9
    )


def test_quotes_are_stripped_at_paragraph_edges_only(
    s2023: ParsedStatement, s2012: ParsedStatement
) -> None:
    for p in s2023.paragraphs + s2012.paragraphs:
        assert p.text[0] not in '"“', p.text[:20]
    assert s2023.paragraphs[-1].text.endswith("more effectively tackling them.")
    assert s2012.paragraphs[-1].text.endswith("as defined in the second paragraph above.")
    # Inner apostrophes and quotation marks are the Council's: kept as they are.
    assert "United Nations’ conflict prevention" in s2023.paragraphs[15].text


def test_link_syntax_and_escapes_become_plain_text(s2023: ParsedStatement) -> None:
    p4 = s2023.paragraphs[3]
    assert "recalls its resolution 2482 (2019) which calls upon" in p4.text
    assert "[" not in p4.text and "\\" not in p4.text


def test_emphasis_kept_for_display_and_plain_for_search(s2023: ParsedStatement) -> None:
    p6 = s2023.paragraphs[5]
    assert "*notes with concern*" in p6.text
    assert "notes with concern the link between organized crime and the financing" in p6.plain
    assert "*" not in p6.plain


def test_wording_is_not_corrected(s2023: ParsedStatement, s2012: ParsedStatement) -> None:
    # Oddities of the source stay exactly as written.
    assert "Single Convention on Narcotic Drugs of 1953 as amended by the 1954 Protocol" in (
        s2023.paragraphs[1].text
    )
    assert "urges Member States at national level to Strengthen" in s2023.paragraphs[9].text
    assert "more decentralized diversified and connected" in s2023.paragraphs[8].text
    assert "Transnational organized crime of 2000" in s2012.paragraphs[2].text
