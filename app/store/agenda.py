"""Read functions for agenda items: the subjects statements are made under, over time.

The Council words one subject in several ways over the years ("An Agenda for Peace", "An
agenda for peace: peace-keeping"), and sometimes lists an item as the letters it answers
("Letter dated 29 June 1998 from the Secretary-General..."). An item page gathers those
variants: the wording before a colon names the item, and an item that is only letters or notes
joins the item whose statements the catalogue files under the same topic. The page also lists
the catalogued statements of the item whose text the archive does not hold (by the catalogue's
topics for the statements it does hold).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from app.parse.text import fold
from app.store.models import CatalogueEntry, Statement

LETTERS_RE = re.compile(r"^(?:identical\s+)?(?:letters?|notes?)\s+(?:dated|by)\b", re.IGNORECASE)
"""An agenda item that names only the letters or notes the Council took up."""
SUBTITLE_RE = re.compile(r":|(?<=[a-z])/(?=[A-Z])")
"""Where an item's name ends and its variant's detail starts: "An agenda for peace: peace-keeping",
"Non-proliferation/Democratic People's Republic of Korea" (not the slash of a symbol)."""


def agenda_slug(item: str | None) -> str:
    """URL form of an agenda item: 'Threats to international peace and security' ->
    'threats-to-international-peace-and-security'."""
    return re.sub(r"[^a-z0-9]+", "-", fold(item or "")).strip("-")


@dataclass(frozen=True)
class Missing:
    """A catalogued statement of the item whose text the archive does not hold."""

    symbol: str
    date: dt.date | None
    year: int
    topic: str | None


@dataclass
class AgendaItem:
    slug: str
    title: str
    statements: list[Statement] = field(default_factory=list)
    """Oldest first."""
    variants: list[str] = field(default_factory=list)
    """The wordings the statements use, most used first."""
    missing: list[Missing] = field(default_factory=list)
    """Catalogued statements of the item without their text, oldest first."""
    topics: set[str] = field(default_factory=set)
    named_by_catalogue: bool = False
    """An item known only by the letters it answers, named by the catalogue's topic."""

    @property
    def slugs(self) -> set[str]:
        return {self.slug, *(agenda_slug(v) for v in self.variants)}

    @property
    def by_year(self) -> list[tuple[int, list[Statement | Missing]]]:
        """Statements held and statements only catalogued, year by year, oldest first."""
        years: dict[int, list[Statement | Missing]] = {}
        entries: list[Statement | Missing] = [*self.statements, *self.missing]
        for entry in sorted(entries, key=_when):
            years.setdefault(entry.year, []).append(entry)
        return sorted(years.items())

    @property
    def years(self) -> tuple[int, int]:
        """The first and the last year of its statements, held or only catalogued."""
        years = [s.year for s in self.statements] + [m.year for m in self.missing]
        return min(years), max(years)


def _when(entry: Statement | Missing) -> tuple[dt.date, str]:
    date = entry.date or dt.date(entry.year, 12, 31)
    return date, getattr(entry, "symbol", None) or ""


def _family(item: str) -> str:
    return SUBTITLE_RE.split(item, maxsplit=1)[0].strip()


def agenda_items(session: Session) -> list[AgendaItem]:
    """Every agenda item with its statements (oldest first), its variants and its catalogued
    statements without text; items by most statements."""
    rows = session.exec(
        select(Statement, CatalogueEntry.topic)
        .join(CatalogueEntry, col(CatalogueEntry.symbol) == col(Statement.symbol), isouter=True)
        .where(col(Statement.agenda_item).is_not(None))
        .order_by(col(Statement.date), col(Statement.id))
    ).all()
    items: dict[str, AgendaItem] = {}
    wordings: dict[str, Counter[str]] = {}
    letters: list[tuple[Statement, str | None]] = []
    for statement, topic in rows:
        item = statement.agenda_item or ""
        if LETTERS_RE.match(item):
            letters.append((statement, topic))
            continue
        name = _family(item)
        slug = agenda_slug(name)
        if not slug:
            continue
        family = items.setdefault(slug, AgendaItem(slug, name))
        family.statements.append(statement)
        wordings.setdefault(slug, Counter())[item] += 1
        if topic:
            family.topics.add(topic)
    owner = _topic_owners(items)
    for statement, topic in letters:
        item = statement.agenda_item or ""
        slug = owner.get(topic or "") or agenda_slug(topic or item)
        family = items.setdefault(slug, AgendaItem(slug, topic or item, named_by_catalogue=True))
        family.statements.append(statement)
        family.statements.sort(key=_when)
        wordings.setdefault(slug, Counter())[item] += 1
        if topic:
            family.topics.add(topic)
    for slug, family in items.items():
        family.variants = [w for w, _ in wordings[slug].most_common()]
        if family.named_by_catalogue:
            continue
        # One wording: that one. Several: the item's name as a statement writes it on its own
        # ("An Agenda for Peace"), else the words they share before their colon.
        family.title = (
            family.variants[0]
            if len(family.variants) == 1
            else next((v for v in family.variants if agenda_slug(v) == slug), family.title)
        )
    _add_missing(session, items, _topic_owners(items))
    return sorted(items.values(), key=lambda i: (-len(i.statements), i.title))


def _topic_owners(items: dict[str, AgendaItem]) -> dict[str, str]:
    """Each catalogue topic's item: the one holding most of the statements filed under it."""
    counts: dict[str, Counter[str]] = {}
    for slug, family in items.items():
        for topic in family.topics:
            counts.setdefault(topic, Counter())[slug] = len(family.statements)
    return {topic: c.most_common(1)[0][0] for topic, c in counts.items()}


def _add_missing(session: Session, items: dict[str, AgendaItem], owner: dict[str, str]) -> None:
    if not owner:
        return
    held = select(Statement.symbol).where(col(Statement.symbol).is_not(None))
    for entry in session.exec(
        select(CatalogueEntry).where(
            col(CatalogueEntry.topic).in_(list(owner)), col(CatalogueEntry.symbol).not_in(held)
        )
    ):
        items[owner[entry.topic or ""]].missing.append(
            Missing(entry.symbol, entry.date, entry.year, entry.topic)
        )
    for family in items.values():
        family.missing.sort(key=_when)


def agenda_item(session: Session, *, slug: str) -> AgendaItem | None:
    """The agenda item whose slug is `slug`, or one of whose variants has that slug."""
    return next((i for i in agenda_items(session) if slug in i.slugs), None)
