"""Read functions for agenda items: the subjects statements are made under, over time."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from app.parse.text import fold
from app.store.models import Statement


def agenda_slug(item: str | None) -> str:
    """URL form of an agenda item: 'Threats to international peace and security' ->
    'threats-to-international-peace-and-security'."""
    return re.sub(r"[^a-z0-9]+", "-", fold(item or "")).strip("-")


@dataclass
class AgendaItem:
    slug: str
    title: str
    statements: list[Statement] = field(default_factory=list)
    """Oldest first."""

    @property
    def by_year(self) -> list[tuple[int, list[Statement]]]:
        years: dict[int, list[Statement]] = {}
        for s in self.statements:
            years.setdefault(s.year, []).append(s)
        return list(years.items())


def agenda_items(session: Session) -> list[AgendaItem]:
    """Every agenda item with its statements (oldest first), items by most statements."""
    items: dict[str, AgendaItem] = {}
    for s in session.exec(
        select(Statement)
        .where(col(Statement.agenda_item).is_not(None))
        .order_by(col(Statement.date), col(Statement.id))
    ):
        slug = agenda_slug(s.agenda_item)
        if slug:
            items.setdefault(slug, AgendaItem(slug, s.agenda_item or "")).statements.append(s)
    return sorted(items.values(), key=lambda i: (-len(i.statements), i.title))


def agenda_item(session: Session, *, slug: str) -> AgendaItem | None:
    """The agenda item whose slug is `slug`, with its statements oldest first."""
    return next((i for i in agenda_items(session) if i.slug == slug), None)
