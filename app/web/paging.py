"""Paging the API's lists: opaque cursors for deep pages, and `Link` headers (RFC 8288).

A list answers with `Link: <...>; rel="next"` (and `rel="prev"`, `rel="first"`) on the
archive's public address. The next page is always asked for by a cursor naming the last item
shown (a statement, and for a search a paragraph of it), so a client following `next` reaches
the millionth item as fast as the first, where an offset would make the database count its
way there. A cursor also carries how many items came before its page, for the `prev` link.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Annotated

from fastapi import HTTPException, Query, Request

CursorParam = Annotated[
    str | None,
    Query(
        max_length=500,
        description="Where the page starts: the cursor of a previous page's Link rel=next",
    ),
]
LINK_HEADER = {
    "Link": {
        "description": 'Other pages (RFC 8288): rel="next" (by cursor where the order allows), '
        'rel="prev", rel="first"',
        "schema": {"type": "string"},
    }
}


@dataclass(frozen=True)
class Cursor:
    """Just past this item: a statement (`id`) or one of its paragraphs (`number`)."""

    id: str
    number: int | None
    seen: int
    """How many items came before the page this cursor starts."""

    def encode(self) -> str:
        raw = json.dumps([self.id, self.number, self.seen], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


BAD_CURSOR = "The cursor is not one this archive gave: follow the Link header's next page."


def decode(token: str) -> Cursor:
    """The cursor a page's `next` link carried, or a 400 saying it is not one."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        statement_id, number, seen = json.loads(raw)
    except (binascii.Error, ValueError, TypeError):
        raise HTTPException(status_code=400, detail=BAD_CURSOR) from None
    if (
        not isinstance(statement_id, str)
        or not (number is None or (isinstance(number, int) and number > 0))
        or not isinstance(seen, int)
        or seen < 0
    ):
        raise HTTPException(status_code=400, detail=BAD_CURSOR)
    return Cursor(statement_id, number, seen)


def link_header(
    request: Request,
    *,
    next_cursor: Cursor | None = None,
    next_offset: int | None = None,
    prev_offset: int | None = None,
) -> str:
    """The `Link` header of a page: `next` by a cursor (or, where the order has no cursor, by
    offset), `prev` by offset, and `first`; each on the archive's public address, with the
    request's other parameters kept."""
    base = str(request.app.state.public_url)
    url = request.url.remove_query_params(["offset", "cursor"])

    def link(rel: str, **params: str | int) -> str:
        target = url.include_query_params(**params) if params else url
        query = f"?{target.query}" if target.query else ""
        return f'<{base}{target.path}{query}>; rel="{rel}"'

    found = []
    if next_cursor is not None:
        found.append(link("next", cursor=next_cursor.encode()))
    elif next_offset is not None:
        found.append(link("next", offset=next_offset))
    if prev_offset is not None:
        found.append(link("prev", offset=prev_offset))
    found.append(link("first"))
    return ", ".join(found)


def previous_offset(seen: int, limit: int, max_offset: int) -> int | None:
    """Where the page before one that follows `seen` items starts, if anywhere the endpoint's
    offset reaches."""
    if not seen or seen - limit > max_offset:
        return None
    return max(0, seen - limit)
