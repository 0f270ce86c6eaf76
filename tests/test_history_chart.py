"""The chart of a phrase's use per year: a scale in round numbers, year labels a phone can
read, each bar a link to that year's paragraphs, its figures as a table and as CSV, and how
much of those years the archive holds (it may hold only part of what was said)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.store.catalogue import import_catalogue
from app.web.charts import label_interval, scale_step, year_chart
from tests.html import parse_html, words

ORGANIZED = '"organized criminal groups and networks"'


@pytest.mark.parametrize(
    ("peak", "step"),
    [(1, 1), (3, 1), (4, 1), (5, 2), (8, 2), (9, 5), (20, 5), (21, 10), (730, 200)],
)
def test_the_scale_steps_are_round_and_few(peak: int, step: int) -> None:
    assert scale_step(peak) == step
    assert -(-peak // step) <= 4


@pytest.mark.parametrize(("span", "interval"), [(1, 1), (10, 1), (11, 2), (30, 5), (77, 10)])
def test_year_labels_stay_apart(span: int, interval: int) -> None:
    assert label_interval(span) == interval


def test_chart_geometry() -> None:
    chart = year_chart({1998: 1, 2012: 3, 2023: 2}, estimated={2012})
    assert chart is not None
    assert [b.year for b in chart.bars] == list(range(1998, 2024))
    assert [t.value for t in chart.ticks] == [0, 1, 2, 3]
    assert chart.ticks[0].y == chart.baseline and chart.ticks[-1].y < chart.ticks[0].y
    assert [label.year for label in chart.labels] == [2000, 2005, 2010, 2015, 2020]
    tallest = next(b for b in chart.bars if b.year == 2012)
    assert tallest.estimated and tallest.y == chart.ticks[-1].y
    assert all(b.slot_x <= b.x and b.x + b.width <= b.slot_x + b.slot_width for b in chart.bars)
    assert year_chart({}) is None


@pytest.fixture
def catalogued(client: TestClient, engine: Engine, tmp_path: Path) -> TestClient:
    rows = ["symbol,year,date,meeting_record,topic"]
    rows += [f"S/PRST/2012/{n},2012,2012-01-0{1 + n % 9},," for n in range(1, 21)]
    rows += [f"S/PRST/2023/{n},2023,2023-01-0{1 + n % 9},," for n in range(1, 11)]
    path = tmp_path / "catalogue.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    import_catalogue(engine, path)
    return client


def test_each_bar_links_to_its_years_hits(client: TestClient) -> None:
    r = client.get("/search", params={"q": ORGANIZED, "sort": "oldest", "page": 1})
    page = parse_html(r.text)
    svg = page.select(tag="svg")[0]
    links = {a.attrs["aria-label"]: a.attrs["href"] for a in svg.select(tag="a")}
    assert links == {
        "2012: 1 statement": "/search?q=%22organized+criminal+groups+and+networks%22"
        "&sort=oldest&year_from=2012&year_to=2012",
        "2023: 1 statement": "/search?q=%22organized+criminal+groups+and+networks%22"
        "&sort=oldest&year_from=2023&year_to=2023",
    }
    ticks = [t.text for t in svg.select(tag="text") if "tick" in t.attrs.get("class", "")]
    assert ticks == ["0", "1"]
    only_2012 = client.get(links["2012: 1 statement"]).text
    assert "S/PRST/2012/16" in only_2012 and "S/PRST/2023/6" not in words(only_2012)


def test_coverage_is_exact_for_the_years_the_chart_spans(catalogued: TestClient) -> None:
    text = words(catalogued.get("/search", params={"q": ORGANIZED}).text)
    # 2012 to 2023: 2 texts held; 20 + 10 catalogued, S/PRST/2012/16 and 2023/6 among them.
    assert (
        "Counts are of the texts held: the archive holds 2 of the 30 statements known "
        "from 2012–2023 (6%)." in text
    )
    home = words(catalogued.get("/").text)
    assert "from 2012 to 2023: 6% of the 30 statements known from those years." in home
    assert "Every statement" not in home


def test_without_a_catalogue_the_chart_claims_nothing_about_completeness(
    client: TestClient,
) -> None:
    text = words(client.get("/search", params={"q": ORGANIZED}).text)
    assert "no catalogue tells how many were made" in text
    assert "First in this archive: S/PRST/2012/16" in text


def test_the_figures_as_a_table_and_as_csv(catalogued: TestClient) -> None:
    page = parse_html(catalogued.get("/search", params={"q": ORGANIZED, "page": 2}).text)
    table = page.select(cls="history-data")[0]
    rows = [[td.text for td in tr.select(tag="td")] for tr in table.select(tag="tr")[1:]]
    assert rows[0] == ["2012", "1", "1", "20"] and rows[-1] == ["2023", "1", "1", "10"]
    assert len(rows) == 12
    href = next(a.attrs["href"] for a in table.select(tag="a"))
    assert href == "/search/history.csv?q=%22organized+criminal+groups+and+networks%22"
    r = catalogued.get(href)
    assert r.headers["content-type"].startswith("text/csv")
    data = list(csv.DictReader(io.StringIO(r.text)))
    assert data[0] == {
        "year": "2012",
        "statements": "1",
        "estimated": "0",
        "texts_held": "1",
        "statements_known": "20",
    }
    assert [d["year"] for d in data] == [str(y) for y in range(2012, 2024)]
    assert catalogued.get("/search/history.csv").text == (
        "year,statements,estimated,texts_held,statements_known\n"
    )
