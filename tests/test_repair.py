"""Repairs of extraction damage are made only when the archive's vocabulary (split words) or
the statement's own words (hyphens lost at a line end) vouch for them; a correct word is
never changed."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from app.parse.repair import repair, restore_line_end_hyphens
from tests.searching import index_hits

# How many paragraphs of the archive use each word, as the search index counts them: the
# possessive "s" of "Council’s" and item labels "(c)" are counted as words on their own.
VOCAB = Counter(
    {
        "international": 40,
        "internati": 1,
        "onal": 1,
        "security": 50,
        "sec": 1,
        "urity": 1,
        "secretary": 60,
        "general": 70,
        "secretarygeneral": 1,
        "in": 500,
        "formal": 30,
        "informal": 12,
        "the": 900,
        "a": 800,
        "s": 400,
        "c": 30,
        "it": 430,
        "its": 600,
        "as": 870,
        "an": 210,
        "n": 5,
        "t": 4,
        "o": 2,
        "i": 16,
        "h": 7,
        "g": 3,
        "u": 5,
        "th": 3,
        "e": 11,
        "to": 4000,
        "access": 89,
        "obligation": 15,
        "obligations": 60,
        "take": 90,
        "taken": 36,
        "wit": 1,
        "with": 700,
        "rges": 1,
        "urges": 80,
        "peacekeepin": 1,
        "peacekeeping": 200,
        "programmes": 46,
        "road": 4,
        "map": 2,
        "roadmap": 5,
        "for": 1400,
        "fora": 3,
        "mac": 1,
        "arthur": 1,
        "macarthur": 1,
        "elections": 30,
        "selections": 3,
        "council": 900,
    }
)


@pytest.mark.parametrize(
    ("damaged", "repaired"),
    [
        ("the internati onal community", "the international community"),
        ("Sec urity Council", "Security Council"),
        ("the SecretaryGeneral reports", "the Secretary-General reports"),
        # a bare letter (other than "a") is never a word between spaces
        ("with their obligation s under international law", "with their obligations under"),
        ("the steps take n recently", "the steps taken recently"),
        ("the Council u rges Member States", "the Council urges Member States"),
        ("wit h a view to", "with a view to"),
        ("peacekeepin g operations", "peacekeeping operations"),
        ("denial of access t o assistance", "denial of access to assistance"),
        ("humanitarian programmes i n the Sahel", "humanitarian programmes in the Sahel"),
        # two letters the archive seldom uses: the same fragment recurs
        ("welcomed by th e Council", "welcomed by the Council"),
    ],
)
def test_vouched_repairs(damaged: str, repaired: str) -> None:
    text, count = repair(damaged, VOCAB)
    assert text.startswith(repaired) and count == 1


@pytest.mark.parametrize(
    "text",
    [
        "in formal consultations",  # two words the archive uses
        "the international community",
        "under a n agreement",  # "a" is a word: never joined to a stray letter
        "reiterates it s call",  # "it" is a short word of its own
        "as well a s the effects",
        "adopt the road map for the transition",  # "roadmap" is not far commoner than "map"
        "a forum for a dialogue",  # "fora" is a word too, but "a" stands on its own
        "recalls paragraph 2 (c) of the resolution",
        "chapter V of the Charter",
        "General MacArthur",  # not two archive words run together
        "the Council’s elections",  # the "s" of a possessive is no stray letter
    ],
)
def test_correct_text_is_left_alone(text: str) -> None:
    assert repair(text, VOCAB) == (text, 0)


def page(*lines: str) -> list[str]:
    """Lines of a printed page about 78 characters wide, with the lines given among them."""
    full = "The Security Council reiterates its full support for the Special Envoy and"
    return [full, *lines, full, full, "for the political process in the region."]


def test_a_hyphen_lost_at_a_line_end_comes_back_where_the_statement_writes_it() -> None:
    # "...sexual and gender-" ended a line; pdftotext dropped the hyphen and glued on the next
    glued = (
        "condemns, irrespective of where it comes from, all acts of sexual and genderbased "
        "violence and abuse, and recalls that international law prohibits rape"
    )
    lines = page(glued, "“The Council condemns all forms of gender-based violence.")
    restored = restore_line_end_hyphens(lines, 78)
    assert "all acts of sexual and gender-based violence and abuse" in restored[1]
    assert restored[2:] == lines[2:]


def test_a_capital_inside_a_glued_word_marks_the_seam() -> None:
    glued = (
        "The Council takes note with appreciation of the report of the SecretaryGeneral of "
        "30 June and of the recommendations contained in it, and requests"
    )
    restored = restore_line_end_hyphens(page(glued), 78)
    assert "report of the Secretary-General of 30 June" in restored[1]


def test_a_word_used_only_at_the_seam_splits_before_a_word_of_the_statement() -> None:
    glued = (
        "to guarantee a coherent approach towards the whole range of short and longterm "
        "demining needs. With particular reference to paragraph 51 of the report"
    )
    lines = page(glued, "The Council notes the longer-term needs of demining in the region.")
    assert "short and long-term demining needs" in restore_line_end_hyphens(lines, 78)[1]


@pytest.mark.parametrize(
    "line",
    [
        # a line of ordinary length: no seam, whatever the words
        "The Council welcomes the peacebuilding efforts of the peace-building office.",
        # glued, but nothing in the statement vouches for a split: left as extracted
        "condemns in the strongest terms the two suicideattacks that occurred in Algiers, on "
        "11 April 2007, causing numerous deaths and injuries among civilians",
    ],
)
def test_a_seam_nobody_vouches_for_is_left_as_extracted(line: str) -> None:
    lines = page(line)
    assert restore_line_end_hyphens(lines, 78) == lines


def test_lines_of_a_web_page_are_not_glued_lines() -> None:
    lines = ["A whole paragraph on one line " * 8, "Another paragraph " * 12]
    assert restore_line_end_hyphens(lines, 250) is lines


def test_text_with_dozens_of_overlong_lines_is_not_pages_of_a_statement() -> None:
    glued = (
        "The Council takes note with appreciation of the report of the SecretaryGeneral of "
        "30 June and of the recommendations contained in it, and requests"
    )
    lines = page(glued) * 60
    assert restore_line_end_hyphens(lines, 78) is lines


def test_ingest_repairs_a_split_whose_pieces_are_both_common_words(
    tmp_path: Path, engine: Engine
) -> None:
    """'Member State s': neither piece is rare in an archive that uses every word of the
    paragraph often, so only the bare letter gives the paragraph away; search finds the
    repaired word, the source file keeps the damage."""
    from app.ingest.pipeline import ingest
    from bench.generate_corpus import generate

    generate(tmp_path / "archive", 40, seed=2)
    damaged = tmp_path / "damaged.txt"
    damaged.write_text(
        "At the 5000th meeting of the Security Council, held on 1 May 2015, the President made "
        "the following statement on behalf of the Council:\n\n"
        "“The Security Council calls on all Member State s to improve border management.”\n",
        encoding="utf-8",
    )
    report = ingest(engine, [tmp_path])
    assert report.repairs >= 1
    found = [
        (s.source_name, p.text)
        for s, p in index_hits(engine, '"all member states to improve border"')
    ]
    with engine.connect() as conn:
        source = conn.exec_driver_sql(
            "SELECT source_text FROM statement WHERE source_name = 'damaged.txt'"
        ).scalar_one()
    assert (
        "damaged.txt",
        "The Security Council calls on all Member States to improve border management.",
    ) in found
    assert "Member State s to" in source
