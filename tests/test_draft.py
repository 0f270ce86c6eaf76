"""Check a draft: a pasted text is split into paragraphs, each finds its closest precedents in
the archive with a word-level comparison, its agreed runs are dated and its new language named;
the page, the API and the command line answer alike, and the draft is never kept anywhere."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from app.cli import main as cli
from app.ingest.pipeline import ingest
from app.language import draft_check, reuse
from app.language.diff import changed_words
from app.language.draft import (
    MAX_CHARS,
    MAX_WORDS,
    DraftReport,
    DraftTooLong,
    EmptyDraft,
    clean,
    segment,
)
from app.language.draft_check import check_draft
from app.store.engine import make_engine, migrate
from app.web import drafts as web_drafts
from tests.conftest import SEEDS_DIR
from tests.html import Element, parse_html

OLD, NEW = "S-PRST-2012-16", "S-PRST-2023-6"
NEW_WORDS = (
    "Purple elephants negotiate quietly about marmalade, bicycles and the weather over "
    "several long afternoons in a sunny spring."
)


def plain(engine: Engine, statement: str, number: int) -> str:
    with engine.connect() as conn:
        row = conn.exec_driver_sql(
            "SELECT p.plain FROM paragraph p JOIN statement s ON s.pk = p.statement_pk "
            "WHERE s.id = ? AND p.number = ?",
            (statement, number),
        ).one()
    return str(row[0])


def hrefs(element: Element) -> list[str]:
    return [a.attrs.get("href", "") for a in element.select(tag="a")]


def part(html: str, element_id: str) -> Element:
    found = parse_html(html).by_id(element_id)
    assert found is not None, element_id
    return found


def check(engine: Engine, text: str) -> DraftReport:
    with Session(engine) as session:
        return check_draft(session, text)


# --- paragraphs -------------------------------------------------------------------------------


def test_blank_lines_separate_paragraphs_and_wrapped_lines_are_joined() -> None:
    paragraphs = segment(clean("First line of one\nparagraph goes on here.\n\n\nSecond one.\n"))
    assert [p.text for p in paragraphs] == [
        "First line of one paragraph goes on here.",
        "Second one.",
    ]


def test_numbered_paragraphs_keep_their_number_as_their_name() -> None:
    text = (
        "Draft statement\n1. The Security Council recalls all its previous resolutions on "
        "the matter.\n2. The Security Council decides to remain actively seized of the matter."
    )
    paragraphs = segment(clean(text))
    assert [(p.label, p.name, p.compared) for p in paragraphs] == [
        (None, "", False),  # a title: under 7 words, not compared, no name
        ("1", "1", True),
        ("2", "2", True),
    ]
    assert paragraphs[1].text.startswith("The Security Council recalls")


def test_quoted_paragraphs_split_at_an_opening_quote_after_a_sentence() -> None:
    text = (
        "“The Security Council recalls its resolutions on\n"
        "“the situation” in the region.\n"
        "“The Security Council stresses the importance of dialogue.”"
    )
    paragraphs = segment(clean(text))
    assert [p.text for p in paragraphs] == [
        "The Security Council recalls its resolutions on “the situation” in the region.",
        "The Security Council stresses the importance of dialogue.",
    ]


def test_a_leading_security_council_is_compared_but_not_counted() -> None:
    [p] = segment(clean("The Security Council condemns the attack in the strongest terms."))
    assert p.skip == 3
    assert p.words[:3] == ["the", "security", "council"]
    [q] = segment(clean("Condemns the attack in the strongest terms and the rest."))
    assert q.skip == 0


def test_cleaning_removes_control_and_invisible_characters() -> None:
    text = clean("The\x00 Security\u200b Council\r\nsays\x07 peace-\u00adkeeping \ud800.")
    assert "\x00" not in text and "\u200b" not in text and "\x07" not in text
    assert "\r" not in text and "\ud800" not in text
    assert "peace-keeping" in text


@pytest.mark.parametrize("text", ["", "   \n\n  ", "!!! ... ???", "\x00\x01\x02"])
def test_a_draft_without_words_is_refused_with_a_reason(text: str) -> None:
    with pytest.raises(EmptyDraft, match="no words"):
        clean(text)


def test_a_draft_over_the_limits_is_refused_with_a_reason() -> None:
    with pytest.raises(DraftTooLong, match=f"{MAX_WORDS:,} words"):
        clean("word " * (MAX_WORDS + 1))
    with pytest.raises(DraftTooLong, match=f"{MAX_CHARS:,} characters"):
        clean("x" * (MAX_CHARS + 1))


# --- precedents and comparison, on the seeds --------------------------------------------------


def insert_word(text: str) -> str:
    return text.replace("The Security Council ", "The Security Council firmly ", 1)


def drop_word(text: str) -> str:
    """Without its first "further", else its first "organized"."""
    word = " further " if " further " in text else " organized "
    return text.replace(word, " ", 1)


def swap_sentences(text: str) -> str:
    sentences = re.split(r"(?<=\.) ", text)
    return " ".join([sentences[1], sentences[0], *sentences[2:]])


def typography(text: str) -> str:
    """Straight quotes and apostrophes, hyphens dropped, curly quotes around, upper case."""
    return "“" + text.replace("’", "'").replace("-", " ").upper() + "”"


@pytest.mark.parametrize(
    ("statement", "number", "edit", "inserted", "deleted"),
    [
        (NEW, 9, insert_word, ["firmly"], []),
        (NEW, 9, drop_word, [], ["organized"]),
        (OLD, 6, drop_word, [], ["further"]),
        (OLD, 6, swap_sentences, None, None),
        (OLD, 9, typography, None, None),
        (NEW, 3, typography, None, None),
    ],
)
def test_an_edited_paragraph_finds_its_source_as_the_closest_precedent(
    seeded_db: Path,
    engine: Engine,
    statement: str,
    number: int,
    edit: Callable[[str], str],
    inserted: list[str] | None,
    deleted: list[str] | None,
) -> None:
    report = check(engine, edit(plain(engine, statement, number)))
    [paragraph] = report.paragraphs
    closest = paragraph.closest
    assert closest is not None
    assert (closest.place.statement.id, closest.place.number) == (statement, number)
    assert paragraph.share > 0.9
    pieces = paragraph.diff()
    if inserted is not None:
        assert changed_words(pieces, "insert") == inserted
        assert changed_words(pieces, "delete") == deleted
        assert paragraph.new_language() == inserted  # one new word, between two runs
    if edit is typography:
        assert paragraph.share == 1.0
        assert paragraph.new_language() == []


def test_equal_precedents_are_listed_oldest_first(seeded_db: Path, engine: Engine) -> None:
    """Paragraph 1 is the same in both seeds: the 2012 statement comes first."""
    report = check(engine, plain(engine, NEW, 1))
    [paragraph] = report.paragraphs
    assert [(p.place.statement.id, p.place.number, p.similarity) for p in paragraph.precedents][
        :2
    ] == [(OLD, 1, 1.0), (NEW, 1, 1.0)]


def test_wholly_new_language_finds_nothing_and_says_so(seeded_db: Path, engine: Engine) -> None:
    report = check(engine, NEW_WORDS)
    [paragraph] = report.paragraphs
    assert paragraph.precedents == [] and paragraph.runs == []
    assert paragraph.wholly_new and report.share == 0.0
    assert report.new_paragraphs == [paragraph.paragraph]
    assert paragraph.new_language() == [NEW_WORDS.rstrip(".")]


def test_a_mixed_draft_splits_agreed_and_new_language(seeded_db: Path, engine: Engine) -> None:
    agreed = plain(engine, NEW, 9)
    added = "It welcomes the new regional initiative launched in Lomé by the coastal States"
    draft = f"1. {agreed}\n\n2. {NEW_WORDS}\n\n3. {agreed[:-1]}, and {added.lower()}."
    report = check(engine, draft)
    first, second, third = report.paragraphs
    assert first.share == 1.0 and not first.new_language()
    assert second.wholly_new
    assert third.new_language() == [f"and {added.lower()}"]
    assert third.closest is not None and third.closest.place.statement.id == NEW
    assert [p.name for p in report.new_paragraphs] == ["2"]
    counted = first.words + second.words + third.words
    assert report.words == counted
    assert report.agreed_words == first.words + third.words - len(f"and {added}".split())
    assert report.leaned_on[0].statement.id == NEW
    assert [p.name for p in report.leaned_on[0].paragraphs] == ["1", "3"]


def test_an_agreed_run_is_dated_exactly_from_the_index(seeded_db: Path, engine: Engine) -> None:
    report = check(engine, plain(engine, NEW, 1))
    [run] = report.paragraphs[0].runs
    assert run.history is not None
    assert run.history.how == "index" and run.history.exact
    assert run.history.first is not None and run.history.latest is not None
    assert (run.history.first.statement.id, run.history.first.number) == (OLD, 1)
    assert (run.history.latest.statement.id, run.history.latest.number) == (NEW, 1)
    assert run.history.statements == 2


def test_formula_finds_precedents_through_its_listed_holders(
    db_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With MAX_DF at 1, every fingerprint two seed paragraphs share is formula: it proposes no
    candidate (and ingest relates no paragraph to another), and the draft still finds where its
    wording was first used among the formula's listed holders."""
    monkeypatch.setattr(reuse, "MAX_DF", 1)
    monkeypatch.setattr(draft_check, "MAX_DF", 1)
    ingest(engine, [SEEDS_DIR])
    report = check(engine, plain(engine, NEW, 1))
    [paragraph] = report.paragraphs
    assert paragraph.share == 1.0
    # The formula's first listed holder: the oldest paragraph with this wording.
    assert [(p.place.statement.id, p.place.number) for p in paragraph.precedents] == [(OLD, 1)]
    [run] = paragraph.runs
    assert run.history is not None and run.history.how == "compared"
    assert not run.history.exact


