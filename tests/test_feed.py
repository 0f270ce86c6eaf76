"""The Atom feed is well-formed XML whatever the statements say, and real feed readers read it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.ingest.pipeline import ingest
from app.web.app import create_app
from tests.conftest import seeds_altered

ATOM = "{http://www.w3.org/2005/Atom}"
AGENDA = "Crime & <script>alert(1)</script> ]]> at sea"


def hostile_archive(db_path: Path, engine: Engine, folder: Path) -> None:
    """The seeds, the 2023 statement's agenda item and first paragraph made hostile: markup,
    ampersands, a CDATA end, and a form feed (a control character XML 1.0 forbids)."""
    seeds_altered(
        folder,
        AGENDA,
        (
            "The Security Council expresses concern with the serious",
            "The Security Council expresses <b>concern</b> & \x0c with the serious",
        ),
    )
    report = ingest(engine, [folder])
    assert not report.failed, report.failed


def test_hostile_statement_text_gives_a_valid_feed(
    db_path: Path, engine: Engine, tmp_path: Path
) -> None:
    hostile_archive(db_path, engine, tmp_path / "statements")
    with TestClient(create_app(db_path)) as client:
        response = client.get("/feed.atom")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    assert "<script>" not in response.text and "<b>" not in response.text

    # A strict XML parser: not well-formed would raise.
    root = ET.fromstring(response.content)
    titles = [e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")]
    assert f"S/PRST/2023/6: {AGENDA}" in titles
    summaries = [e.findtext(f"{ATOM}summary") or "" for e in root.iter(f"{ATOM}entry")]
    assert any(
        "The Security Council expresses <b>concern</b> & with the serious" in s for s in summaries
    )

    # A real feed reader, which reports any problem in `bozo`.
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert len(feed.entries) == 2
    assert any("alert" in entry.title and "&" in entry.title for entry in feed.entries)
    assert {entry.link for entry in feed.entries} >= {
        "http://127.0.0.1:8000/statements/S-PRST-2023-6"
    }


def test_the_feed_of_the_seeds_reads_in_a_feed_reader(client: TestClient) -> None:
    feed = feedparser.parse(client.get("/feed.atom").content)
    assert feed.bozo == 0
    assert [e.title.split(":")[0] for e in feed.entries] == ["S/PRST/2023/6", "S/PRST/2012/16"]
