"""Page furniture (running headers, job numbers, barcodes, page numbers, end marks) is never
part of a paragraph, wherever pdftotext or a web page put it."""

from __future__ import annotations

import pytest

from app.parse.furniture import is_furniture, strip_glued_furniture
from app.parse.statement import parse_statement

HEADER = """\
S/PRST/2010/40*

Security Council

Distr.: General
1 July 2010

Statement by the President of the Security Council

At the 6400th meeting of the Security Council, held on 1 July 2010, in connection with the
Council’s consideration of the item entitled “Peace and security in Africa”, the President
of the Security Council made the following statement on behalf of the Council:
"""


def paragraphs(body: str) -> list[str]:
    return [p.text for p in parse_statement(HEADER + body).paragraphs]


@pytest.mark.parametrize(
    "line",
    [
        "10-41234 (E) 020710",
        "10-41234* (E) 020710",  # a reissued document's job number
        "10-41234*",
        "----95-01234 (E)",
        "*1041234*",
        "*",  # a barcode printed one character to a line
        "020710",
        "2",
        "2/3",
        "S/PRST/2010/40*",
        "English",
        "Page 2",
        "/...",
        "-----",
        "—–",  # a web page's end mark: em dash and en dash
    ],
)
def test_furniture_lines(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "The Council acts.",
        "49/75",  # a General Assembly resolution, not page 49 of 75
        "— which formed the basis of the talks",
        "– undertakes to review the mandates;",
        "2010",
    ],
)
def test_text_lines_are_not_furniture(line: str) -> None:
    assert not is_furniture(line)


@pytest.mark.parametrize(
    ("line", "text"),
    [
        ("and encourages troop 10-41234 (E) 020710", "and encourages troop"),
        ("and encourages troop10-41234 (E) 020710", "and encourages troop"),
        (
            "reflects the view of the Council.’” 10-41234* (E) 020710",
            "reflects the view of the Council.’”",
        ),
        (
            "the Council will keep the matter under review.2/3",
            "the Council will keep the matter under review.",
        ),
        ("the period 2009-2010 (E)", "the period 2009-2010 (E)"),
    ],
)
def test_furniture_glued_to_a_line_of_text_is_cut_off(line: str, text: str) -> None:
    assert strip_glued_furniture(line) == text


def test_a_reissued_documents_page_break_inside_a_sentence_is_joined() -> None:
    body = (
        "“The Council notes that the fight against impunity has been\n"
        "* Reissued for technical reasons.\n\n"
        "10-41234* (E) 020710\n\n*1041234*\n\n\fS/PRST/2010/40\n\n"
        "strengthened by the work of the courts.\n"
        "“The Council will remain seized of the matter.”\n\n"
        "10-41234* (E)\n\n*\n1\n0\n4\n1\n2\n3\n4\n*\n"
    )
    assert paragraphs(body) == [
        "The Council notes that the fight against impunity has been strengthened by the "
        "work of the courts.",
        "The Council will remain seized of the matter.",
    ]


def test_a_web_pages_dash_end_mark_is_not_text() -> None:
    body = '"The Council will keep the situation under review."\n—–\nDocument symbol: S/1\n'
    assert paragraphs(body) == ["The Council will keep the situation under review."]


def test_a_job_number_with_two_date_codes_is_furniture_wherever_it_falls() -> None:
    assert is_furniture("10-41234 (E) 020710 050710")
    assert is_furniture("020710 050710")
    glued = "keep the matter under review.” 10-41234 (E) 020710 050710"
    assert strip_glued_furniture(glued) == "keep the matter under review.”"
    found = paragraphs(
        "“The Council will remain seized of the matter.” 10-41234 (E) 020710 050710\n"
    )
    assert found == ["The Council will remain seized of the matter."]


def test_a_footnote_mark_alone_on_its_line_opens_the_footnote() -> None:
    """The 1990s layout: the star stands on its own line before the note; the note is not
    part of the last paragraph."""
    body = (
        "“The Council will remain seized of the matter.”\n"
        "\n"
        "*\n"
        "\n"
        "Reissued for technical reasons.\n"
        "\n"
        "*\n0\n3\n6\n*\n"
    )
    parsed = parse_statement(HEADER + body)
    assert [p.text for p in parsed.paragraphs] == ["The Council will remain seized of the matter."]
    assert parsed.footnotes == "* Reissued for technical reasons."