# --- the page and the API ---------------------------------------------------------------------


def test_the_form_is_linked_from_the_header_and_the_home_page(client: TestClient) -> None:
    home = parse_html(client.get("/").text)
    assert "/draft" in hrefs(home.select(tag="nav")[0])
    assert "/draft" in hrefs(home.select(tag="main")[0])
    response = client.get("/draft")
    assert response.status_code == 200
    [form] = parse_html(response.text).select(tag="form", cls="draft-form")
    assert form.attrs["method"] == "post" and form.attrs["action"].startswith("/draft")
    assert [t.attrs["name"] for t in form.select(tag="textarea")] == ["text"]
    assert "never stored, logged, cached or put in an address" in response.text


def test_the_page_answers_paragraph_by_paragraph(client: TestClient, engine: Engine) -> None:
    draft = f"{insert_word(plain(engine, NEW, 9))}\n\n{NEW_WORDS}"
    response = client.post("/draft", data={"text": draft})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    html = response.text
    first = part(html, "d1")
    assert f"/statements/{NEW}#p9" in hrefs(first.select(cls="closest")[0])
    assert [e.text for e in first.select(cls="diff")[0].select(tag="ins")] == ["firmly"]
    searches = [a.attrs["href"] for a in first.select(cls="all-uses")]
    assert searches and all(h.startswith("/search?q=%22") for h in searches)
    assert "wholly-new" in part(html, "d2").attrs["class"]
    assert "Paragraph 2</a>: no run of 7 words" in html
    [textarea] = parse_html(html).select(tag="textarea")
    assert "Purple elephants" in textarea.text  # kept in the form, to edit and check again


