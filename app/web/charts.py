"""Geometry for the server-rendered SVG bar chart of a phrase's use per year."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    year: int
    count: int
    x: float
    y: float
    width: float
    height: float
    estimated: bool = False
    """The count is an estimate from a sample of that year's matches."""


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    width: int
    height: int
    max_count: int
    first_year: int
    last_year: int

    @property
    def estimated(self) -> bool:
        return any(bar.estimated for bar in self.bars)


def year_chart(
    years: dict[int, int],
    estimated: Collection[int] = (),
    *,
    width: int = 640,
    height: int = 120,
) -> Chart | None:
    """One bar per year from the first to the last year with a use (years without use stay
    visible as gaps), scaled to the busiest year; the years in `estimated` are flagged."""
    if not years:
        return None
    first, last = min(years), max(years)
    span = last - first + 1
    slot = width / span
    peak = max(years.values())
    plot = height - 20  # room for the year labels below the bars
    bars = []
    for year in range(first, last + 1):
        count = years.get(year, 0)
        bar_height = plot * count / peak if peak else 0
        bars.append(
            Bar(
                year=year,
                count=count,
                x=round(year - first) * slot + slot * 0.1,
                y=plot - bar_height,
                width=slot * 0.8,
                height=bar_height,
                estimated=year in estimated,
            )
        )
    return Chart(bars, width, height, peak, first, last)
