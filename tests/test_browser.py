"""The archive in a real browser: Playwright driving Debian's Chromium against `archive serve`.

Skipped where Chromium is missing, except in CI (CI=true), where a missing browser fails.
Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.config import PROJECT_ROOT, SEEDS_DIR
from bench.serve import archive, serving
from tests.test_hostile_files import HEADER, HOSTILE_BODY

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


CATALOGUE = (
    "symbol,year,date,meeting_record,topic\n"
    "S/PRST/2012/15,2012,2012-04-19,S/PV.6758,The situation in Guinea-Bissau\n"
    "S/PRST/2012/16,2012,2012-04-25,S/PV.6760,Threats to international peace and security\n"
    "S/PRST/2013/2,2013,2013-02-12,S/PV.6917,Protection of civilians in armed conflict\n"
    "S/PRST/2023/6,2023,2023-12-07,S/PV.9497,Threats to international peace and security\n"
)
"""Statements known to exist: two of them held, two known only from this list."""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`archive serve` on a free loopback port over the seeds and one hostile statement, with
    a small catalogue of statements known to exist."""
    folder = tmp_path_factory.mktemp("serve")
    corpus = folder / "corpus"
    shutil.copytree(SEEDS_DIR, corpus)
    (corpus / "hostile.txt").write_text(HEADER + HOSTILE_BODY, encoding="utf-8")
    db = folder / "archive.db"
    archive(db, "ingest", str(corpus), check=True, capture_output=True)
    (folder / "catalogue.csv").write_text(CATALOGUE, encoding="utf-8")
    archive(db, "catalogue", str(folder / "catalogue.csv"), check=True, capture_output=True)
    with serving(db) as (base, _pid):
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium not found at {CHROMIUM}; CI must install Debian's chromium")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def in_view(page, selector: str) -> bool:  # type: ignore[no-untyped-def]
    return bool(
        page.eval_on_selector(
            selector,
            "e => { const r = e.getBoundingClientRect();"
            " return r.top >= -1 && r.top < window.innerHeight; }",
        )
    )


def test_browse_to_a_statement_and_follow_a_paragraph_link(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(server + "/")
    shot(page, "home")
    page.click("text=Browse")
    page.click("a:text('S/PRST/2012/16')")
    assert page.url.endswith("/statements/S-PRST-2012-16")
    shot(page, "statement")
    page.click("#p9 .para-number")
    assert page.url.endswith("#p9")
    assert in_view(page, "#p9")
    background = page.eval_on_selector("#p9", "e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    shot(page, "paragraph-9-targeted")
    page.close()


def test_a_shared_paragraph_link_opens_on_that_paragraph(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(server + "/statements/S-PRST-2023-6#p12")
    assert in_view(page, "#p12")
    assert page.eval_on_selector("#p12", "e => e.matches(':target')")
    page.close()


def test_copy_link_puts_the_permalink_on_the_clipboard(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page = context.new_page()
    page.goto(server + "/statements/S-PRST-2012-16")
    page.hover("#p9")  # the copy actions show on the paragraph pointed at (or opened)
    page.click("#p9 .copy-link")
    # The clipboard answers asynchronously: wait for the button to say so, then check.
    page.wait_for_selector("#p9 .copy-link:text-is('Copied')", timeout=5000)
    assert page.inner_text("#p9 .copy-link") == "Copied"
    assert page.evaluate("navigator.clipboard.readText()") == (
        server + "/statements/S-PRST-2012-16#p9"
    )
    page.click("#p9 .copy-citation")
    assert page.evaluate("navigator.clipboard.readText()") == (
        "S/PRST/2012/16, para. 9 (25 April 2012)"
    )
    assert page.url == server + "/statements/S-PRST-2012-16"
    context.close()


def test_without_javascript_copy_link_opens_the_paragraph_page(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "/statements/S-PRST-2012-16#p9")  # an opened paragraph shows them
    page.click("#p9 .copy-link")
    assert page.url == server + "/statements/S-PRST-2012-16/paragraphs/9"
    assert "S/PRST/2012/16, para. 9" in page.inner_text("cite")
    context.close()


@pytest.mark.parametrize(
    "path", ["/", "/statements", "/statements/S-PRST-2012-16", "/search?q=border+management"]
)
def test_phone_layout_has_no_horizontal_scroll(server: str, browser, path: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(server + path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{path} is {width}px wide on a 360px phone"
    shot(page, "phone" + path.replace("/", "_").replace("?", "_"))
    page.close()


def test_search_shows_marked_hits_and_history(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/")
    page.fill("#q", '"organized criminal groups and networks"')
    page.press("#q", "Enter")
    page.wait_for_selector(".hit-group")
    assert page.locator("mark").count() == 5
    assert page.locator(".history svg rect.bar").count() >= 2
    shot(page, "search")
    page.click(".hit-group .hit a.para-number >> nth=0")
    assert page.locator("mark").count() >= 1
    page.close()


def test_hostile_statement_runs_no_script(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server + "/statements/S-PRST-2031-1")
    page.goto(server + "/search?q=" + "%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    page.wait_for_timeout(300)
    assert dialogs == []
    assert page.locator("script:not([src])").count() == 0
    page.close()


def test_keyboard_reaches_skip_link_and_search(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(server + "/statements/S-PRST-2023-6")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    page.close()
