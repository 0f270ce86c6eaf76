"""Reading in a real browser: a statement opened from a search lands on the first match and
steps through the matches by button or key; a paragraph costs the keyboard one tab stop; the
quiet controls still read at 4.5:1; the chart's bars are links."""

from __future__ import annotations

import pytest

from tests.test_browser import browser, in_view, server  # noqa: F401  (module-scoped fixtures)
from tests.test_layout import contrast

pytestmark = pytest.mark.browser

MARKED = "/statements/S-PRST-2012-16?q=%22organized+criminal+groups+and+networks%22"


def test_opening_a_statement_from_a_search_lands_on_the_first_match(server: str, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 700})
    page.goto(server + MARKED)
    page.wait_for_function("location.hash === '#p4'")
    assert in_view(page, "#p4")
    page.close()


def test_next_and_previous_match_by_button_and_by_key(server: str, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = browser.new_page(viewport={"width": 390, "height": 700})
    page.goto(server + MARKED)
    page.wait_for_function("location.hash === '#p4'")
    assert page.is_visible(".marks button[data-match=next]")
    assert not page.is_visible(".marks .match-list")  # the buttons stand in for the list
    page.click(".marks button[data-match=next]")
    page.wait_for_function("location.hash === '#p6'")
    assert in_view(page, "#p6")
    # The sticky bar never hides the paragraph it moved to.
    bar = page.eval_on_selector(".marks", "e => e.getBoundingClientRect().bottom")
    top = page.eval_on_selector("#p6", "e => e.getBoundingClientRect().top")
    assert top >= bar
    page.keyboard.press("p")
    page.wait_for_function("location.hash === '#p4'")
    page.keyboard.press("p")  # from the first, round to the last
    page.wait_for_function("location.hash === '#p6'")
    page.focus("#q")
    page.keyboard.press("n")  # typing in the search box is typing, not navigating
    assert page.evaluate("location.hash") == "#p6"
    page.close()


def test_without_javascript_the_matches_are_links(server: str, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + MARKED + "#p4")
    assert not page.is_visible(".marks button")
    page.click(".marks .match-link >> text=6")
    assert page.url.endswith("#p6") and in_view(page, "#p6")
    context.close()


def test_a_paragraph_is_one_tab_stop_and_its_actions_show_when_opened(server: str, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(server + "/statements/S-PRST-2012-16")
    page.focus("#p3 .para-number")
    stops = []  # paragraph 3's tab stops after its number: the links of its text and note
    while True:
        page.keyboard.press("Tab")
        where = page.evaluate(
            "[document.activeElement.closest('.paragraph')?.id,"
            " !!document.activeElement.closest('.para-actions')]"
        )
        if where[0] != "p3":
            break
        stops.append(where[1])
    assert where == ["p4", False]
    assert not any(stops)  # none of them a copy action
    assert not page.is_visible("#p3 .copy-link")
    page.focus("#p3 .para-number")
    page.keyboard.press("Enter")  # open paragraph 3: its actions appear, next in tab order
    assert page.is_visible("#p3 .copy-link")
    for _ in range(len(stops) + 3):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.className") == "copy-link":
            break
    assert page.evaluate("document.activeElement.closest('.paragraph').id") == "p3"
    assert page.evaluate("document.activeElement.className") == "copy-link"
    page.close()


def test_quiet_controls_keep_their_contrast(server: str, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = browser.new_page()
    page.goto(server + "/statements/S-PRST-2023-6#p9")
    for selector in ("#p9 .copy-link", "#p9 .reuse-note", "#p9 .reuse-note a"):
        colour, opacity = page.eval_on_selector(
            selector, "e => [getComputedStyle(e).color, getComputedStyle(e).opacity]"
        )
        background = page.eval_on_selector("#p9", "e => getComputedStyle(e).backgroundColor")
        assert float(opacity) == 1
        assert contrast(colour, background) >= 4.5, f"{selector}: {colour} on {background}"
    page.close()


def test_a_bar_of_the_chart_opens_that_years_paragraphs(server: str, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.goto(server + "/search?q=%22organized+criminal+groups+and+networks%22")
    page.click(".history a.bar-link[aria-label^='2012']")
    assert "year_from=2012&year_to=2012" in page.url
    assert page.locator(".hit-group").count() == 1
    page.close()
