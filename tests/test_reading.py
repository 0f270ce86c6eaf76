"""From a hit to the text, and citing it: statement and paragraph pages name what the
statement is about, link the UN's copies, keep the text first, and take a reader from a
search hit to the matching paragraphs."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.html import parse_html, words

ORGANIZED = '"organized criminal groups and networks"'
TOPIC = "Threats to international peace and security"


def test_statement_h1_and_title_name_the_topic_with_the_symbol(client: TestClient) -> None:
    page = parse_html(client.get("/statements/S-PRST-2012-16").text)
    assert " ".join(page.select(tag="h1")[0].text.split()) == f"S/PRST/2012/16: {TOPIC}"
    assert page.select(tag="title")[0].text == f"S/PRST/2012/16: {TOPIC} · PRST Archive"
    links = {a.text: a.attrs["href"] for a in page.select(tag="a")}
    assert links["Official document"] == "https://undocs.org/S/PRST/2012/16"
    assert links["UN Digital Library"] == "https://digitallibrary.un.org/search?p=S/PRST/2012/16"


def test_paragraph_page_names_the_topic_and_copies_its_citation(client: TestClient) -> None:
    page = parse_html(client.get("/statements/S-PRST-2012-16/paragraphs/9").text)
    h1 = " ".join(page.select(tag="h1")[0].text.split())
    assert h1 == f"S/PRST/2012/16, paragraph 9 of 11: {TOPIC}"
    cite = page.select(cls="copy-citation")[0]
    assert cite.attrs["data-copy-text"] == "S/PRST/2012/16, para. 9 (25 April 2012)"
    assert cite.attrs["href"] == "#citation"  # without JavaScript: the citation, in view
    link = page.select(cls="copy-link")[0]
    assert link.attrs["data-copy-url"] == "/statements/S-PRST-2012-16#p9"


def test_each_paragraph_offers_one_link_and_hides_its_actions_until_opened(
    client: TestClient,
) -> None:
    page = parse_html(client.get("/statements/S-PRST-2023-6").text)
    for paragraph in page.select(cls="paragraph"):
        actions = paragraph.select(cls="para-actions")
        assert len(actions) == 1
        assert [a.text for a in actions[0].select(tag="a")] == ["Copy link", "Copy citation"]
    css = client.get("/static/style.css").text
    assert ".para-actions { visibility: hidden; }" in css
    assert ".paragraph:hover .para-actions, .paragraph:target .para-actions" in css
    assert "opacity: .75" not in css


def test_the_agreed_language_note_links_the_statement_and_paragraph(client: TestClient) -> None:
    page = parse_html(client.get("/statements/S-PRST-2023-6").text)
    p9 = page.by_id("p9")
    assert p9 is not None
    note = p9.select(cls="reuse-note")[0]
    first = note.select(tag="a")[0]
    assert (first.text, first.attrs["href"]) == (
        "S/PRST/2012/16, para. 4",
        "/statements/S-PRST-2012-16#p4",
    )
    assert "First in this archive in" in words(str(note.text))


def test_a_hit_opens_its_statement_at_the_first_match(client: TestClient) -> None:
    page = parse_html(client.get("/search", params={"q": ORGANIZED}).text)
    groups = page.select(cls="hit-group")
    heads = {g.select(tag="h2")[0].text: g.select(tag="h2")[0] for g in groups}
    link = heads["S/PRST/2012/16"].select(tag="a")[0].attrs["href"]
    assert (
        link
        == "/statements/S-PRST-2012-16?q=%22organized%20criminal%20groups%20and%20networks%22#p4"
    )


def test_hits_link_meeting_agenda_permalink_and_citation(client: TestClient) -> None:
    page = parse_html(client.get("/search", params={"q": ORGANIZED}).text)
    group = next(g for g in page.select(cls="hit-group") if "S/PRST/2012/16" in g.text)
    meta = {a.text: a.attrs["href"] for a in group.select(cls="meta")[0].select(tag="a")}
    assert meta["meeting 6760"] == "/meetings/6760"
    assert meta[TOPIC] == "/agenda/threats-to-international-peace-and-security"
    hit = group.select(cls="hit")[0]
    copy = hit.select(cls="copy-link")[0]
    assert copy.attrs["data-copy-url"] == "/statements/S-PRST-2012-16#p4"
    cite = hit.select(cls="copy-citation")[0]
    assert cite.attrs["data-copy-text"] == "S/PRST/2012/16, para. 4 (25 April 2012)"
    labels = [" ".join(label.text.split()) for label in page.select(tag="label")]
    assert "From year" in labels and "To year" in labels


def test_marks_notice_quotes_once_and_lists_the_matching_paragraphs(client: TestClient) -> None:
    r = client.get("/statements/S-PRST-2012-16", params={"q": ORGANIZED})
    bar = parse_html(r.text).select(cls="marks")[0]
    text = " ".join(bar.text.split())
    assert text.startswith('Marking "organized criminal groups and networks": paragraphs 4, 6')
    assert '“"' not in r.text and '"”' not in text
    assert bar.attrs["data-matches"] == "4 6"
    assert [a.attrs["href"] for a in bar.select(cls="match-link")] == ["#p4", "#p6"]
    buttons = [b.attrs["data-match"] for b in bar.select(tag="button")]
    assert buttons == ["previous", "next"]


def test_previews_skip_language_agreed_before_and_references_back(client: TestClient) -> None:
    page = parse_html(client.get("/").text)
    previews = {
        s.select(tag="a")[0].text: " ".join(s.select(cls="opening")[0].text.split())
        for s in page.select(cls="statement-summary")
    }
    # S/PRST/2023/6 opens by reaffirming; its paragraphs 2-4 repeat S/PRST/2012/16.
    assert previews["S/PRST/2023/6"].startswith("Para. 5: The Security Council expresses")
    assert "reaffirms its primary responsibility" not in previews["S/PRST/2023/6"]
    assert previews["S/PRST/2012/16"].startswith("Para. 2:")
