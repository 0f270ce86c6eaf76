"""Geometry for the server-rendered SVG bar chart of a phrase's use per year: bars, a y-axis
scale with round numbers, and year labels at an interval that stays legible on a phone."""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass

NICE_STEPS = (1, 2, 5)
"""Scale steps are these times a power of ten: 1, 2, 5, 10, 20, 50..."""
MAX_TICKS = 4
"""At most this many steps up the y axis (a line each, labelled)."""
LABEL_INTERVALS = (1, 2, 5, 10, 20, 25, 50)
MAX_LABELS = 10
"""Year labels: at most this many, so they stay apart when the chart shrinks to a phone."""


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
    slot_x: float = 0.0
    """Where the year's whole column starts: the link covers it, so a short bar is easy to hit."""
    slot_width: float = 0.0


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class Label:
    year: int
    x: float


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    width: int
    height: int
    max_count: int
    first_year: int
    last_year: int
    ticks: list[Tick]
    labels: list[Label]
    left: float
    """Where the plot starts (the y axis's labels sit to its left)."""
    baseline: float
    """The y of zero."""

    @property
    def estimated(self) -> bool:
        return any(bar.estimated for bar in self.bars)


def scale_step(peak: int) -> int:
    """The smallest round step (1, 2, 5, 10, 20, 50...) that reaches `peak` in at most
    `MAX_TICKS` steps."""
    power = 1
    while True:
        for step in NICE_STEPS:
            if math.ceil(peak / (step * power)) <= MAX_TICKS:
                return step * power
        power *= 10


def label_interval(span: int) -> int:
    """Label every year of a short span; otherwise every 2nd, 5th, 10th... year."""
    return next((i for i in LABEL_INTERVALS if span <= MAX_LABELS * i), LABEL_INTERVALS[-1])


def year_chart(
    years: dict[int, int],
    estimated: Collection[int] = (),
    *,
    width: int = 640,
    height: int = 160,
) -> Chart | None:
    """One bar per year from the first to the last year with a use (years without use stay
    visible as gaps), on a scale of round numbers; the years in `estimated` are flagged."""
    if not years:
        return None
    first, last = min(years), max(years)
    span = last - first + 1
    peak = max(years.values())
    step = scale_step(max(peak, 1))
    top = step * math.ceil(max(peak, 1) / step)
    left, right, above, below = 34.0, 4.0, 8.0, 22.0
    baseline = height - below
    plot_height = baseline - above
    slot = (width - left - right) / span
    bars = []
    for year in range(first, last + 1):
        count = years.get(year, 0)
        bar_height = plot_height * count / top
        slot_x = left + (year - first) * slot
        bars.append(
            Bar(
                year=year,
                count=count,
                x=round(slot_x + slot * 0.1, 2),
                y=round(baseline - bar_height, 2),
                width=round(slot * 0.8, 2),
                height=round(bar_height, 2),
                estimated=year in estimated,
                slot_x=round(slot_x, 2),
                slot_width=round(slot, 2),
            )
        )
    ticks = [
        Tick(value, round(baseline - plot_height * value / top, 2))
        for value in range(0, top + 1, step)
    ]
    interval = label_interval(span)
    labels = [
        Label(year, round(left + (year - first + 0.5) * slot, 2))
        for year in range(first, last + 1)
        if year % interval == 0 or interval == 1
    ]
    return Chart(bars, width, height, peak, first, last, ticks, labels, left, baseline)
