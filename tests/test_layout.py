"""Layout in a real browser: nothing wider than a phone, one focus ring that can be seen,
edges that line up, and a print copy that keeps what the reader must not miss."""

from __future__ import annotations

import re

import pytest

from tests.test_browser import browser, server  # noqa: F401  (module-scoped fixtures)

pytestmark = pytest.mark.browser


def _rgb(css: str) -> tuple[float, float, float]:
    r, g, b = (int(n) for n in re.findall(r"\d+", css)[:3])
    return r / 255, g / 255, b / 255


def _luminance(css: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(css))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two CSS rgb() colours."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def left(page, selector: str) -> float:  # type: ignore[no-untyped-def]
    return float(page.eval_on_selector(selector, "e => e.getBoundingClientRect().left"))


@pytest.mark.parametrize(
    "path",
    [
        "/citations",
        "/agenda",
        "/about",
        "/search/help",
        "/resolutions/1373",
        "/statements/S-PRST-2012-16/paragraphs/9",
        "/statements/S-PRST-2023-6/paragraphs/9/compare/S-PRST-2012-16/4",
        "/statements/S-PRST-1900-1",
    ],
)
def test_no_page_is_wider_than_a_phone(server: str, browser, path: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(server + path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{path} is {width}px wide on a 360px phone"
    page.close()


def test_keyboard_focus_ring_stands_out_from_the_header(server: str, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = browser.new_page()
    page.goto(server + "/statements/S-PRST-2012-16")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # the site name, on the header's panel
    ring = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor]; }"
    )
    panel = page.eval_on_selector(".site-header", "e => getComputedStyle(e).backgroundColor")
    assert ring[0] == "solid" and ring[1] >= 2
    assert contrast(ring[2], panel) >= 3, f"focus ring {ring[2]} on {panel}"
    assert contrast(ring[2], "rgb(255, 255, 255)") >= 3
    page.close()


@pytest.mark.parametrize("width", [1280, 360])
def test_header_and_page_share_one_left_edge(server: str, browser, width: int) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(server + "/statements/S-PRST-2023-6")
    assert abs(left(page, ".site-header .bar") - left(page, "main h1")) <= 1
    assert abs(left(page, ".search-form") - left(page, "main h1")) <= 1
    page.close()


@pytest.mark.parametrize("width", [1280, 360])
def test_agreed_language_note_lines_up_with_its_paragraph(server: str, browser, width: int) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(server + "/statements/S-PRST-2023-6")
    note = page.locator(".reuse-note").first
    assert note.count() == 1
    text_left = page.evaluate(
        "() => document.querySelector('.reuse-note').closest('.paragraph')"
        ".querySelector('.para-text').getBoundingClientRect().left"
    )
    assert abs(note.bounding_box()["x"] - text_left) <= 1
    page.close()


def test_print_keeps_a_corrigendum_and_drops_the_chrome(server: str, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = browser.new_page()
    page.goto(server + "/statements/S-PRST-2012-16")
    page.evaluate(
        "() => { for (const cls of ['notice corrigendum', 'notice']) {"
        " const a = document.createElement('aside'); a.className = cls; a.textContent = cls;"
        " document.querySelector('main').prepend(a); } }"
    )
    page.emulate_media(media="print")
    shown = page.evaluate(
        "() => [...document.querySelectorAll('aside.notice, .site-header')]"
        ".map(e => [e.className, getComputedStyle(e).display !== 'none'])"
    )
    assert ["notice corrigendum", True] in shown
    assert ["notice", False] in shown and ["site-header", False] in shown
    page.close()
