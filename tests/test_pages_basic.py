"""The minimal pages of the foundation: home lists statements, statement pages number paragraphs."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_home_lists_the_seed_statements(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert "S/PRST/2023/6" in r.text and "S/PRST/2012/16" in r.text
    assert "2 statements and 28 paragraphs" in r.text


def test_statement_page_has_paragraph_anchors(client: TestClient) -> None:
    r = client.get("/statements/S-PRST-2012-16")
    assert r.status_code == 200
    for n in range(1, 12):
        assert f'id="p{n}"' in r.text
    assert 'id="p12"' not in r.text


def test_unknown_statement_is_a_404_page(client: TestClient) -> None:
    r = client.get("/statements/S-PRST-1900-1")
    assert r.status_code == 404
    assert "Back to the archive" in r.text
