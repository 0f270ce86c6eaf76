"""Repairs of extraction damage: split words joined, hyphens lost at a line end put back, from
the English lexicon and the archive's own vocabulary and phrases; a correct form is never
changed (tables of must-repair and must-not-repair cases for each class of damage)."""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from app.parse.lexicon import Evidence, english, zipf
from app.parse.repair import (
    SEAM,
    SEAM_HYPHEN,
    Repair,
    join_splits,
    may_be_damaged,
    repair,
    repairs_between,
    resolve_seams,
)
from app.parse.seams import mark_line_end_seams
from tests.searching import index_hits

# A small archive (invented, in the Council's language): what the ingest's evidence reads.
ARCHIVE = [
    "The Security Council reiterates its call on all parties to respect the ceasefire.",
    "The Council reiterates its call for the full implementation of the road map.",
    "The Security Council welcomes the roadmap for the transition and the road map of 2012.",
    "The Council stresses the importance of peacebuilding and of peacekeeping operations.",
    "The Council commends the peacebuilding efforts of the Peacebuilding Commission.",
    "It calls on Member States to support peacekeeping, peacebuilding and development.",
    "The Council expresses its long-standing commitment to the people of the region.",
    "The Council recalls its long-standing partnership with the African Union.",
    "The Council held informal consultations and the General Assembly held a debate.",
    "The Security Council calls on the Secretary-General to report on the situation.",
    "The Council notes as well as the efforts of the Member States of the region.",
    "The Security Council underlines its support as the situation deteriorates.",
    "The Secretary-General reports on the steps taken to protect civilians.",
    "Landlocked developing countries face particular challenges in trade.",
    "And there the Council stands; and there is more to do.",
    "The Council welcomes the efforts of subregional organizations.",
    "It encourages regional and subregional arrangements to cooperate.",
    "The Council supports the subregional office in West Africa.",
]
ARCHIVE_WORDS = [re.findall(r"[^\W\d_]+", text.lower()) for text in ARCHIVE]


def phrases(words: Sequence[str], at_most: int) -> int:
    """How many archive texts hold `words` in a row (hyphens aside), as the search index."""
    wanted = [w.lower() for w in words]
    found = sum(
        any(ws[i : i + len(wanted)] == wanted for i in range(len(ws))) for ws in ARCHIVE_WORDS
    )
    return min(found, at_most)


EVIDENCE = Evidence(Counter(w for ws in ARCHIVE_WORDS for w in ws), phrases)
LEXICON_ONLY = Evidence()


@pytest.mark.parametrize(
    ("damaged", "repaired"),
    [
        # 1. split with a short real word as one piece
        ("in ord er to ensure", "in order to ensure"),
        ("the members o f the Council", "the members of the Council"),
        ("calls for funding for programmes i n the Sahel", "programmes in the Sahel"),
        ("the work of t he Security Council", "the work of the Security Council"),
        ("the Secur ity Council", "the Secur ity Council".replace("Secur ity", "Security")),
        ("the Ge neral Assembly", "the General Assembly"),
        ("the Coun cil welcomes", "the Council welcomes"),
        ("its commit ment to the process", "its commitment to the process"),
        ("the Council reiterates it s call", "the Council reiterates its call"),
        ("the efforts as well a s the region", "the efforts as well as the region"),
        ("denial of access t o humanitarian assistance", "access to humanitarian"),
        ("with their obligation s under international law", "their obligations under"),
        ("the steps take n to protect", "the steps taken to protect"),
        # 2. split where the joined word is rare in the archive (or absent from it)
        ("national reconcil iation", "national reconciliation"),
        ("the fight against impun ity", "the fight against impunity"),
        ("disarmament, demobil ization and reintegration", "demobilization and"),
        ("the smug gling of migrants", "the smuggling of migrants"),
        ("holding of genui nely free elections", "holding of genuinely free elections"),
        # a word only the archive knows (English does not)
        ("regional and subregio nal organizations", "regional and subregional organizations"),
        # 3. split just before a hyphen
        ("peacekee ping-related tasks", "peacekeeping-related tasks"),
        ("women in decisio n-making", "women in decision-making"),
        # a run of pieces
        ("basic social servic e s to all", "basic social services to all"),
        # capitalised words run together
        ("the report of the SecretaryGeneral on", "the report of the Secretary-General on"),
    ],
)
def test_split_words_are_joined(damaged: str, repaired: str) -> None:
    assert repaired in repair(damaged, EVIDENCE)


