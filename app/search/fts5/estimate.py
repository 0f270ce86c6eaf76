"""Counts and a per-year history from samples of a query's matches.

Search reads, for each year of each run of the timeline, the first few matches in id order
(`app.search.fts5.engine`). A year whose matches were all read is counted exactly. For a
busier year the sample stops at some paragraph: everything before it was read, so the density
of matches among the paragraphs read and the share of the statements read whole that use the
query estimate the rest of the year. This module turns samples into those counts; it runs no SQL.
"""

from __future__ import annotations

from collections import Counter
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
    agendas: dict[str, int] = field(default_factory=dict)
    """Statements using the query per agenda item, most first (when asked for)."""
    estimated_agendas: frozenset[str] = frozenset()


def tally(
    tl: Timeline,
    piece: Piece,
    rowids: list[int],
    sample: int,
    agenda: str | None,
    segments: list[int] | None = None,
) -> Tally:
    """Count or estimate one piece from the first `sample` matches in it (`rowids`, ascending;
    fewer when the piece has fewer), keeping only those under `agenda` when one is given.
    `segments`: each rowid's segment, when the caller has them (`Timeline.segments`)."""
    if segments is None:
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


@dataclass(frozen=True)
class AgendaTally:
    """Statements using the query per agenda item in one piece; `estimated` names the items
    whose share includes statements the sample did not read."""

    statements: dict[str | None, float]
    estimated: frozenset[str | None]


def agenda_tally(
    tl: Timeline, piece: Piece, rowids: list[int], t: Tally, segments: list[int] | None = None
) -> AgendaTally:
    """Split one piece's statements using the query (`t`, from the same sample `rowids`)
    among agenda items. A piece read whole is counted exactly. Otherwise the statements read
    whole are counted, and the rest of the piece's estimate is shared among the items of the
    statements not read, each weighted by its own rate of use among those read (the piece's
    rate for an item none of whose statements was read): the shares add up to the piece's
    estimate, so the agenda counts agree with the totals (but for rounding)."""
    if segments is None:
        segments = tl.segments(rowids)
    if t.exact:
        used = {s for s in segments if s >= 0}
        return AgendaTally(dict(Counter(tl.agendas[s] for s in used)), frozenset())
    end = rowids[-1]
    at = tl.segment_at_or_before(end)
    whole = at + 1 if end >= tl.ends[at] else at
    used = {s for s in segments if 0 <= s < whole}
    using = Counter(tl.agendas[s] for s in used)
    read = tl.agendas_in(piece.first, whole)
    unread = tl.agendas_in(whole, piece.stop)
    # With no statement read whole (one statement held the sample), every item alike.
    overall = len(used) / (whole - piece.first) if whole > piece.first else 1.0
    weights = {a: n * (using[a] / read[a] if read[a] else overall) for a, n in unread.items()}
    rest = max(0, t.statements - len(used))
    total = sum(weights.values())
    if not total:  # the items read never use it, yet the sample says the rest does
        weights, total = dict(unread), sum(unread.values())
    statements: dict[str | None, float] = dict(using)
    if rest and total:
        for a, weight in weights.items():
            statements[a] = statements.get(a, 0) + rest * weight / total
    return AgendaTally(statements, frozenset(a for a, w in weights.items() if w and rest))


def _agenda_counts(tallies: list[AgendaTally]) -> tuple[dict[str, int], frozenset[str]]:
    """Per item, over the pieces: most used first, then by name; an estimate below one half
    is no statement to show."""
    sums: dict[str, float] = {}
    estimated: set[str] = set()
    for t in tallies:
        for item, n in t.statements.items():
            if item:
                sums[item] = sums.get(item, 0) + n
        estimated.update(item for item in t.estimated if item)
    counts = {item: round(n) for item, n in sums.items() if round(n)}
    ordered = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return ordered, frozenset(estimated & set(ordered))


def combine(
    tl: Timeline,
    pieces: list[Piece],
    tallies: list[Tally],
    agenda: str | None,
    first: int | None,
    latest: int | None,
    agendas: list[AgendaTally] | None = None,
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
    by_agenda, estimated_agendas = _agenda_counts(agendas or [])
    return Summary(
        paragraphs=paragraphs,
        statements=statements,
        exact=not estimated,
        years={y: n for y, n in sorted(years.items()) if n or y in estimated},
        estimated_years=frozenset(estimated),
        first=first,
        latest=latest,
        agendas=by_agenda,
        estimated_agendas=estimated_agendas,
    )


def about(n: int) -> int:
    """An estimate rounded to three significant figures."""
    digits = len(str(n))
    return round(n, 3 - digits) if digits > 3 else n
