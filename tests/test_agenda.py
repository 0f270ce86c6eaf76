"""Agenda items: each has a page listing its statements over time; statement pages link to it."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.store.agenda import agenda_slug

SLUG = "threats-to-international-peace-and-security"


def test_slug_of_an_agenda_item() -> None:
    assert agenda_slug("Threats to international peace and security") == SLUG
    assert agenda_slug("The situation in Côte d’Ivoire") == "the-situation-in-cote-d-ivoire"


def test_agenda_page_lists_statements_oldest_first(client: TestClient) -> None:
    r = client.get(f"/agenda/{SLUG}")
    assert r.status_code == 200
    assert "Threats to international peace and security" in r.text
    assert r.text.index("S/PRST/2012/16") < r.text.index("S/PRST/2023/6")
    assert 'id="y2012"' in r.text and 'id="y2023"' in r.text


def test_agenda_index_counts_statements(client: TestClient) -> None:
    r = client.get("/agenda")
    assert r.status_code == 200
    assert f'<a href="/agenda/{SLUG}">Threats to international peace and security</a>' in r.text
    assert "2 statements" in r.text


def test_statement_page_links_its_agenda_item(client: TestClient) -> None:
    r = client.get("/statements/S-PRST-2023-6")
    assert f'<a href="/agenda/{SLUG}">Threats to international peace and security</a>' in r.text


def test_unknown_agenda_item_is_a_404(client: TestClient) -> None:
    r = client.get("/agenda/%3Cscript%3E")
    assert r.status_code == 404
    assert "<script>" not in r.text