@pytest.mark.parametrize(
    "text",
    [
        # 5. real two-word sequences
        "adopt the road map for the transition",  # the archive writes "road map" too
        "held in formal and informal consultations",
        "under a n agreement",  # a stray letter beside "a": the archive never writes "an agreement"
        "only 16 per cent of the needs",
        "signed in Dar es Salaam",
        "the de facto moratorium",
        "access to health care",
        "any one State",
        "the Forces démocratiques de libération du Rwanda",  # French, unknown words
        "the Conseil National de Suivi de l’Accord",  # an elided article is a word
        "uncaveated funding",  # a word the lexicon does not know stays as it is
        # proper names are never run together
        "General MacArthur",
        "Mr. Ban Ki-moon and Ms. Hiroute Guebre Sellassie",
        # a prefix's hyphen after a word of its own
        "and the re-establishment of State authority",
        "the Security Council and the re-election of the President",
        # a suspended hyphen stays as printed
        "short- and long-term needs",
        "pre- and post-electoral violence",
        # UN one-word compounds stay one word
        "peacebuilding, peacekeeping and landlocked countries",
        # labels, possessives, symbols
        "recalls paragraph 2 (c) of the resolution",
        "the Council’s elections",
        "chapter V of the Charter",
        "S/PRST/2015/24 and resolution 2282 (2016)",
    ],
)
def test_correct_text_is_left_alone(text: str) -> None:
    assert repair(text, EVIDENCE) == text
    assert repair(text, LEXICON_ONLY) == text


@pytest.mark.parametrize(
    "damaged",
    ["in ord er to", "the Secur ity Council", "subregio nal", "U NAMA", f"post{SEAM}conflict"],
)
def test_the_parsing_processes_find_the_paragraphs_worth_repairing(damaged: str) -> None:
    """With the lexicon alone (no archive in a parsing process), damage is suspected; a
    paragraph of correct words is not."""
    assert may_be_damaged(
        f"The Council calls on States {damaged} as a matter of urgency.", LEXICON_ONLY
    )
    assert not may_be_damaged(
        "The Council calls on States to act as a matter of urgency.", LEXICON_ONLY
    )


def test_a_two_letter_split_beside_a_word_needs_the_archive_to_agree() -> None:
    """'it s call': without an archive that writes 'its call', the unigrams alone do not
    decide (a list label 'a n' reads the same way)."""
    assert join_splits("reiterates it s call", LEXICON_ONLY) == "reiterates it s call"
    assert join_splits("reiterates it s call", EVIDENCE) == "reiterates its call"


COMMON = sorted(
    w
    for w, logp in english().items()
    if zipf(logp) >= 4.5 and w.isalpha() and w.isascii() and len(w) > 1
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*COMMON, "a"]), min_size=1, max_size=40))
def test_a_paragraph_of_ordinary_english_words_is_never_changed(words: list[str]) -> None:
    text = " ".join(words) + "."
    assert repair(text, LEXICON_ONLY) == text
    assert repair(text, EVIDENCE) == text


# --- 4. hyphens lost at a line end -------------------------------------------------------


@pytest.mark.parametrize(
    ("marked", "repaired"),
    [
        (f"response to post{SEAM}conflict situations", "response to post-conflict situations"),
        (f"a country{SEAM}specific configuration", "a country-specific configuration"),
        (f"a well{SEAM}founded fear", "a well-founded fear"),
        (f"its fifty{SEAM}eighth session", "its fifty-eighth session"),
        (f"the right to self{SEAM}determination", "the right to self-determination"),
        # English writes "longstanding" too; the archive writes "long-standing"
        (f"its long{SEAM}standing commitment", "its long-standing commitment"),
        # the statement itself vouched for it at parse time
        (f"the mine{SEAM_HYPHEN}clearance experience", "the mine-clearance experience"),
        # a suspended hyphen at a line end: "short-" ended the line
        (f"short{SEAM}and long-term needs", "short- and long-term needs"),
        # UN one-word compounds: the archive or English writes them as one word
        (f"post-conflict peace{SEAM}building", "post-conflict peacebuilding"),
        (f"United Nations peace{SEAM}keeping operations", "United Nations peacekeeping"),
        (f"land{SEAM}locked developing countries", "landlocked developing countries"),
        (f"a common under{SEAM}standing", "a common understanding"),
    ],
)
def test_seams_are_decided_by_the_archive_and_the_lexicon(marked: str, repaired: str) -> None:
    assert repaired in resolve_seams(marked, EVIDENCE)


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
    marked = mark_line_end_seams(lines, 78)
    assert f"all acts of sexual and gender{SEAM_HYPHEN}based violence and abuse" in marked[1]
    assert marked[2:] == lines[2:]


def test_a_capital_inside_a_glued_word_marks_the_seam() -> None:
    glued = (
        "The Council takes note with appreciation of the report of the SecretaryGeneral of "
        "30 June and of the recommendations contained in it, and requests"
    )
    marked = mark_line_end_seams(page(glued), 78)
    assert f"report of the Secretary{SEAM_HYPHEN}General of 30 June" in marked[1]


def test_a_compound_english_does_not_know_is_left_for_the_ingest_to_decide() -> None:
    glued = (
        "to guarantee a coherent approach towards the effective response to postconflict "
        "situations from the outset. With particular reference to paragraph 51 of the report"
    )
    marked = mark_line_end_seams(page(glued), 78)[1]
    assert f"response to post{SEAM}conflict situations" in marked
    assert resolve_seams(marked, LEXICON_ONLY).count("post-conflict") == 1