def test_the_api_answers_the_same_as_json(client: TestClient, engine: Engine) -> None:
    response = client.post("/api/draft", json={"text": plain(engine, NEW, 9)})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    [paragraph] = body["paragraphs"]
    assert paragraph["precedents"][0]["url"] == f"/statements/{NEW}#p9"
    assert paragraph["agreed_share"] == 1.0 and body["new_paragraphs"] == []
    assert paragraph["agreed_runs"][0]["history"]["source"] == "index"
    schema = client.get("/openapi.json").json()
    assert "post" in schema["paths"]["/api/draft"]
    assert "DraftOut" in json.dumps(schema["paths"]["/api/draft"])


HOSTILE = [
    ("<script>alert(1)</script> " * 5, 200),
    ("\x00\x01\x1b[31m control \x7f characters \u202e everywhere in this text here", 200),
    ("", 400),
    ("a" * 1_000_000, 400),
    ("word " * (MAX_WORDS + 10), 400),
]


@pytest.mark.parametrize(
    ("text", "status"), HOSTILE, ids=["html", "control", "empty", "1MB", "words"]
)
def test_hostile_drafts_get_a_clear_answer(client: TestClient, text: str, status: int) -> None:
    page = client.post("/draft", data={"text": text})
    assert page.status_code == status
    assert "<script>alert" not in page.text
    if status == 400:
        [message] = parse_html(page.text).select(cls="draft-error")
        assert "no words" in message.text or "at a time" in message.text
    api = client.post("/api/draft", json={"text": text})
    assert api.status_code == status
    assert "detail" in api.json() if status == 400 else "paragraphs" in api.json()


