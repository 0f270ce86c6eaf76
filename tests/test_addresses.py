"""Absolute addresses follow the port the archive is served on: `archive serve --port P`
names P in every permanent link, canonical link, Open Graph URL and Atom id (unless
ARCHIVE_BASE_URL says otherwise), and the copy button copies the address the page prints."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.config import SEEDS_DIR
from bench.serve import archive, serving
from tests.html import parse_html
from tests.test_browser import browser  # noqa: F401  (module-scoped fixture)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`archive serve --port <a free port>` over the seeds, in a subprocess, with the
    environment naming another port (8000) and no public address."""
    folder = tmp_path_factory.mktemp("port")
    db = folder / "archive.db"
    archive(db, "ingest", str(SEEDS_DIR), check=True, capture_output=True)
    saved = {k: os.environ.get(k) for k in ("ARCHIVE_PORT", "ARCHIVE_BASE_URL", "ARCHIVE_HOST")}
    os.environ["ARCHIVE_PORT"] = "8000"
    os.environ.pop("ARCHIVE_BASE_URL", None)
    os.environ.pop("ARCHIVE_HOST", None)
    try:
        with serving(db) as (base, _pid):
            yield base
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return str(response.read().decode("utf-8"))


def test_served_port_is_not_the_default(served: str) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", served)
    assert not served.endswith(":8000")


def test_paragraph_page_links_name_the_served_port(served: str) -> None:
    page = parse_html(get(served + "/statements/S-PRST-2012-16/paragraphs/9"))
    canonical = next(e for e in page.select(tag="link") if e.attrs.get("rel") == "canonical")
    og_url = next(e for e in page.select(tag="meta") if e.attrs.get("property") == "og:url")
    permalink = page.select(cls="permalink")[0].select(tag="code")[0].text
    assert canonical.attrs["href"] == served + "/statements/S-PRST-2012-16/paragraphs/9"
    assert og_url.attrs["content"] == served + "/statements/S-PRST-2012-16/paragraphs/9"
    assert permalink == served + "/statements/S-PRST-2012-16#p9"


def test_statement_page_canonical_names_the_served_port_without_marks(served: str) -> None:
    page = parse_html(get(served + "/statements/S-PRST-2023-6?q=terrorism"))
    canonical = next(e for e in page.select(tag="link") if e.attrs.get("rel") == "canonical")
    assert canonical.attrs["href"] == served + "/statements/S-PRST-2023-6"


def test_atom_ids_name_the_served_port(served: str) -> None:
    feed = get(served + "/feed.atom")
    ids = re.findall(r"<id>([^<]*)</id>", feed)
    assert ids[0] == served + "/"
    assert served + "/statements/S-PRST-2023-6" in ids
    assert ":8000/" not in feed


@pytest.mark.browser
def test_copy_link_copies_the_address_the_page_prints(served: str, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=served)
    page = context.new_page()
    page.goto(served + "/statements/S-PRST-2012-16/paragraphs/9")
    printed = page.inner_text(".permalink code")
    page.click(".permalink .copy-link")
    page.wait_for_selector(".permalink .copy-link:text-is('Copied')", timeout=5000)
    assert page.evaluate("navigator.clipboard.readText()") == printed
    page.click(".copy-citation")
    assert page.evaluate("navigator.clipboard.readText()") == page.inner_text("cite")
    context.close()


def test_make_run_serves_on_archive_port_or_port() -> None:
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    root = Path(__file__).resolve().parent.parent

    def dry_run(*args: str, **env: str) -> str:
        return subprocess.run(
            ["make", "-n", "run", *args],
            cwd=root,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    assert "serve --host 127.0.0.1 --port 8124" in dry_run(ARCHIVE_PORT="8124")
    assert "--port 8125" in dry_run("PORT=8125", ARCHIVE_PORT="8124")
