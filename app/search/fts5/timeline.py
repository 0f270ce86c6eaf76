"""Where each statement's paragraphs lie in rowid order: the map search reads matches by.

Ingest gives a statement's paragraphs consecutive ids and writes the statements of one run in
date order, so paragraph ids fall into a few *runs* inside which ids follow dates (a later
ingest of older statements, or a rewritten statement, starts a new run). With this map search
reads matches newest or oldest first straight from the index (FTS5 hands out rowids in order
without sorting), turns a year filter into rowid ranges, and names the statement of a match,
its date and agenda item without touching the paragraph table. It is built once per version
of the archive (about a second per million paragraphs) and holds a few numbers per statement.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from itertools import accumulate

from sqlalchemy.engine import Connection

# One row per statement: where its paragraphs start and end, how many, and what search needs
# to know about it. Grouping first and joining after touches each statement once.
SEGMENTS = """
    SELECT g.lo, g.hi, g.n, s.pk, s.date, s.year, s.agenda_item
    FROM (SELECT statement_pk, min(id) AS lo, max(id) AS hi, count(*) AS n
          FROM paragraph GROUP BY statement_pk) AS g
    JOIN statement s ON s.pk = g.statement_pk
    ORDER BY g.lo
"""

# When statements' id ranges interleave (no ingest does this, but the schema allows it), each
# unbroken stretch of one statement's ids becomes a segment of its own.
ISLANDS = """
    SELECT min(i.id), max(i.id), count(*), s.pk, s.date, s.year, s.agenda_item
    FROM (SELECT id, statement_pk,
                 id - row_number() OVER (PARTITION BY statement_pk ORDER BY id) AS island
          FROM paragraph) AS i
    JOIN statement s ON s.pk = i.statement_pk
    GROUP BY i.statement_pk, i.island
    ORDER BY 1
