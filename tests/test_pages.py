"""Reading pages: home, browse, statement, paragraph, meeting, source, data, errors."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.ingest.pipeline import ingest
from app.store.engine import is_file
from app.web.app import create_app
from tests.conftest import SEED_2012, SEED_2023, SEEDS_DIR
from tests.html import parse_html


def test_home_says_what_the_archive_holds(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    page = parse_html(r.text)
    assert page.select(tag="html")[0].attrs["lang"] == "en"
    assert "2 statements and 28 paragraphs, from 2012 to 2023" in " ".join(page.text.split())
    summaries = page.select(cls="statement-summary")
    assert [s.select(tag="a")[0].text for s in summaries] == ["S/PRST/2023/6", "S/PRST/2012/16"]
    assert page.select(tag="form", cls="search-form")
    assert 'href="/statements?year=2012"' in r.text
    assert "/statements?agenda=Threats%20to%20international%20peace%20and%20security" in r.text


def test_browse_filters_sorts_and_counts(client: TestClient) -> None:
    def ids(**params: object) -> list[str]:
        page = parse_html(client.get("/statements", params=params).text)
        return [s.select(tag="a")[0].text for s in page.select(cls="statement-summary")]

    assert ids() == ["S/PRST/2023/6", "S/PRST/2012/16"]
    assert ids(sort="oldest") == ["S/PRST/2012/16", "S/PRST/2023/6"]
    assert ids(year=2012) == ["S/PRST/2012/16"]
    assert ids(agenda="Nothing like this") == []
    page = client.get("/statements", params={"year": 2012}).text
    assert "2012 (1)" in page and "1 statement" in page


def test_statement_page_numbers_every_paragraph_as_its_own_link(client: TestClient) -> None:
    r = client.get("/statements/S-PRST-2012-16")
    page = parse_html(r.text)
    paragraphs = page.select(cls="paragraph")
    assert [p.attrs["id"] for p in paragraphs] == [f"p{n}" for n in range(1, 12)]
    p9 = page.by_id("p9")
    assert p9 is not None
    number = p9.select(cls="para-number")[0]
    assert number.attrs["href"] == "#p9" and number.text == "9"
    copy_link = p9.select(cls="copy-link")[0]
    assert copy_link.attrs["href"] == "/statements/S-PRST-2012-16/paragraphs/9"
    assert copy_link.attrs["data-copy-url"] == "/statements/S-PRST-2012-16#p9"
    citation = p9.select(cls="copy-citation")[0]
    assert citation.attrs["data-copy-text"] == "S/PRST/2012/16, para. 9 (25 April 2012)"
    text = " ".join(page.text.split())
    for expected in ["6760", "25 April 2012", "Threats to international peace and security"]:
        assert expected in text
    assert 'href="/statements/S-PRST-2012-16/source.txt"' in r.text
    assert 'href="/api/statements/S-PRST-2012-16"' in r.text
    assert 'rel="next" href="/statements/S-PRST-2023-6"' in r.text


def test_emphasis_renders_as_em(client: TestClient) -> None:
    r = client.get("/statements/S-PRST-2023-6")
    assert "<em>notes with concern</em>" in r.text
    assert "*notes with concern*" not in r.text


def test_paragraph_page_previews_as_the_paragraph(client: TestClient) -> None:
    r = client.get("/statements/S-PRST-2012-16/paragraphs/9")
    assert r.status_code == 200
    page = parse_html(r.text)
    metas = {
        m.attrs.get("property") or m.attrs.get("name"): m.attrs for m in page.select(tag="meta")
    }
    assert metas["og:title"]["content"] == "S/PRST/2012/16, para. 9 (25 April 2012)"
    assert metas["og:description"]["content"].startswith(
        "The Security Council encourages Member States, as well as international organizations"
    )
    assert page.select(tag="cite")[0].text == "S/PRST/2012/16, para. 9 (25 April 2012)"
    assert 'href="/statements/S-PRST-2012-16#p9"' in r.text


def test_source_text_is_the_file_as_ingested(client: TestClient) -> None:
    r = client.get("/statements/S-PRST-2023-6/source.txt")
    assert r.text == SEED_2023.read_text(encoding="utf-8")
    assert r.headers["content-type"].startswith("text/plain")


def test_meeting_redirects_to_its_statement(client: TestClient) -> None:
    r = client.get("/meetings/9497", follow_redirects=False)
    assert r.status_code == 302 and r.headers["location"] == "/statements/S-PRST-2023-6"


def test_alias_ids_redirect_permanently_everywhere(
    engine: Engine, db_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED_2012, folder)
    ingest(engine, [folder])
    (folder / "metadata.csv").write_text(f"file,symbol\n{SEED_2012.name},S/PRST/2012/16\n")
    ingest(engine, [folder])
    with TestClient(create_app(db_path)) as c:
        for old, new in [
            ("/statements/meeting-6760", "/statements/S-PRST-2012-16"),
            ("/statements/meeting-6760/paragraphs/9", "/statements/S-PRST-2012-16/paragraphs/9"),
            ("/api/statements/meeting-6760", "/api/statements/S-PRST-2012-16"),
            ("/statements/meeting-6760?q=border", "/statements/S-PRST-2012-16?q=border"),
        ]:
            r = c.get(old, follow_redirects=False)
            assert (r.status_code, r.headers["location"]) == (301, new)


def test_an_id_in_other_capitals_redirects_to_the_statement(client: TestClient) -> None:
    for typed, meant in [
        ("/statements/s-prst-2012-16", "/statements/S-PRST-2012-16"),
        ("/statements/s-prst-2023-6/paragraphs/9", "/statements/S-PRST-2023-6/paragraphs/9"),
        ("/api/statements/s-prst-2023-6", "/api/statements/S-PRST-2023-6"),
    ]:
        r = client.get(typed, follow_redirects=False)
        assert (r.status_code, r.headers["location"]) == (301, meant)


def test_a_corrigendum_id_leads_to_the_statement_it_corrects(
    engine: Engine, db_path: Path, tmp_path: Path
) -> None:
    (tmp_path / "corr.txt").write_text(
        "S/PRST/2012/16/Corr.1\n\nSecurity Council\n\nDistr.: General\n1 May 2012\n\n"
        "Statement by the President of the Security Council\n\nCorrigendum\n\n"
        "Paragraph 9, line 2: for subregional read regional\n",
        encoding="utf-8",
    )
    ingest(engine, [SEEDS_DIR, tmp_path])
    with TestClient(create_app(db_path)) as c:
        r = c.get("/statements/S-PRST-2012-16-Corr.1", follow_redirects=False)
        assert (r.status_code, r.headers["location"]) == (301, "/statements/S-PRST-2012-16")
        assert "for subregional read regional" in c.get(r.headers["location"]).text
        detail = c.get("/api/statements/S-PRST-2012-16").json()
        assert [x["symbol"] for x in detail["corrigenda"]] == ["S/PRST/2012/16/Corr.1"]
        records = [
            json.loads(line) for line in c.get("/data/statements.jsonl").text.split("\n") if line
        ]
        old = next(r for r in records if r["id"] == "S-PRST-2012-16")
        assert old["corrigenda"][0]["text"].endswith("for subregional read regional")
        assert (old["distribution_date"], old["original_language"]) == ("2012-04-25", "English")
        assert old["source_url"] == "/statements/S-PRST-2012-16/source.txt"


def test_unknown_things_are_404_pages_with_a_way_back(client: TestClient) -> None:
    for url in [
        "/statements/S-PRST-1900-1",
        "/statements/S-PRST-2012-16/paragraphs/12",
        "/meetings/1",
    ]:
        r = client.get(url)
        assert r.status_code == 404
        assert "Back to the archive" in r.text and 'class="site-header"' in r.text


def test_bad_parameters_are_422_pages(client: TestClient) -> None:
    for url in [
        "/statements?page=-1",
        "/statements?year=abc",
        "/statements/S-PRST-2012-16/paragraphs/x",
    ]:
        r = client.get(url)
        assert r.status_code == 422, url
        assert "not understood" in r.text


def test_feed_and_bulk_data(client: TestClient, seeded_db: Path, tmp_path: Path) -> None:
    feed = client.get("/feed.atom")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    assert feed.text.count("<entry>") == 2
    lines = client.get("/data/statements.jsonl").text.strip().split("\n")
    records = [json.loads(line) for line in lines]
    assert [r["id"] for r in records] == ["S-PRST-2012-16", "S-PRST-2023-6"]
    assert len(records[1]["paragraphs"]) == 17
    assert records[1]["paragraphs"][8]["url"] == "/statements/S-PRST-2023-6#p9"
    about = client.get("/about").text
    assert 'href="/data/statements.jsonl"' in about
    if not is_file(seeded_db):  # a PostgreSQL archive: no SQLite file to offer, and none offered
        assert client.get("/data/archive.sqlite").status_code == 404
        assert 'href="/data/archive.sqlite"' not in about
        return
    download = tmp_path / "dl.sqlite"
    download.write_bytes(client.get("/data/archive.sqlite").content)
    conn = sqlite3.connect(download)
    assert conn.execute("SELECT count(*) FROM paragraph").fetchone()[0] == 28
    conn.close()
    assert 'href="/data/archive.sqlite"' in about


@pytest.mark.sqlite_only  # the download of the SQLite file
def test_the_sqlite_download_holds_what_was_committed_after_the_app_started(
    client: TestClient, seeded_db: Path, tmp_path: Path
) -> None:
    """The download is a snapshot of the archive as it is, WAL included: rows an ingest or a
    catalogue import committed while the app serves are in it."""
    from app.store.catalogue import import_catalogue
    from app.store.engine import make_engine

    first = client.get("/data/archive.sqlite").content
    catalogue = tmp_path / "catalogue.csv"
    catalogue.write_text("symbol,year,date,topic\nS/PRST/2019/1,2019,2019-01-10,Somalia\n")
    writer = make_engine(seeded_db)
    with writer.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_autocheckpoint=0")  # keep the rows in the WAL
    import_catalogue(writer, catalogue)
    download = tmp_path / "after.sqlite"
    download.write_bytes(client.get("/data/archive.sqlite").content)
    writer.dispose()
    conn = sqlite3.connect(download)
    assert conn.execute("SELECT symbol FROM catalogueentry").fetchall() == [("S/PRST/2019/1",)]
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    assert download.read_bytes() != first


def test_pages_carry_etags_and_answer_304(client: TestClient) -> None:
    r = client.get("/statements/S-PRST-2012-16")
    assert r.headers["cache-control"].startswith("public")
    again = client.get("/statements/S-PRST-2012-16", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert r.headers.get("content-encoding") == "gzip"


def test_everything_from_the_data_is_escaped(client: TestClient) -> None:
    page = client.get("/search", params={"q": '"><script>alert(1)</script>'}).text
    assert "<script>alert(1)</script>" not in page


def test_head_answers_like_get_without_a_body(client: TestClient) -> None:
    get = client.get("/statements/S-PRST-2012-16", headers={"Accept-Encoding": "identity"})
    head = client.head("/statements/S-PRST-2012-16", headers={"Accept-Encoding": "identity"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == get.headers["etag"]
    assert head.headers["content-length"] == str(len(get.content))
    assert client.head("/statements/nope").status_code == 404


def test_empty_filter_values_mean_any(client: TestClient) -> None:
    """The forms send every field, filled or not: "Apply" once answered 422 "year_from: Input
    should be a valid integer" with the form's own defaults."""
    search = client.get("/search?q=organized+crime&sort=relevance&year_from=&year_to=&agenda=")
    assert search.status_code == 200
    assert (
        search.text.count('class="hit"')
        == client.get("/search?q=organized+crime").text.count('class="hit"')
        > 0
    )
    browse = client.get("/statements?year=&agenda=&sort=oldest")
    assert browse.status_code == 200
    assert browse.text.index("S/PRST/2012/16") < browse.text.index("S/PRST/2023/6")
    api = client.get("/api/search?q=organized+crime&year_from=&year_to=&agenda=").json()
    assert api["total_paragraphs"] > 0
    assert client.get("/api/statements?year=&agenda=").json()["total"] == 2
