"""Hostile statement files: archived faithfully as text or rejected with a clear reason."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from app.ingest.pipeline import ingest
from app.parse.statement import ParseError, decode, parse_statement
from app.web.app import create_app

HEADER = (
    "S/PRST/2031/1\n\nSecurity Council\n\nDistr.: General\n3 March 2031\nOriginal: English\n\n"
    "Statement by the President of the Security Council\n"
    "At the 9999th meeting of the Security Council, held on 3 March 2031, in connection with the "
    "Council’s consideration of the item entitled “<b>Hostile</b> & agenda”, the President of the "
    "Security Council made the following statement on behalf of the Council:\n"
)
HOSTILE_BODY = (
    "“The Security Council <script>alert('x')</script> condemns "
    '"><img src=x onerror=alert(1)> attacks.\n'
    "“The Council notes &amp; &lt;b&gt; entities and [a link](javascript:alert(2)) here.\n"
    "“The Council *ends* here.”\n"
)


@pytest.fixture
def hostile_client(tmp_path: Path, db_path: Path, engine: Engine) -> TestClient:
    path = tmp_path / "hostile.txt"
    path.write_text(HEADER + HOSTILE_BODY, encoding="utf-8")
    report = ingest(engine, [path])
    assert not report.failed, report.failed
    return TestClient(create_app(db_path))


def test_markup_in_a_statement_is_archived_as_text(tmp_path: Path) -> None:
    parsed = parse_statement(HEADER + HOSTILE_BODY)
    assert parsed.agenda_item == "<b>Hostile</b> & agenda"
    assert "<script>alert('x')</script>" in parsed.paragraphs[0].text
    assert "&amp; &lt;b&gt;" in parsed.paragraphs[1].text
    # A link's address may hold parentheses: the link is its text, nothing of the address left.
    assert "entities and a link here." in parsed.paragraphs[1].text


def test_markup_in_a_statement_is_escaped_on_the_page(hostile_client: TestClient) -> None:
    with hostile_client as c:
        html = c.get("/statements/S-PRST-2031-1").text
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert "&lt;b&gt;Hostile&lt;/b&gt; &amp; agenda" in html
    assert "&amp;amp; &amp;lt;b&amp;gt;" in html  # entities shown as typed, not decoded
    assert 'href="javascript:' not in html and "alert(2)" not in html
    assert "<em>ends</em>" in html


def test_oversized_file_is_rejected_with_its_size(tmp_path: Path, engine: Engine) -> None:
    path = tmp_path / "huge.txt"
    path.write_text(HEADER + "“The Council " + "word " * 2_200_000 + "ends.”\n")
    report = ingest(engine, [path])
    assert [o.status for o in report.outcomes] == ["failed"]
    assert "bytes; a statement file is at most" in (report.outcomes[0].reason or "")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ((HEADER + HOSTILE_BODY).encode() + b"\x00", "NUL byte"),
        ((HEADER + "“The Council café.”\n").encode("utf-8") + "é".encode("latin-1"), "UTF-8"),
    ],
)
def test_binary_and_mixed_encodings_are_rejected(raw: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        decode(raw)


def test_bom_and_windows_line_endings_are_accepted() -> None:
    raw = ("\ufeff" + HEADER + "“The Council acts.\n“The Council ends.”\n").replace("\n", "\r\n")
    parsed = parse_statement(decode(raw.encode()))
    assert parsed.symbol == "S/PRST/2031/1"
    assert [p.text for p in parsed.paragraphs] == ["The Council acts.", "The Council ends."]


statement_like = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "",
                "\f",
                "S/PRST/2012/16",
                "Distr.: General",
                "7 December 2023",
                "Original: English",
                "Statement by the President of the Security Council",
                "At the 9497th meeting of the Security Council, held on 7 December 2023, in",
                "the item entitled “Threats”, the President made the following statement on "
                "behalf of the Council:",
                "“The Security Council reaffirms",
                '"The Council *notes* [2482 \\(2019\\)](#)',
                "(a) a lettered item;",
                "12-31999 (E) 250412",
                "*1231999*",
                "2/3",
                "---",
                "## Heading",
            ]
        ),
        st.text(max_size=80),
    ),
    max_size=60,
).map("\n".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(statement_like)
def test_parser_returns_a_statement_or_a_clear_error_quickly(text: str) -> None:
    started = time.perf_counter()
    try:
        parsed = parse_statement(text)
    except ParseError as exc:
        assert exc.reason
    else:
        assert parsed.paragraphs
        assert parsed.date is not None
    assert time.perf_counter() - started < 1.0


def test_a_file_that_takes_too_long_to_parse_is_skipped_with_a_reason(
    tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.ingest import prepare

    def slow(text: str) -> object:
        time.sleep(5)
        raise AssertionError("not reached")

    monkeypatch.setattr(prepare, "PARSE_SECONDS", 0.2)
    monkeypatch.setattr(prepare, "parse_document", slow)
    path = tmp_path / "slow.txt"
    path.write_text(HEADER + HOSTILE_BODY)
    started = time.perf_counter()
    report = ingest(engine, [path])
    assert time.perf_counter() - started < 3
    assert [o.status for o in report.outcomes] == ["failed"]
    assert "longer than 0.2 s" in (report.outcomes[0].reason or "")