"""

Row = tuple[int, int, int, int, str, int, str | None]


@dataclass(frozen=True)
class Span:
    """Segments `first` to `stop - 1`, all in one run: their ids follow their dates."""

    first: int
    stop: int


@dataclass(frozen=True)
class Piece:
    """The segments of one year inside a span."""

    year: int
    first: int
    stop: int


class Timeline:
    """Segments (a statement's paragraphs, an unbroken id range) in id order, and the runs
    they form. Dates are ISO strings, which sort as dates do."""

    def __init__(self, rows: list[Row]) -> None:
        # Compact: a hundred thousand statements take a few megabytes (numbers in arrays,
        # each distinct date and agenda item stored once). Where each segment starts and ends
        # are lists: every match is looked up in them, and bisecting a list compares its ints
        # as they are, where an array makes an int object at each step.
        shared: dict[str | None, str | None] = {}
        self.starts: list[int] = [r[0] for r in rows]
        self.ends: list[int] = [r[1] for r in rows]
        self.pks = array("q", (r[3] for r in rows))
        self.dates: list[str] = [shared.setdefault(r[4], r[4]) or "" for r in rows]
        self.years = array("q", (r[5] for r in rows))
        self.agendas = [shared.setdefault(r[6], r[6]) for r in rows]
        self.paragraphs_before = array("q", [0, *accumulate(r[2] for r in rows)])
        self.runs: list[Span] = []
        first = 0
        for i in range(1, len(rows)):
            if self.dates[i] < self.dates[i - 1]:
                self.runs.append(Span(first, i))
                first = i
        if rows:
            self.runs.append(Span(first, len(rows)))
        self._by_agenda: dict[str, tuple[array[int], array[int]]] = {}
        self._positions: dict[str | None, list[int]] | None = None

    @property
    def total_paragraphs(self) -> int:
        return self.paragraphs_before[-1]

    def segment(self, rowid: int) -> int:
        """The segment holding paragraph `rowid`, or -1 when none does."""
        i = self.segment_at_or_before(rowid)
        return i if i >= 0 and rowid <= self.ends[i] else -1

    def segments(self, rowids: list[int]) -> list[int]:
        """`segment` of each of the ascending `rowids` (consecutive matches mostly share a
        statement, so most need no search)."""
        out = []
        current, end = -1, -1
        starts, ends = self.starts, self.ends
        for rowid in rowids:
            if rowid > end or rowid < starts[current]:
                current = bisect_right(starts, rowid) - 1
                end = ends[current] if current >= 0 else -1
            out.append(current if current >= 0 and rowid <= end else -1)
        return out

    def segment_at_or_before(self, rowid: int) -> int:
        """The last segment starting at or before paragraph `rowid` (-1 when none does)."""
        return bisect_right(self.starts, rowid) - 1

    def bounds(self, first: int, stop: int) -> tuple[int, int]:
        """The lowest and highest paragraph id of segments first..stop-1."""
        return self.starts[first], self.ends[stop - 1]

    def spans(self, year_from: int | None, year_to: int | None) -> list[Span]:
        """Per run, the segments inside the years asked for (ids in date order in each)."""
        out = []
        for run in self.runs:
            first, stop = run.first, run.stop
            if year_from is not None:
                first = bisect_left(self.years, year_from, first, stop)
            if year_to is not None:
                stop = bisect_right(self.years, year_to, first, stop)
            if first < stop:
                out.append(Span(first, stop))
        return out

    def pieces(self, span: Span) -> list[Piece]:
        """A span cut at year boundaries."""
        out = []
        i = span.first
        while i < span.stop:
            year = self.years[i]
            j = bisect_right(self.years, year, i, span.stop)
            out.append(Piece(year, i, j))
            i = j
        return out

    def count(self, first: int, stop: int, agenda: str | None = None) -> tuple[int, int]:
        """Statements (segments) and paragraphs in segments first..stop-1, only those under
        `agenda` when one is given."""
        if agenda is None:
            return stop - first, self.paragraphs_before[stop] - self.paragraphs_before[first]
        statements, paragraphs = self._agenda_sums(agenda)
        return (
            statements[stop] - statements[first],
            paragraphs[stop] - paragraphs[first],
        )

    def agendas_in(self, first: int, stop: int) -> Counter[str | None]:
        """Segments first..stop-1 per agenda item, the items in the order they first occur
        there: `Counter(self.agendas[first:stop])` without a pass over the segments (a year
        holds thousands of statements, and a search counts every year's)."""
        if self._positions is None:
            positions: dict[str | None, list[int]] = {}
            for i, agenda in enumerate(self.agendas):
                positions.setdefault(agenda, []).append(i)
            self._positions = positions
        found = []
        for agenda, at in self._positions.items():
            lo = bisect_left(at, first)
            n = bisect_left(at, stop, lo) - lo
            if n:
                found.append((at[lo], agenda, n))
        return Counter({agenda: n for _, agenda, n in sorted(found, key=lambda f: f[0])})

    def _agenda_sums(self, agenda: str) -> tuple[array[int], array[int]]:
        sums = self._by_agenda.get(agenda)
        if sums is None:
            flags = [a == agenda for a in self.agendas]
            statements = array("q", [0, *accumulate(int(f) for f in flags)])
            paragraphs = array("q", [0, *accumulate(self._sizes(flags))])
            sums = self._by_agenda[agenda] = (statements, paragraphs)
        return sums

    def _sizes(self, flags: list[bool]) -> list[int]:
        before = self.paragraphs_before
        return [before[i + 1] - before[i] if f else 0 for i, f in enumerate(flags)]


def load_timeline(conn: Connection) -> Timeline:
    """Read the map from the database (one pass over the paragraph index)."""
    rows: list[Row] = [tuple(r) for r in conn.exec_driver_sql(SEGMENTS)]
    if any(rows[i][0] <= rows[i - 1][1] for i in range(1, len(rows))):
        rows = [tuple(r) for r in conn.exec_driver_sql(ISLANDS)]
    return Timeline(rows)
