"""Counts and a per-year history from samples of a query's matches.

Search reads, for each year of each run of the timeline, the first few matches in id order
(`app.search.fts5.engine`). A year whose matches were all read is counted exactly. For a
busier year the sample stops at some paragraph: everything before it was read, so the density
of matches among the paragraphs read and the share of the statements read whole that use the
query estimate the rest of the year. This module turns samples into those counts; it runs no SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.search.fts5.timeline import Piece, Timeline


@dataclass(frozen=True)
class Tally:
    """What the sample of one piece (a year of one run) says."""

    paragraphs: int
    statements: int
    exact: bool
    first: int | None
    """Id of the piece's first match, when the sample holds it."""
    last: int | None
    """Id of the piece's last match, when the whole piece was read."""


@dataclass(frozen=True)
class Summary:
    """Counts, history and first and latest use of one query under one set of filters."""

    paragraphs: int = 0
    statements: int = 0
    exact: bool = True
    years: dict[int, int] = field(default_factory=dict)
    """Statements using the query, per year."""
    estimated_years: frozenset[int] = frozenset()
    first: int | None = None
    """Paragraph id of the first use (oldest date, then lowest id)."""
    latest: int | None = None


def tally(tl: Timeline, piece: Piece, rowids: list[int], sample: int, agenda: str | None) -> Tally:
    """Count or estimate one piece from the first `sample` matches in it (`rowids`, ascending;
    fewer when the piece has fewer), keeping only those under `agenda` when one is given."""
    segments = tl.segments(rowids)
    if agenda is None:
        hits = [(r, s) for r, s in zip(rowids, segments, strict=True) if s >= 0]
    else:
        agendas = tl.agendas
        hits = [
            (r, s) for r, s in zip(rowids, segments, strict=True) if s >= 0 and agendas[s] == agenda
        ]
    first = hits[0][0] if hits else None
    if len(rowids) < sample:  # the whole piece was read
        pks = {tl.pks[s] for _, s in hits}
        return Tally(len(hits), len(pks), True, first, hits[-1][0] if hits else None)
    # The sample stopped at `end`: the statements before the one holding it were read whole,
    # and that one up to `end`.
    end = rowids[-1]
    at = tl.segment_at_or_before(end)
    whole = at + 1 if end >= tl.ends[at] else at
    read_statements, read_paragraphs = tl.count(piece.first, whole, agenda)
    if whole == at and (agenda is None or tl.agendas[at] == agenda):
        read_paragraphs += end - tl.starts[at] + 1
    all_statements, all_paragraphs = tl.count(piece.first, piece.stop, agenda)
    using = len({tl.pks[s] for _, s in hits if s < whole})
    if read_statements:
        statements = round(all_statements * using / read_statements)
    else:  # one statement holds the whole sample: the query is everywhere
        statements = all_statements if hits else 0
    paragraphs = round(len(hits) * all_paragraphs / read_paragraphs) if read_paragraphs else 0
    return Tally(max(paragraphs, len(hits)), max(statements, using), False, first, None)


def combine(
    tl: Timeline,
    pieces: list[Piece],
    tallies: list[Tally],
    agenda: str | None,
    first: int | None,
    latest: int | None,
) -> Summary:
    """The query's totals and history from the tallies of its pieces; estimated totals are
    rounded to three figures and never exceed what the pieces hold."""
    years: dict[int, int] = {}
    estimated: set[int] = set()
    for piece, t in zip(pieces, tallies, strict=True):
        if t.statements or not t.exact:
            years[piece.year] = years.get(piece.year, 0) + t.statements
        if not t.exact:
            estimated.add(piece.year)
    paragraphs = sum(t.paragraphs for t in tallies)
    statements = sum(t.statements for t in tallies)
    if estimated:
        most = [tl.count(p.first, p.stop, agenda) for p in pieces]
        statements = min(about(statements), sum(n for n, _ in most))
        paragraphs = min(about(paragraphs), sum(n for _, n in most))
    if first is not None:  # a match was found, whatever the samples said
        paragraphs, statements = max(paragraphs, 1), max(statements, 1)
    return Summary(
        paragraphs=paragraphs,
        statements=statements,
        exact=not estimated,
        years={y: n for y, n in sorted(years.items()) if n or y in estimated},
        estimated_years=frozenset(estimated),
        first=first,
        latest=latest,
    )


def about(n: int) -> int:
    """An estimate rounded to three significant figures."""
    digits = len(str(n))
    return round(n, 3 - digits) if digits > 3 else n
