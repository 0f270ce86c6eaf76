"""The JSON API contract scripts rely on."""

from __future__ import annotations

from fastapi.testclient import TestClient

SUMMARY_FIELDS = {
    "id",
    "symbol",
    "title",
    "date",
    "meeting",
    "agenda_item",
    "paragraph_count",
    "url",
}


def test_statement_list_contract(client: TestClient) -> None:
    body = client.get("/api/statements").json()
    assert body["total"] == 2
    first = body["items"][0]
    assert set(first) >= SUMMARY_FIELDS
    assert first == {
        "id": "S-PRST-2023-6",
        "symbol": "S/PRST/2023/6",
        "title": "Statement by the President of the Security Council",
        "date": "2023-12-07",
        "meeting": 9497,
        "agenda_item": "Threats to international peace and security",
        "paragraph_count": 17,
        "url": "/statements/S-PRST-2023-6",
    }


def test_statement_list_filters_sort_and_paginate(client: TestClient) -> None:
    def ids(**params: object) -> list[str]:
        return [s["id"] for s in client.get("/api/statements", params=params).json()["items"]]

    assert ids(sort="oldest") == ["S-PRST-2012-16", "S-PRST-2023-6"]
    assert ids(year=2023) == ["S-PRST-2023-6"]
    assert ids(limit=1, offset=1) == ["S-PRST-2012-16"]
    assert client.get("/api/statements", params={"year": 2012}).json()["total"] == 1
    assert client.get("/api/statements", params={"limit": 0}).status_code == 422


def test_statement_detail_has_numbered_paragraphs_with_urls(client: TestClient) -> None:
    body = client.get("/api/statements/S-PRST-2012-16").json()
    assert set(body) >= SUMMARY_FIELDS
    assert len(body["paragraphs"]) == body["paragraph_count"] == 11
    p9 = body["paragraphs"][8]
    assert p9["number"] == 9 and p9["url"] == "/statements/S-PRST-2012-16#p9"
    assert p9["text"].startswith("The Security Council encourages Member States")
    assert body["meeting_date"] == "2012-04-25"


def test_unknown_statement_is_json_404(client: TestClient) -> None:
    r = client.get("/api/statements/nope")
    assert r.status_code == 404 and "detail" in r.json()


def test_openapi_describes_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ["/api/statements", "/api/statements/{statement_id}", "/api/search"]:
        assert path in spec["paths"]
    assert "StatementSummary" in spec["components"]["schemas"]