@pytest.mark.parametrize(
    "line",
    [
        # a line of ordinary length: no seam, whatever the words
        "The Council welcomes the peacebuilding efforts of the peace-building office.",
        # glued, but the word at the seam is common English: hyphenated only to fit the line
        "condemns in the strongest terms the two attacks that underline the understanding "
        "of the situation, on 11 April 2007, causing numerous deaths and injuries among",
    ],
)
def test_a_seam_nobody_vouches_for_is_left_as_extracted(line: str) -> None:
    lines = page(line)
    assert [resolve_seams(x, EVIDENCE) for x in mark_line_end_seams(lines, 78)] == lines


def test_lines_of_a_web_page_are_not_glued_lines() -> None:
    lines = ["A whole paragraph on one line " * 8, "Another paragraph " * 12]
    assert mark_line_end_seams(lines, 250) is lines


def test_text_with_dozens_of_overlong_lines_is_not_pages_of_a_statement() -> None:
    glued = (
        "The Council takes note with appreciation of the report of the SecretaryGeneral of "
        "30 June and of the recommendations contained in it, and requests"
    )
    lines = page(glued) * 60
    assert mark_line_end_seams(lines, 78) is lines


# --- What was repaired -------------------------------------------------------------------


def test_the_repaired_words_are_recovered_from_the_printed_and_repaired_texts() -> None:
    printed = "in ord er to ensure a postconflict shortand long-term a s well"
    text = "in order to ensure a post-conflict short- and long-term as well"
    assert repairs_between(printed, text) == [
        Repair("ord er", "order", 3, 8),
        Repair("postconflict", "post-conflict", 21, 34),
        Repair("shortand", "short- and", 35, 45),
        Repair("a s", "as", 56, 58),
    ]
    assert repairs_between(None, text) == []
    assert repairs_between("another text altogether", text) == []


# --- At ingest ---------------------------------------------------------------------------


def test_ingest_repairs_a_split_whose_pieces_are_both_common_words(
    tmp_path: Path, engine: Engine
) -> None:
    """'Member State s': neither piece is rare in an archive that uses every word of the
    paragraph often, so only the bare letter gives the paragraph away; search finds the
    repaired word, the paragraph keeps its printed form, the source file its damage."""
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
        (s.source_name, p.text, p.printed)
        for s, p in index_hits(engine, '"all member states to improve border"')
    ]
    with engine.connect() as conn:
        source = zlib.decompress(
            conn.exec_driver_sql(
                "SELECT source_zlib FROM statement WHERE source_name = 'damaged.txt'"
            ).scalar_one()
        ).decode("utf-8")
    assert (
        "damaged.txt",
        "The Security Council calls on all Member States to improve border management.",
        "The Security Council calls on all Member State s to improve border management.",
    ) in found
    assert "Member State s to" in source


STATEMENT = """\
S/PRST/2014/99

Security Council

Distr.: General
1 May 2014

Statement by the President of the Security Council

At the 7000th meeting of the Security Council, held on 1 May 2014, the President of the
Security Council made the following statement on behalf of the Council:

{glued}
“The Security Council underlines the importance of national reconcil iation and calls
for the fight against impun ity to continue, in ord er to build lasting peace in the
region and in the countries concerned, in particular through peacebuilding.
\f
S/PRST/2014/99

“The Security Council will remain seized of the matter.”
""".format(
    # "post-" ended a printed line: pdftotext dropped the hyphen and glued the lines together
    glued="“The Security Council stresses the importance of an effective response to "
    "postconflict situations from the outset."
)


def test_a_repaired_statement_is_found_shown_and_listed(
    tmp_path: Path, engine: Engine, db_path: Path
) -> None:
    """Exact-phrase search finds the Council's wording; the page marks each repaired word with
    its printed form; the API lists the repairs; the source stays as extracted."""
    from fastapi.testclient import TestClient

    from app.ingest.pipeline import ingest
    from app.web.app import create_app

    (tmp_path / "s.txt").write_text(STATEMENT, encoding="utf-8")
    ingest(engine, [tmp_path / "s.txt"])
    with TestClient(create_app(db_path)) as client:
        for phrase in ("in order to build", "national reconciliation", "post-conflict situations"):
            hits = client.get("/api/search", params={"q": f'"{phrase}"'}).json()
            assert [h["paragraph"] for h in hits["results"]], phrase
        data = client.get("/api/statements/S-PRST-2014-99").json()
        page = client.get("/statements/S-PRST-2014-99").text
        one = client.get("/statements/S-PRST-2014-99/paragraphs/2").text
        source = client.get("/statements/S-PRST-2014-99/source.txt").text
    repairs = [r for p in data["paragraphs"] for r in p["repairs"]]
    assert {"printed": "postconflict", "repaired": "post-conflict"} in repairs
    assert {"printed": "ord er", "repaired": "order"} in repairs
    assert {"printed": "reconcil iation", "repaired": "reconciliation"} in repairs
    assert 'data-printed="ord er"' in page and 'tabindex="0"' in page
    assert ">order</span>" in page and "words repaired from PDF extraction damage" in page
    assert 'data-printed="impun ity"' in one and ">impunity</span>" in one
    assert "in ord er to" in source and "postconflict" in source
    assert "peacebuilding" in data["paragraphs"][1]["text"]
