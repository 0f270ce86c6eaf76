"""The statement's own paragraphs (README, 'Identity'): unquoted statements, dash bullets,
statements that number their paragraphs, and annexes."""

from __future__ import annotations

from app.parse.statement import parse_statement

HEADER = """\
S/PRST/2002/50

Security Council

Distr.: General
31 January 2002

Statement by the President of the Security Council

At the 4400th meeting of the Security Council, held on 31 January 2002, in
connection with the Council’s consideration of the item entitled “The situation in
Africa”, the President of the Security Council made the following statement on
behalf of the Council:
"""


def paragraphs(body: str) -> list[str]:
    return [p.text for p in parse_statement(HEADER + body).paragraphs]


# Justified lines of about 78 characters, printed without quotation marks; one line is far
# longer because pdftotext glued a hyphenated word's halves across the line end.
UNQUOTED = """\
The Security Council stresses that good governance, democracy, the rule of
law and respect for human rights are essential for peace, stability and lasting
development in Africa. It also stresses the importance of national dialogue.
It expresses its strong support to the decisions of the Heads of State at the
Summit held in Algiers denying recognition to Governments that come to power
through unconstitutional means.
The Security Council notes that African States can contribute to peace
and security in the continent by implementing transparency and {glued}
States to implement the Programme of Action on small arms in all its aspects.
The Security Council commends the efforts of African countries in the fight
against international terrorism.
It calls upon the donor countries and the financial institutions to continue
assisting Africa in implementing the initiative for heavily indebted countries.

02-23871 (E) 310102

*0223871*

S/PRST/2002/50

It further encourages them to work with African Governments.
""".format(
    glued="confidencebuilding measures. In this regard, the Security Council reiterates its "
    "call on all"
)


def test_unquoted_paragraph_ends_at_a_short_line_and_it_sentences_continue() -> None:
    got = paragraphs(UNQUOTED)
    assert [p[:40] for p in got] == [
        "The Security Council stresses that good ",
        "The Security Council notes that African ",
        "The Security Council commends the effort",
        "It calls upon the donor countries and th",
    ]
    assert "national dialogue. It expresses its strong support" in got[0]
    assert got[3].endswith(
        "heavily indebted countries. It further encourages them to work with African Governments."
    )


def test_unquoted_page_break_after_a_full_stop_is_not_a_paragraph_break() -> None:
    body = (
        "The Security Council welcomes the report of the Secretary-General on the\n"
        "situation in the region and the work of his Special Representative there.\n"
        "\n\fS/PRST/2002/50\n\n"
        "It further welcomes the progress made by the parties in the peace talks.\n"
    )
    assert len(paragraphs(body)) == 1


def test_unquoted_blank_line_between_paragraphs_separates_them() -> None:
    body = (
        "The Security Council welcomes the report of the Secretary-General on the\n"
        "situation in the region and the work of his Special Representative there.\n"
        "\n"
        "It further welcomes the progress made by the parties in the peace talks.\n"
    )
    assert len(paragraphs(body)) == 2


def test_quoted_paragraphs_that_end_with_a_comma_are_paragraphs() -> None:
    body = (
        "“The Security Council reiterates its primary responsibility for the\n"
        "maintenance of international peace and security, and recalls that the\n"
        "cooperation with regional organizations can improve collective security,\n"
        "“The Security Council recalls its previous resolutions and statements,\n"
        "“The Council underscores the importance of supporting the African Union.”\n"
    )
    assert len(paragraphs(body)) == 3


DASHES = """\
“The Security Council welcomes the progress made in the three following areas:
– the appointment of a new Special Representative. The Security Council also
welcomes her visits;
– the monitoring and reporting mechanism, which the Secretary-General is
invited to accelerate;

10-23943 (E) 120210

– the activities of its Working Group, as outlined in the report by its Chair
(S/2006/497).
“The Security Council underlines the importance of reintegration.
“The Security Council will remain seized of the matter.”
"""


