"""What the archive knows beyond the texts it holds: catalogue entries and, year by year, how
many of the statements known to exist it holds (so no page speaks of a partial archive as if
it were complete)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from app.store.models import CatalogueEntry
from app.store.queries import YearCompleteness


@dataclass(frozen=True)
class YearCoverage:
    year: int
    held: int
    """Statements of the year whose text the archive holds."""
    known: int
    """Statements of the year known to exist: catalogued, or held without being catalogued."""


@dataclass(frozen=True)
class Coverage:
    """How much of a span of years the archive holds."""

    years: list[YearCoverage]
    catalogued: bool
    """Whether a catalogue lists any statement of these years: without one, `known` is only
    what the archive holds, and says nothing of completeness."""

    @property
    def held(self) -> int:
        return sum(y.held for y in self.years)

    @property
    def known(self) -> int:
        return sum(y.known for y in self.years)

    @property
    def complete(self) -> bool:
        return self.held == self.known

    @property
    def percent(self) -> int:
        """The share held, rounded down so that 99.6% never reads as all of them."""
        return 100 * self.held // self.known if self.known else 0

    def of(self, year: int) -> YearCoverage:
        return next((y for y in self.years if y.year == year), YearCoverage(year, 0, 0))


def year_coverage(c: YearCompleteness) -> YearCoverage:
    return YearCoverage(c.year, c.in_archive, c.catalogued + c.in_archive - c.catalogued_in_archive)


def coverage(
    years: list[YearCompleteness], *, first: int | None = None, last: int | None = None
) -> Coverage:
    """Coverage of the years from `first` to `last` (default: every year), from
    `queries.completeness` (which pages keep once per version of the archive)."""
    chosen = [
        c
        for c in sorted(years, key=lambda c: c.year)
        if (first is None or c.year >= first) and (last is None or c.year <= last)
    ]
    return Coverage([year_coverage(c) for c in chosen], any(c.catalogued for c in chosen))


def catalogue_entry(session: Session, *, symbol: str) -> CatalogueEntry | None:
    """The catalogue's entry for a symbol, in any capitals (`s/prst/2013/2`)."""
    return (
        session.get(CatalogueEntry, symbol)
        or session.exec(
            select(CatalogueEntry).where(func.lower(CatalogueEntry.symbol) == symbol.lower())
        ).first()
    )


def catalogue_entry_for_id(session: Session, *, statement_id: str) -> CatalogueEntry | None:
    """The catalogue entry a statement id names (`S-PRST-2013-2` is S/PRST/2013/2), for a
    statement known to exist whose text the archive does not hold."""
    if not statement_id.upper().startswith("S-"):
        return None
    return catalogue_entry(session, symbol=statement_id.replace("-", "/"))
