"""A statement's footnotes are shown one note to a line, as printed."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.ingest.pipeline import ingest
from app.web.app import create_app
from tests.html import parse_html

STATEMENT = (
    "S/PRST/2031/2\n\nSecurity Council\n\nDistr.: General\n4 March 2031\nOriginal: English\n\n"
    "Statement by the President of the Security Council\n"
    "At the 9998th meeting of the Security Council, held on 4 March 2031, in connection with the "
    "Council’s consideration of the item entitled “Notes”, the President of the Security "
    "Council made the following statement on behalf of the Council:\n"
    "“The Security Council recalls the Convention * and the Agreement †, and stresses\n"
    "the need for long-term strategies.\n"
    "* United Nations, Treaty Series, vol. 1771, No. 30822\n"
    "† United Nations, Treaty Series, vol. 3156, No 54113.”\n"
)


def test_each_footnote_is_its_own_line(tmp_path: Path, db_path: Path, engine: Engine) -> None:
    path = tmp_path / "notes.txt"
    path.write_text(STATEMENT, encoding="utf-8")
    report = ingest(engine, [path])
    assert not report.failed, report.failed
    with TestClient(create_app(db_path)) as client:
        page = parse_html(client.get("/statements/S-PRST-2031-2").text)
    notes = page.select(tag="aside", cls="footnotes")
    assert len(notes) == 1
    lines = [p.text for p in notes[0].select(tag="p")]
    assert lines == [
        "* United Nations, Treaty Series, vol. 1771, No. 30822",
        "† United Nations, Treaty Series, vol. 3156, No 54113.",
    ]
