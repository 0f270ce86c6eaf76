"""The research tools in Chromium, as a user meets them: subscribe to a phrase, save a
paragraph to a reference manager, narrow a search by its facets, download its results.
Screenshots at a desktop and a phone width go to test-artifacts/."""

from __future__ import annotations

import csv
import io
import json
import urllib.request

import feedparser
import pytest
import rispy

from tests.test_browser import browser, server, shot  # noqa: F401  (module-scoped fixtures)

pytestmark = pytest.mark.browser

PHRASE = '"organized criminal groups"'
WIDTHS = [1280, 390]


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return bytes(answer.read())


@pytest.mark.parametrize("width", WIDTHS)
def test_subscribe_to_a_phrase(server: str, browser, width: int) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(f"{server}/search?q={PHRASE}")
    follow = page.locator(".keep-search .feed-link")
    follow.scroll_into_view_if_needed()
    assert follow.is_visible()
    shot(page, f"research-subscribe-{width}")
    # The feed the link (and the page's rel="alternate") names, as a feed reader reads it.
    href = follow.get_attribute("href")
    alternate = page.eval_on_selector(
        'link[rel=alternate][href^="/search.atom"]', "e => e.getAttribute('href')"
    )
    assert href == alternate
    feed = feedparser.parse(fetch(server + str(href)))
    assert feed.bozo == 0
    assert [e.title.split(":")[0] for e in feed.entries] == ["S/PRST/2023/6", "S/PRST/2012/16"]
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_save_a_paragraph_to_a_reference_manager(server: str, browser, width: int) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = browser.new_page(viewport={"width": width, "height": 900}, accept_downloads=True)
    page.goto(f"{server}/statements/S-PRST-2012-16/paragraphs/9")
    # What a browser connector (Zotero's, Mendeley's) reads from the page.
    tags = page.eval_on_selector_all(
        'meta[name^="citation_"]', "ms => Object.fromEntries(ms.map(m => [m.name, m.content]))"
    )
    assert tags["citation_technical_report_number"] == "S/PRST/2012/16"
    assert tags["citation_title"].endswith(", paragraph 9")
    files = page.locator(".citation-files")
    files.scroll_into_view_if_needed()
    shot(page, f"research-cite-{width}")
    with page.expect_download() as download:
        files.get_by_text("RIS", exact=True).click()
    saved = download.value
    assert saved.suggested_filename == "S-PRST-2012-16-p9.ris"
    [entry] = rispy.loads(open(saved.path(), encoding="utf-8").read())  # noqa: SIM115
    assert entry["type_of_reference"] == "RPRT" and entry["urls"][0].endswith("#p9")
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_narrow_a_search_by_its_facets(server: str, browser, width: int) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(f"{server}/search?q=Security+Council")
    facets = page.locator(".query-facets")
    facets.scroll_into_view_if_needed()
    shot(page, f"research-facets-{width}")
    item = facets.locator("li", has_text="Threats to international peace and security")
    count = int(item.locator(".count").inner_text().split()[0])
    item.locator("a").click()
    page.wait_for_load_state()
    assert "agenda=Threats" in page.url
    assert f"{count} statement" in page.locator(".counts").inner_text()
    assert page.locator(".query-facets strong").inner_text() == (
        "Threats to international peace and security"
    )
    page.locator(".query-facets").scroll_into_view_if_needed()
    shot(page, f"research-facets-narrowed-{width}")
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_download_a_searchs_results(server: str, browser, width: int) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = browser.new_page(viewport={"width": width, "height": 900}, accept_downloads=True)
    page.goto(f"{server}/search?q={PHRASE}&sort=oldest")
    keep = page.locator(".keep-search")
    keep.scroll_into_view_if_needed()
    shot(page, f"research-download-{width}")
    with page.expect_download() as download:
        keep.get_by_text("CSV", exact=True).click()
    rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))  # noqa: SIM115
    api = json.loads(fetch(f"{server}/api/search?q={PHRASE.replace(' ', '+')}&sort=oldest"))
    assert [(r["statement"], int(r["paragraph"])) for r in rows] == [
        (h["statement"]["id"], h["paragraph"]) for h in api["results"]
    ]
    assert rows[0]["symbol"] == "S/PRST/2012/16" and rows[0]["text"]
    page.close()