def test_a_body_over_the_limit_is_refused_before_it_is_read(client: TestClient) -> None:
    body = b"text=" + b"x" * (4 * 1024 * 1024)
    form = {"content-type": "application/x-www-form-urlencoded"}
    page = client.post("/draft", content=body, headers=form)
    assert page.status_code == 413
    assert "too long" in parse_html(page.text).select(cls="draft-error")[0].text
    api = client.post("/api/draft", content=b'{"text": "' + b"x" * (4 << 20) + b'"}')
    assert api.status_code == 413 and "too long" in api.json()["detail"]


def test_malformed_bodies_are_answered_without_a_500(client: TestClient) -> None:
    lone_surrogate = b'{"text": "\\ud800 The Security Council reaffirms its commitment"}'
    json_type = {"content-type": "application/json"}
    assert client.post("/api/draft", content=lone_surrogate, headers=json_type).status_code == 200
    assert client.post("/api/draft", content=b"not json", headers=json_type).status_code == 422
    assert client.post("/api/draft", json={"text": 5}).status_code == 422
    bad_form = {"content-type": "application/x-www-form-urlencoded"}
    assert client.post("/draft", content=b"\xff\xfe=%ff", headers=bad_form).status_code == 400
    multipart = {"content-type": "multipart/form-data; boundary=x"}
    assert client.post("/draft", content=b"garbage", headers=multipart).status_code == 400


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=300))
def test_any_text_gives_a_page_never_a_500(client: TestClient, text: str) -> None:
    response = client.post("/draft", data={"text": text})
    assert response.status_code in (200, 400)


# --- confidential by design -------------------------------------------------------------------

SECRET = "Zanzibar quietly annexes the moon with eleven purple submarines tonight"


def server_log(caplog: pytest.LogCaptureFixture) -> str:
    """What the archive logged (not the test client's own log of the URLs it requested)."""
    return "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("httpx"))


