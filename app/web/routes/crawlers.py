"""For search engines: a sitemap of every statement (sitemaps.org 0.9) and robots.txt.

One sitemap file holds at most 50,000 addresses; an archive with more statements answers
/sitemap.xml with a sitemap index of files of 50,000 statements each.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import PlainTextResponse, Response

from app.store import queries
from app.web.deps import SessionDep

router = APIRouter(tags=["crawlers"])

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
MEDIA_TYPE = "application/xml"
PER_FILE = 50_000
"""Addresses one sitemap file may list (the protocol's limit)."""
PAGES = ["/", "/statements", "/agenda", "/citations", "/about", "/search/help"]
"""The archive's own pages, listed before its statements."""
ROBOTS = """\
# The reading pages are for everyone. Searches, their feeds and exports, comparisons,
# citation files and the bulk downloads are computed on request: crawl the statements
# from the sitemap instead.
User-agent: *
Disallow: /search
Allow: /search/help
Disallow: /api/
Disallow: /data/
Disallow: /*/compare/
Disallow: /*/citation.
Disallow: /*.atom

Sitemap: {base}/sitemap.xml
"""

XML: dict[int | str, dict[str, Any]] = {
    200: {"description": "A sitemap", "content": {MEDIA_TYPE: {"schema": {"type": "string"}}}}
}


def _lastmod(when: dt.datetime) -> str:
    """W3C Datetime, in UTC (the archive stores its times in UTC without a zone)."""
    return when.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _xml(root: ET.Element) -> Response:
    return Response(
        ET.tostring(root, encoding="utf-8", xml_declaration=True), media_type=MEDIA_TYPE
    )


def _urlset(base: str, pages: list[str], statements: list[tuple[str, dt.datetime]]) -> Response:
    root = ET.Element("urlset", xmlns=NS)
    for path in pages:
        ET.SubElement(ET.SubElement(root, "url"), "loc").text = base + path
    for statement_id, updated in statements:
        url = ET.SubElement(root, "url")
        ET.SubElement(url, "loc").text = f"{base}/statements/{statement_id}"
        ET.SubElement(url, "lastmod").text = _lastmod(updated)
    return _xml(root)


@router.get("/sitemap.xml", response_class=Response, responses=XML)
def sitemap(request: Request, session: SessionDep) -> Response:
    """Every statement's page with when it last changed, and the archive's own pages; past
    50,000 addresses, an index of sitemap files instead."""
    base = str(request.app.state.public_url)
    total = queries.count_statements(session)
    if total + len(PAGES) <= PER_FILE:
        statements = queries.statement_updates(session, offset=0, limit=PER_FILE)
        return _urlset(base, PAGES, statements)
    root = ET.Element("sitemapindex", xmlns=NS)
    files = ["/sitemaps/pages.xml"]
    files += [f"/sitemaps/statements-{k}.xml" for k in range(1, -(-total // PER_FILE) + 1)]
    for path in files:
        ET.SubElement(ET.SubElement(root, "sitemap"), "loc").text = base + path
    return _xml(root)


@router.get("/sitemaps/pages.xml", response_class=Response, responses=XML)
def sitemap_pages(request: Request) -> Response:
    """The archive's own pages (listed from the sitemap index)."""
    return _urlset(str(request.app.state.public_url), PAGES, [])


@router.get("/sitemaps/statements-{k}.xml", response_class=Response, responses=XML)
def sitemap_statements(
    k: Annotated[int, Path(ge=1, le=100_000)], request: Request, session: SessionDep
) -> Response:
    """Statements 50,000 × (k − 1) + 1 to 50,000 × k, in the order they were first stored."""
    statements = queries.statement_updates(session, offset=(k - 1) * PER_FILE, limit=PER_FILE)
    if not statements:
        raise HTTPException(status_code=404, detail=f"There is no sitemap file {k}.")
    return _urlset(str(request.app.state.public_url), [], statements)


@router.get("/robots.txt", response_class=PlainTextResponse)
def robots(request: Request) -> PlainTextResponse:
    """What crawlers may fetch, and where the sitemap is."""
    return PlainTextResponse(ROBOTS.format(base=request.app.state.public_url))
