"""Every page type through axe-core in Chromium: no serious or critical violation, at a
desktop and a phone width.

axe-core is vendored (tests/vendor/axe.min.js, see the README there) and injected with
Playwright; skipped where Chromium is missing, except in CI (CI=true), as the browser tests are.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_browser import browser, server, shot  # noqa: F401  (module-scoped fixtures)

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"

ALSO_FAIL = {"heading-order"}
"""Moderate by axe's measure, but they are how a screen reader user finds their way."""

PAGES = {
    "home": "/",
    "browse": "/statements",
    "year": "/statements?year=2012",
    "statement": "/statements/S-PRST-2012-16",
    "statement-marked": "/statements/S-PRST-2023-6?q=%22organized+criminal+groups%22",
    "paragraph": "/statements/S-PRST-2012-16/paragraphs/9",
    "compare": "/statements/S-PRST-2023-6/paragraphs/9/compare/S-PRST-2012-16/4",
    "catalogued": "/statements/S-PRST-2013-2",
    "search": "/search?q=terrorism",
    "search-empty": "/search",
    "search-nothing": "/search?q=zzzzqqq",
    "search-bad-year": "/search?q=terrorism&year_from=abc",
    "search-narrowed": "/search?q=Security+Council&agenda=Threats+to+international+peace+and"
    "+security&year_from=2012&year_to=2012",
    "search-help": "/search/help",
    "agenda-index": "/agenda",
    "agenda": "/agenda/threats-to-international-peace-and-security",
    "resolution": "/resolutions/1373",
    "citations": "/citations",
    "about": "/about",
    "not-found": "/statements/S-PRST-1900-1",
    "docs": "/docs",
}


SWAGGER_UI_OWN = ["nested-interactive", "heading-order"]
"""On /docs, Swagger UI's own markup (an operation's summary is a button holding a link, its
headings skip levels) is not the archive's to change; everything else there is checked."""


def violations(page, skip: list[str] = []) -> list[dict]:  # type: ignore[no-untyped-def]  # noqa: B006
    """axe-core's serious and critical violations on the page as it stands (and any of
    `ALSO_FAIL`), leaving out the rules in `skip`."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async (skip) => (await axe.run(document, {resultTypes: ['violations'], rules:"
        " Object.fromEntries(skip.map(r => [r, {enabled: false}]))})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))",
        skip,
    )
    return [v for v in found if v["impact"] in ("serious", "critical") or v["id"] in ALSO_FAIL]


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violation(server: str, browser, name: str, width: int) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    # The archive's CSP forbids inline scripts, which is how axe is injected: only the test's
    # own context bypasses it.
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(server + PAGES[name])
    skip = []
    if name == "docs":
        page.wait_for_selector(".opblock", timeout=10_000)  # Swagger UI has drawn the API
        skip = SWAGGER_UI_OWN
    found = violations(page, skip)
    shot(page, f"a11y-{name}-{width}")
    context.close()
    assert not found, "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} {v['nodes']}" for v in found
    )


def test_the_check_itself_finds_a_violation(server: str, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(server + "/")
    page.evaluate(
        "() => { const i = document.createElement('img'); i.src = 'data:,';"
        " document.querySelector('main').append(i); }"
    )
    assert [v["id"] for v in violations(page)] == ["image-alt"]
    context.close()