def test_a_draft_in_the_address_is_refused_and_never_logged(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    response = client.get(f"/draft?text={SECRET.replace(' ', '+')}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/draft?refused"
    assert "Zanzibar" not in response.headers["location"]
    refused = client.get("/draft?refused")
    assert "never taken from a web address" in refused.text
    assert "Zanzibar" not in server_log(caplog)


def test_a_posted_draft_is_not_logged_cached_or_echoed_in_headers(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    app = client.app
    pages_before = len(app.state.pages)  # type: ignore[attr-defined]
    for path, body in (
        ("/draft", {"data": {"text": SECRET}}),
        ("/api/draft", {"json": {"text": SECRET}}),
    ):
        response = client.post(path, **body)  # type: ignore[arg-type]
        assert response.status_code == 200
        assert response.headers["cache-control"] == "no-store"
        assert "Zanzibar" not in str(response.headers)
    assert "POST /draft 200" in server_log(caplog) and "POST /api/draft 200" in server_log(caplog)
    assert "Zanzibar" not in server_log(caplog)
    assert len(app.state.pages) == pages_before  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("failure", "status"),
    [
        (OperationalError("SELECT 1 WHERE x = ?", (SECRET,), Exception("disk I/O error")), 503),
        (ValueError(f"cannot handle {SECRET}"), 500),
    ],
    ids=["database", "bug"],
)
def test_a_failure_is_answered_and_logged_without_the_draft(
    client: TestClient,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    failure: Exception,
    status: int,
) -> None:
    def failing(*args: object, **kwargs: object) -> None:
        raise failure

    monkeypatch.setattr(web_drafts, "check_draft", failing)
    caplog.set_level(logging.DEBUG)
    page = client.post("/draft", data={"text": SECRET})
    assert page.status_code == status
    assert parse_html(page.text).select(cls="draft-error")
    api = client.post("/api/draft", json={"text": SECRET})
    assert api.status_code == status and "Zanzibar" not in api.json()["detail"]
    assert "draft check" in server_log(caplog)
    assert "Zanzibar" not in server_log(caplog)


# --- the command line -------------------------------------------------------------------------


@pytest.fixture
def draft_file(tmp_path: Path, engine: Engine, seeded_db: Path) -> Path:
    path = tmp_path / "draft.txt"
    path.write_text(f"1. {plain(engine, NEW, 9)}\n\n2. {NEW_WORDS}\n", encoding="utf-8")
    return path


def test_archive_draft_prints_the_report(
    seeded_db: Path, draft_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(["--db", str(seeded_db), "draft", str(draft_file)]) == 0
    out = capsys.readouterr().out
    assert "Paragraph 1: 100% agreed" in out
    assert "closest precedent: S/PRST/2023/6, para. 9 (7 December 2023)" in out
    assert "Paragraph 2: new language" in out
    assert "wholly new paragraphs: 2" in out


def test_archive_draft_json_is_the_api_answer(
    seeded_db: Path, draft_file: Path, client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(["--db", str(seeded_db), "draft", "--json", str(draft_file)]) == 0
    printed = json.loads(capsys.readouterr().out)
    api = client.post("/api/draft", json={"text": draft_file.read_text()}).json()
    assert printed == api


def test_archive_draft_exact_dates_short_runs_by_phrase_search(
    seeded_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ "calls on all Member States to" ... is shared by 2012 para 7 and 2023 para 8 as a short
    run only: the index cannot date it, the phrase search can."""
    path = tmp_path / "draft.txt"
    path.write_text(
        "The Security Council calls on all Member States to plant trees along every river.",
        encoding="utf-8",
    )
    assert cli(["--db", str(seeded_db), "draft", "--json", "--exact", str(path)]) == 0
    [run] = json.loads(capsys.readouterr().out)["paragraphs"][0]["agreed_runs"]
    assert run["history"]["source"] == "search"
    assert run["history"]["first"]["statement_id"] == OLD
    assert run["history"]["statements"] == 2


def test_archive_draft_says_what_is_wrong(
    seeded_db: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    assert cli(["--db", str(seeded_db), "draft", str(tmp_path / "missing.txt")]) == 2
    assert "missing.txt: cannot be read" in caplog.text
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    assert cli(["--db", str(seeded_db), "draft", str(empty)]) == 1
    assert "no words" in caplog.text


# --- the real statements ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    from tests.conftest import CORPUS_DIR

    if not CORPUS_DIR.is_dir():
        pytest.skip("../shared/corpus is not beside this checkout")
    db = tmp_path_factory.mktemp("corpus") / "archive.db"
    migrate(db)
    engine = make_engine(db)
    report = ingest(engine, [CORPUS_DIR])
    assert not report.failed
    yield engine
    engine.dispose()


EDITS = [insert_word, drop_word, typography]


@pytest.mark.corpus
def test_edited_real_paragraphs_find_their_source(corpus_engine: Engine) -> None:
    """Every 23rd paragraph of the real statements (those of 25 words or more), edited: the
    closest precedent is the paragraph itself, or one with the same words."""
    with corpus_engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT p.id, s.id, p.number, p.plain FROM paragraph p "
            "JOIN statement s ON s.pk = p.statement_pk ORDER BY p.id"
        ).all()
    sample = [r for r in rows if len(r[3].split()) >= 25][::23]
    assert len(sample) > 20
    texts = {(sid, number): text for _, sid, number, text in rows}
    misses = []
    for i, (_, sid, number, text) in enumerate(sample):
        edit = EDITS[i % len(EDITS)]
        [paragraph] = check(corpus_engine, edit(text)).paragraphs
        closest = paragraph.closest
        found = (closest.place.statement.id, closest.place.number) if closest else None
        if found != (sid, number) and (found is None or texts[found].split() != text.split()):
            misses.append((sid, number, edit.__name__, found))
    assert misses == []