def test_dash_bullets_are_items_of_their_paragraph_each_on_a_line() -> None:
    got = paragraphs(DASHES)
    assert len(got) == 3
    lead, *items = got[0].split("\n")
    assert lead.endswith("in the three following areas:")
    assert items == [
        "– the appointment of a new Special Representative. The Security Council also "
        "welcomes her visits;",
        "– the monitoring and reporting mechanism, which the Secretary-General is invited "
        "to accelerate;",
        "– the activities of its Working Group, as outlined in the report by its Chair "
        "(S/2006/497).",
    ]


def test_a_dash_inside_a_sentence_is_not_a_bullet() -> None:
    body = (
        "“The Security Council recalls the principle of land for peace\n"
        "— which formed the basis of the Madrid Conference — and the talks.”\n"
    )
    assert paragraphs(body) == [
        "The Security Council recalls the principle of land for peace — which formed the "
        "basis of the Madrid Conference — and the talks."
    ]


NUMBERED = """\
"The Security Council has reviewed the issue of demining in peace-keeping.
"The Security Council, bearing in mind its responsibilities, states the following:
"1. Operational demining should be an integral part of peace-keeping mandates.
"2. The early deployment of mine clearance units will often be important.
"3. The tasks of operational and humanitarian mine clearance are different.
"The Security Council, thus, is of the opinion that coordination could be improved.
"4. The primary responsibility for demining lies with the parties.
"The Security Council will keep this issue under review."
"""


def test_a_statement_that_numbers_its_paragraphs_keeps_its_numbers() -> None:
    got = paragraphs(NUMBERED)
    assert [p[:2] for p in got[1:]] == ["2.", "3.", "4."]
    assert got[0].startswith("The Security Council has reviewed the issue")
    assert "states the following: 1. Operational demining" in got[0]
    assert got[2].endswith(
        "are different. The Security Council, thus, is of the opinion "
        "that coordination could be improved."
    )
    assert got[3].endswith(
        "lies with the parties. The Security Council will keep this issue under review."
    )


def test_a_short_numbered_list_at_the_end_does_not_renumber_the_statement() -> None:
    body = (
        '"The Security Council welcomes the report.\n'
        '"The Security Council notes the progress made.\n'
        '"The Security Council stresses the needs of refugees.\n'
        '"The Security Council agrees on the following:\n'
        '"1. Meetings will be held monthly.\n'
        '"2. Reports will be circulated in advance."\n'
    )
    got = paragraphs(body)
    assert len(got) == 6 and got[4].startswith("1. Meetings")


def test_numbers_out_of_sequence_are_left_alone() -> None:
    body = '"1. The Council acts.\n"3. The Council ends.\n"4. The Council leaves."\n'
    assert [p[:2] for p in paragraphs(body)] == ["1.", "3.", "4."]


def test_an_annex_keeps_its_heading_and_paragraphs_as_notes() -> None:
    body = (
        "“The Security Council welcomes the Joint Statement annexed to this statement.”\n\n"
        "02-32528 (E)\n\n*0232528*\n\n\fS/PRST/2002/50\n\nAnnex\nJoint Statement\n"
        "The representatives of the Quartet met in Madrid today and reviewed the escalating\n"
        "confrontation in the Middle East.\n"
        "We express our grave concern about the present situation, including the mounting\n"
        "humanitarian crisis.\n"
        "Madrid — 10 April 2002\n\n2\n"
    )
    s = parse_statement(HEADER + body)
    assert len(s.paragraphs) == 1
    assert (s.footnotes or "").split("\n") == [
        "Annex",
        "Joint Statement",
        "The representatives of the Quartet met in Madrid today and reviewed the escalating "
        "confrontation in the Middle East.",
        "We express our grave concern about the present situation, including the mounting "
        "humanitarian crisis.",
        "Madrid — 10 April 2002",
    ]
