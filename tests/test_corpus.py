"""The real corpus (../shared/corpus): every file ingests with the expected metadata and
paragraph count, and no page furniture survives in any paragraph."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.ingest.pipeline import IngestReport, ingest
from app.store.engine import make_engine
from app.store.models import Paragraph, Source, Statement
from app.store.queries import corrigenda_of, statement_by_symbol
from tests.searching import index_hits

EXPECTATIONS = Path(__file__).parent / "corpus_expectations.tsv"
FURNITURE = {
    # 10-60352* (E) 101110, also glued to a word ("troop01-23427 (E)"), with or without (E)
    "job number": re.compile(r"(?<!\d)\d{2}-\d{5}(?!\d)"),
    "date code": re.compile(r"(?<![\d,./])\d{6}(?![\d,])"),
    "barcode": re.compile(r"\*\s?\d{7,8}\s?\*|(?:^|\s)\*(?:\s\*)+(?:\s|$)"),
    "running header": re.compile(r"\b(?:English\s+)?Page \d+\b|^S/PRST/\d{4}/\d+\s|^English\b"),
    "page number": re.compile(r"(?<![\w/.-])[1-9]/[1-9](?![\w/])|\s\d{1,2}$"),
    "continuation mark": re.compile(r"/\s?\.\.\."),
    "end mark": re.compile(r"-{4,}|`{3,}|[-—–_]{2,}\s*$|(?:^|\s)[—–]{2,}"),
    "web page chrome": re.compile(r"Document symbol:|Publication Date:"),
    "form feed": re.compile("\f"),
}


@pytest.fixture
def corpus_report(corpus_dir: Path, engine: Engine) -> IngestReport:
    return ingest(engine, [corpus_dir])


def expectations() -> list[dict[str, str]]:
    lines = [line for line in EXPECTATIONS.read_text().splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def test_every_corpus_file_ingests(corpus_report: IngestReport) -> None:
    assert corpus_report.failed == []
    statuses = {o.path.name: o.status for o in corpus_report.outcomes}
    assert statuses["UNISPAL-S-PRST-2001-15.txt"] == "duplicate"
    assert statuses["S-PRST-2000-27-Corr.1.txt"] == "added"
    assert "README.md" not in statuses


def test_metadata_and_paragraph_counts_match_expectations(
    corpus_report: IngestReport, engine: Engine
) -> None:
    with Session(engine) as session:
        found = {s.source_name: s for s in session.exec(select(Statement))}
        counts = {
            s.source_name: len(
                session.exec(select(Paragraph).where(Paragraph.statement_pk == s.pk)).all()
            )
            for s in found.values()
        }
    rows = expectations()
    assert len(rows) == len(found) >= 120
    wrong = []
    for row in rows:
        s = found[row["filename"]]
        got = (
            s.symbol or "",
            s.date.isoformat(),
            str(s.meeting_number or ""),
            str(counts[row["filename"]]),
        )
        want = (row["symbol"], row["date"], row["meeting"], row["paragraphs"])
        if got != want:
            wrong.append((row["filename"], want, got))
    assert wrong == []


def test_no_furniture_survives_in_any_paragraph(
    corpus_report: IngestReport, engine: Engine
) -> None:
    with Session(engine) as session:
        rows = session.exec(
            select(Statement.source_name, Paragraph.number, Paragraph.text, Statement.symbol).join(
                Paragraph
            )
        ).all()
    assert len(rows) > 1000
    found = [
        (name, number, kind)
        for name, number, text, _ in rows
        for kind, pattern in FURNITURE.items()
        if pattern.search(text)
    ]
    # The running header repeats the statement's own symbol; a statement never cites itself.
    found += [
        (name, number, "running header (own symbol)")
        for name, number, text, symbol in rows
        if symbol and re.search(re.escape(symbol) + r"(?![\d/])", text)
    ]
    assert found == []


def test_sentences_broken_by_a_page_break_are_joined(
    corpus_report: IngestReport, engine: Engine
) -> None:
    with Session(engine) as session:
        s = statement_by_symbol(session, symbol="S/PRST/2011/9")
        assert s is not None
        p8 = session.exec(
            select(Paragraph).where(Paragraph.statement_pk == s.pk, Paragraph.number == 8)
        ).one()
    assert p8.text.endswith(
        "comply with all their obligations under international law, in particular international "
        "human rights, refugee and humanitarian law."
    )


def test_metadata_variants(corpus_report: IngestReport, engine: Engine) -> None:
    with Session(engine) as session:
        reissued = statement_by_symbol(session, symbol="S/PRST/2010/12")
        assert reissued is not None and reissued.original_language == "French"
        written = statement_by_symbol(session, symbol="S/PRST/2020/6")
        assert written is not None and written.meeting_number is None
        assert written.date.isoformat() == "2020-04-29"
        media = statement_by_symbol(session, symbol="S/PRST/2000/27")
        assert media is not None and media.meeting_number is None and media.agenda_item is None
        note = statement_by_symbol(session, symbol="S/20554")
        assert note is not None and note.meeting_number == 2851
        assert note.title == "NOTE BY THE PRESIDENT OF THE SECURITY COUNCIL"
        letters = statement_by_symbol(session, symbol="S/PRST/1998/20")
        assert letters is not None and "(S/1998/581)" in (letters.agenda_item or "")
        # Extraction's stray spaces do not make a second agenda item of the same one.
        dprk = statement_by_symbol(session, symbol="S/PRST/2017/16")
        assert dprk is not None
        assert dprk.agenda_item == "Non-proliferation/Democratic People’s Republic of Korea"
        assert "Non -proliferation/" in (dprk.intro or "")
        note = statement_by_symbol(session, symbol="S/PRST/2015/19")
        assert note is not None and (note.agenda_item or "").endswith("Council (S/2010/507)")


def test_corrigendum_attaches_to_the_statement_it_withdraws(
    corpus_report: IngestReport, engine: Engine
) -> None:
    with Session(engine) as session:
        statement = statement_by_symbol(session, symbol="S/PRST/2000/27")
        assert statement is not None
        [corrigendum] = corrigenda_of(session, statement=statement)
    assert corrigendum.symbol == "S/PRST/2000/27/Corr.1"
    assert corrigendum.text == "Document S/PRST/2000/27 is hereby withdrawn."


def test_web_copy_is_a_second_source_not_a_second_statement(
    corpus_report: IngestReport, engine: Engine
) -> None:
    with Session(engine) as session:
        s = statement_by_symbol(session, symbol="S/PRST/2001/15")
        assert s is not None and s.source_name == "S-PRST-2001-15.txt"
        sources = session.exec(select(Source).where(Source.statement_pk == s.pk)).all()
    assert sorted(Path(x.path).name for x in sources) == [
        "S-PRST-2001-15.txt",
        "UNISPAL-S-PRST-2001-15.txt",
    ]


def test_footnotes_are_not_paragraphs(corpus_report: IngestReport, engine: Engine) -> None:
    with Session(engine) as session:
        s = statement_by_symbol(session, symbol="S/PRST/2023/4")
        assert s is not None
        texts = session.exec(select(Paragraph.text).where(Paragraph.statement_pk == s.pk)).all()
    assert s.footnotes is not None and s.footnotes.startswith("* United Nations, Treaty Series")
    assert not any("Treaty Series" in t for t in texts)


def test_corpus_ingest_is_idempotent(
    corpus_dir: Path, engine: Engine, corpus_report: IngestReport
) -> None:
    again = ingest(engine, [corpus_dir])
    assert {o.status for o in again.outcomes} <= {"unchanged", "duplicate"}


def test_split_words_are_found_by_search_but_kept_in_the_text(
    corpus_report: IngestReport, engine: Engine
) -> None:
    assert corpus_report.repairs > 10
    with Session(engine) as session:
        s = statement_by_symbol(session, symbol="S/PRST/2015/19")
        assert s is not None
        assert "effectiven ess" in s.source_text, "the source keeps the extractor's split"
        damaged = [
            p
            for p in session.exec(select(Paragraph).where(Paragraph.statement_pk == s.pk))
            if "enhancing the effectiveness and transparency" in p.plain
        ]
        assert damaged and "enhancing the effectiveness and transparency" in damaged[0].text
    hits = index_hits(engine, "effectiveness")
    assert damaged[0].id in {paragraph.id for _, paragraph in hits}


def test_catalogue_shows_what_is_missing(
    corpus_dir: Path, corpus_report: IngestReport, db_path: Path
) -> None:
    from fastapi.testclient import TestClient

    from app.cli import main
    from app.web.app import create_app

    catalogue = corpus_dir / "meta" / "prst_meetings_1946-2022_from_scact.csv"
    assert main(["--db", str(db_path), "catalogue", str(catalogue)]) == 0
    with TestClient(create_app(db_path)) as client:
        page = client.get("/statements", params={"year": 2000}).text
        assert "The catalogue lists" in page and "text not in the archive yet" in page
        assert "<strong>S/PRST/2000/3</strong>" in page
        assert "<strong>S/PRST/2000/25</strong>" not in page  # held: listed above, not missing
        media = client.get("/statements/S-PRST-2000-27").text
        assert "Corrigendum S/PRST/2000/27/Corr.1" in media and "hereby withdrawn" in media
        about = client.get("/about").text
        assert 'class="completeness"' in about


def test_a_bad_catalogue_is_refused_whole(tmp_path: Path, db_path: Path) -> None:
    from app.cli import main

    bad = tmp_path / "bad.csv"
    bad.write_text("symbol,year\nS/PRST/2000/1,2000\nS/PRST/2000/2,twenty\n")
    assert main(["--db", str(db_path), "catalogue", str(bad)]) == 1
    engine = make_engine(db_path)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM catalogueentry").scalar() == 0
    engine.dispose()


def test_lettered_items_belong_to_their_paragraph(
    corpus_report: IngestReport, db_path: Path
) -> None:
    from fastapi.testclient import TestClient

    from app.web.app import create_app

    with TestClient(create_app(db_path)) as client:
        page = client.get("/statements/S-PRST-2013-15").text
        for label in "abc":
            assert f'id="p13-{label}"' in page
        quoted_items = client.get("/api/statements/S-PRST-1996-13").json()
    assert quoted_items["paragraph_count"] == 5
    assert "\n(a) Meetings will be held" in quoted_items["paragraphs"][2]["text"]


def test_numbered_points_dash_bullets_and_unquoted_paragraphs(
    corpus_report: IngestReport, engine: Engine
) -> None:
    def paragraphs(symbol: str) -> list[str]:
        with Session(engine) as session:
            s = statement_by_symbol(session, symbol=symbol)
            assert s is not None
            query = select(Paragraph).where(Paragraph.statement_pk == s.pk)
            rows = session.exec(query.order_by(col(Paragraph.number))).all()
        assert [p.number for p in rows] == list(range(1, len(rows) + 1))
        return [p.text for p in rows]

    numbered = paragraphs("S/PRST/1996/37")
    assert [p[:3] for p in numbered[1:]] == ["2. ", "3. ", "4. ", "5. ", "6. "]
    assert "states the following: 1. Operational demining" in numbered[0]
    bullets = paragraphs("S/PRST/2010/2")[5].split("\n")
    assert len(bullets) == 10 and all(b.startswith("– ") for b in bullets[1:])
    unquoted = paragraphs("S/PRST/2002/2")
    assert "dialogue in respective countries. It expresses its strong support" in unquoted[6]
    with Session(engine) as session:
        annexed = statement_by_symbol(session, symbol="S/PRST/2002/9")
    assert annexed is not None
    assert (annexed.footnotes or "").startswith("Annex\nJoint Statement\nThe Secretary-General")


@pytest.mark.parametrize(
    ("phrase", "where"),
    [
        # split words (printed "it s call", "a s the", "smug gling", "reaffi rmed", ...)
        ("reiterates its call on the parties", "S-PRST-2019-9"),
        ("as well as the adverse effects of climate", "S-PRST-2015-24"),
        ("programmes in the Sahel", "S-PRST-2015-24"),
        ("the smuggling of migrants", "S-PRST-2015-24"),
        ("the African Union Trust Fund", "S-PRST-2015-24"),
        ("reaffirmed by the Special Representative", "S-PRST-2020-8"),
        ("genuinely free and fair", "S-PRST-2021-3"),
        ("a culture of performance", "S-PRST-2022-5"),
        ("in view of the substantially reduced nature", "S-PRST-2022-2"),
        ("mobile marking units", "S-PRST-2014-9"),
        ("the importance of peacekeeping as one", "S-PRST-2022-5"),
        ("important steps taken recently", "S-PRST-2019-1"),
        ("to remain calm", "S-PRST-2017-12"),
        ("the work of UNAMA", "S-PRST-2016-14"),
        ("the importance of the CTITF", "S-PRST-2015-11"),
        ("access to humanitarian assistance and humanitarian personnel", "S-PRST-2020-6"),
        ("obligations under international humanitarian law", "S-PRST-2020-6"),
        ("to preserve the rule of law", "S-PRST-2020-7"),
        # hyphens lost at a line end
        ("zero-tolerance policy", "S-PRST-2022-5"),
        ("cost-effective communication technologies", "S-PRST-2022-5"),
        ("post-conflict situations from the outset", "S-PRST-2009-24"),
        ("Security Council-sanctioned M23", "S-PRST-2023-3"),
        ("a more integrated, cross-pillar approach", "S-PRST-2018-16"),
        ("a fully Afghan-led and Afghan-owned process", "S-PRST-2018-15"),
        ("United Nations-designated safe areas", "S-PRST-1994-1"),
        ("all-inclusive national reconciliation", "S-PRST-1998-26"),
        ("arms-exporting countries", "S-PRST-2001-21"),
        ("gender-based violence", "S-PRST-2013-15"),
        ("long-term demining needs", "S-PRST-1996-37"),
        ("mine-clearance experience", "S-PRST-1996-37"),
        ("the role of women in decision-making", "S-PRST-2012-3"),
    ],
)
def test_extraction_damage_is_repaired_for_search_and_display(
    corpus_report: IngestReport, engine: Engine, phrase: str, where: str
) -> None:
    words = re.findall(r"\w+", phrase)
    hits = [(s.id, p.text) for s, p in index_hits(engine, '"' + " ".join(words) + '"')]
    assert any(sid == where and phrase in text for sid, text in hits)


REPAIRS = Path(__file__).parent / "corpus_repairs.tsv"


def test_the_corpus_repairs_are_exactly_those_read_and_judged_right(
    corpus_report: IngestReport, engine: Engine
) -> None:
    """Every repair the ingest makes in the corpus was read against the source (the list in
    corpus_repairs.tsv, from `archive repairs`): a new repair, or one lost, shows here."""
    from app.ingest.repair_report import repair_report

    lines = [line for line in REPAIRS.read_text().splitlines() if not line.startswith("#")]
    expected = [tuple(row.values()) for row in csv.DictReader(lines, delimiter="\t")]
    made = [
        (f.statement, str(f.paragraph), f.printed, f.repaired)
        for f in repair_report(engine).repaired
    ]
    assert sorted(made) == sorted(expected)
    assert corpus_report.repairs == len(expected)


@pytest.mark.parametrize(
    ("wording", "where"),
    [
        ("the road map for the protection", "S-PRST-2004-46"),  # beside 'roadmap' elsewhere
        ("women in formal peace processes", "S-PRST-2005-52"),
        ("only 16 per cent of the identified needs", "S-PRST-2001-30"),
        ("signed in Dar es Salaam", "S-PRST-2003-6"),
        ("the de facto moratorium", "S-PRST-1998-12"),
        ("Conseil National de Suivi de l’Accord", "S-PRST-2017-12"),
        ("the Forces démocratiques de libération du Rwanda", "S-PRST-2022-4"),
        ("preventing the re-emergence of conflicts", "S-PRST-2000-25"),
        ("demining as part of peacebuilding in a follow-up", "S-PRST-1996-37"),
        ("women’s peacebuilding initiatives", "S-PRST-2005-52"),
        ("conflict prevention and peacebuilding", "S-PRST-2007-31"),
    ],
)
def test_correct_words_are_not_changed(
    corpus_report: IngestReport, engine: Engine, wording: str, where: str
) -> None:
    """Real two-word sequences are not joined, one-word compounds not hyphenated, foreign
    and elided words not touched."""
    with engine.connect() as conn:
        texts = [
            row[0]
            for row in conn.exec_driver_sql(
                "SELECT p.text FROM paragraph p JOIN statement s ON s.pk = p.statement_pk "
                "WHERE s.id = ?",
                (where,),
            )
        ]
    assert any(wording in text for text in texts)
