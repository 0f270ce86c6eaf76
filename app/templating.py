"""The one Jinja environment: autoescaping, filters for statement text, shared globals."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlencode

from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from starlette.requests import Request

from app.charts import year_chart
from app.config import TEMPLATES_DIR
from app.textutil import EMPHASIS_RE

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


def render_text(text: str | None) -> Markup:
    """Statement text as safe HTML: everything escaped, then *emphasis* shown as <em>."""
    if not text:
        return Markup("")
    escaped = str(escape(text))
    return Markup(EMPHASIS_RE.sub(r"<em>\1</em>", escaped))


ITEM_LABEL_RE = re.compile(r"^\(([a-z]{1,2}|[ivx]{1,5})\)")


def paragraph_parts(text: str | Markup) -> tuple[Markup, list[tuple[str, Markup]]]:
    """A paragraph's lead text and its lettered items [(label, html)], each escaped (or kept
    as already-safe marked-up text) with emphasis rendered."""
    lines = text.split("\n")
    html = [line if isinstance(line, Markup) else render_text(line) for line in lines]
    items: list[tuple[str, Markup]] = []
    for raw, rendered in zip(lines[1:], html[1:], strict=True):
        m = ITEM_LABEL_RE.match(str(raw))
        items.append((m.group(1) if m else str(len(items) + 1), rendered))
    return html[0], items


def long_date(value: dt.date | None) -> str:
    """7 December 2023, as UN documents write dates."""
    return f"{value.day} {value:%B %Y}" if value else ""


def first_words(text: str | None, words: int = 30) -> str:
    parts = re.sub(r"\*", "", text or "").split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


templates.env.filters["text"] = render_text
templates.env.filters["long_date"] = long_date
templates.env.filters["first_words"] = first_words


def page_url(request: Request, page: int) -> str:
    """The current URL with only its page changed: filters, sort and query are kept."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
    if page > 1:
        params.append(("page", str(page)))
    return f"{request.url.path}?{urlencode(params)}" if params else request.url.path


templates.env.filters["year_chart"] = year_chart
templates.env.filters["paragraph_parts"] = paragraph_parts
templates.env.globals["page_url"] = page_url
