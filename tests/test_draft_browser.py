"""Check a draft in a real browser: paste, submit, read the answer (with and without JavaScript,
on a desktop and a phone). Screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest

from tests.test_browser import browser, server, shot  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

DRAFT = (
    "Draft presidential statement\n\n"
    "1. The Security Council firmly expresses concern with the development of organized crime "
    "groups and networks, which are better equipped with new information and communication "
    "technologies, and are becoming more decentralized diversified and connected in their "
    "illicit operations, which in some cases may aggravate threats to international "
    "security.\n\n"
    "2. The Security Council welcomes the quiet work of lighthouse keepers on remote islands "
    "who report passing vessels to the coastal authorities."
)


@pytest.mark.parametrize(("width", "javascript"), [(1280, True), (390, True), (1280, False)])
def test_a_pasted_draft_is_answered_paragraph_by_paragraph(
    server: str,  # noqa: F811
    browser,  # noqa: F811
    width: int,
    javascript: bool,
) -> None:
    context = browser.new_context(
        viewport={"width": width, "height": 900}, java_script_enabled=javascript
    )
    page = context.new_page()
    page.goto(server + "/")
    page.click("header nav >> text=Check a draft")
    assert page.url == server + "/draft"
    page.fill("#draft-text", DRAFT)
    page.click(".draft-form button")
    page.wait_for_selector("#results")
    # The answer's address holds nothing of the draft.
    assert page.url == server + "/draft#results"
    closest = page.inner_text("#d2 .closest")
    assert "S/PRST/2023/6, para. 9" in closest and "7 December 2023" in closest
    assert page.inner_text("#d2 .diff ins") == "firmly"
    assert "lighthouse keepers" in page.inner_text("#d3 mark.new")
    assert "new language" in page.inner_text("#d3 h3")
    assert page.input_value("#draft-text") == DRAFT  # kept, to edit and check again
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"the answer is {scroll_width}px wide at {width}px"
    shot(page, f"draft-{width}{'' if javascript else '-no-js'}")
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_form_and_the_answer_have_no_serious_accessibility_violation(
    server: str,  # noqa: F811
    browser,  # noqa: F811
    width: int,
) -> None:
    from tests.test_accessibility import violations

    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(server + "/draft")
    found = violations(page)
    page.fill("#draft-text", DRAFT)
    page.click(".draft-form button")
    page.wait_for_selector("#results")
    found += violations(page)
    context.close()
    assert not found, "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} {v['nodes']}" for v in found
    )
