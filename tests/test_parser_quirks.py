"""The parser on variants written to stress each quirk of real statement files."""

from __future__ import annotations

import pytest

from app.parse.statement import ParseError, decode, parse_statement

HEADER = """\


## Security Council

Distr.: General{trailing}
25 April 2012

Original: French

---

### Statement by the President of the Security Council

At the 6760th meeting of the Security Council, held on 25 April 2012, in connection with \
the Council’s consideration of the item entitled “Threats to international peace and \
security”, the President of the Security Council made the following statement on behalf \
of the Council:

""".format(trailing="  ")


def parse(body: str, header: str = HEADER):  # type: ignore[no-untyped-def]
    return parse_statement(header + body)


def test_curly_and_straight_quotes_both_open_paragraphs() -> None:
    s = parse('"The Council first.\n\n“The Council second.\n\n"The Council third.”\n')
    assert [p.text for p in s.paragraphs] == [
        "The Council first.",
        "The Council second.",
        "The Council third.",
    ]


def test_curly_quoted_agenda_item_and_original_language() -> None:
    s = parse('"The Council acts."\n')
    assert s.agenda_item == "Threats to international peace and security"
    assert s.original_language == "French"


def test_blank_lines_inside_a_sentence_do_not_split_it() -> None:
    s = parse(
        '"The Council calls on States to secure their borders against illicit\n\n\n\n'
        'cross-border trafficking.\n\n"The Council ends."\n'
    )
    assert len(s.paragraphs) == 2
    assert s.paragraphs[0].text == (
        "The Council calls on States to secure their borders against illicit "
        "cross-border trafficking."
    )


def test_wrapped_lines_are_joined_and_a_quoted_title_mid_sentence_does_not_split() -> None:
    s = parse(
        '"The Council recalls the item entitled\n“Threats to peace” and its work.\n'
        '"The Council ends."\n'
    )
    assert [p.text[:24] for p in s.paragraphs] == [
        "The Council recalls the ",
        "The Council ends.",
    ]


def test_trailing_spaces_rules_and_headings_are_not_text() -> None:
    s = parse('"The Council acts.   \n\n---\n\n"The Council ends."  \n\n---\n')
    assert [p.text for p in s.paragraphs] == ["The Council acts.", "The Council ends."]


def test_escaped_link_syntax_gives_the_plain_reference() -> None:
    s = parse('"The Council recalls resolutions [1373 \\(2001\\)](#) and 1540 \\(2004\\)."\n')
    assert s.paragraphs[0].text == "The Council recalls resolutions 1373 (2001) and 1540 (2004)."


def test_emphasis_is_kept_and_plain_text_drops_it() -> None:
    s = parse('"The Council *strongly condemns* the attack."\n')
    assert s.paragraphs[0].text == "The Council *strongly condemns* the attack."
    assert s.paragraphs[0].plain == "The Council strongly condemns the attack."


def test_windows_line_endings_and_bom() -> None:
    raw = ("\ufeff" + HEADER + '"The Council acts.\n\n"The Council ends."\n').replace("\n", "\r\n")
    s = parse_statement(decode(raw.encode("utf-8")))
    assert len(s.paragraphs) == 2
    assert s.meeting_number == 6760


def test_symbol_printed_in_the_text_is_read() -> None:
    s = parse('"The Council acts."\n', header="S/PRST/2012/16\n" + HEADER)
    assert s.symbol == "S/PRST/2012/16"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (HEADER, "no paragraphs"),
        ("", "the file is empty"),
        (" \n\n\f\n  \n", r"the file is empty \(only blank lines and spaces\)"),
        ("Just some text.\n\nNothing like a statement.", "no introductory sentence"),
        (
            "At the 100th meeting of the Security Council, the President said on behalf "
            'of the Council:\n"The Council acts."\n',
            "no date",
        ),
    ],
)
def test_malformed_statements_raise_a_clear_reason(text: str, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_statement(text)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [(b"\xff\xfe\x00a", "NUL byte"), (b"caf\xe9 statement", "not valid UTF-8")],
)
def test_undecodable_bytes_are_rejected(raw: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        decode(raw)
