"""Full-text search over paragraphs with SQLite's FTS5: the read side of `app.search.fts5`.

A query is parsed by `app.search.query` into a safe FTS5 expression; every value is bound;
`highlight`/`snippet` mark matches with control characters that become <mark> only after the
text has been escaped.

Built for an archive of millions of paragraphs, where FTS5 finds the matches of a common word
in id order quickly but cannot count, rank or group all of them within a request:

- Matches are read in id order, which follows dates inside each run of the timeline
  (`app.search.fts5.timeline`): a date-sorted page reads only the rows it shows, a year
  filter is an id range, and the statement of a match is looked up in memory.
- Counts and the per-year history come from reading, for each year, at most `SAMPLE` matches
  (a first pass reads the first `PROBE` of them all: a rarer query is counted from it); a year
  with fewer is counted exactly, a busier one estimated from its sample
  (`app.search.fts5.estimate`), and the result says which. First and latest use are
  always exact. The summary is kept per version of the archive (`app.search.cache`).
- Relevance ranks the newest `RANK_CAP` matches by BM25; when there are more, the result says
  so. FTS5's bm25() scores when the query's terms are single words rare enough; for common ones
  (and any phrase) it would first count every match of every term, longer than a whole search
  may take, so they are scored with the same formula and their estimated counts
  (`app.search.fts5.ranking`), each match's frequencies read from `highlight()` (one common
  word's from its bm25(), cheaper up to `BM25_FREQUENCIES_MAX` paragraphs). The ranking is
  kept per query and version: the next page reads only the rows it shows.
- A prefix (`organi*`) is replaced by the indexed words that start with it, OR-ed, so FTS5
  merges their lists lazily instead of building the whole prefix list for every lookup. A
  prefix standing for more words is left to FTS5's own prefix search, which builds that list in
  one uninterruptible step per lookup: a query may hold one such prefix, of at least
  `MIN_BROAD_PREFIX` letters (`a* OR b* OR ... OR z*` is refused before it starts).
- Every search runs on a budget of processor time (`app.search.fts5.budget`): past it, SQLite
  interrupts the search and the reader is asked to narrow it.
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
import logging
import sqlite3
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from functools import partial, wraps
from itertools import islice
from typing import Any, Concatenate, ParamSpec, TypeVar

from markupsafe import Markup
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from app.search.cache import LRU, PerVersion
from app.search.fts5 import budget as budgets
from app.search.fts5.budget import Budget
from app.search.fts5.estimate import Summary, Tally, agenda_tally, combine, tally
from app.search.fts5.ranking import Scorer, idf, length, varint
from app.search.fts5.timeline import Piece, Span, Timeline, load_timeline
from app.search.interfaces import SearchLimits
from app.search.query import Query
from app.search.results import (
    CLOSE,
    OPEN,
    After,
    AgendaCounts,
    Filters,
    Hit,
    SearchRefused,
    SearchResult,
    Sort,
    UnknownPosition,
    Use,
    marked,
)
from app.store.models import Statement
from app.store.services import archive_version

log = logging.getLogger(__name__)

RANK_CAP = 1_000
"""Relevance ranks at most this many matches, the newest (scoring reads each one's text)."""
SAMPLE = 100
"""Counts and history read at most this many matches per year (more with an agenda filter)..."""
SAMPLE_BUDGET = 3_000
"""...and about this many in all: fewer per year when the query spans many years."""
MIN_SAMPLE = 20
PROBE = 500
"""Counts first read this many matches in one pass: a query with fewer is counted from it."""
NATIVE_BM25_MAX = 10_000
"""When the query's terms are single words matching at most this many paragraphs in all, FTS5's
own bm25() scores (its count of every match is then cheap, and it reads no text)."""
BM25_FREQUENCIES_MAX = 200_000
"""A query of one word matching more paragraphs is scored with its estimated count, from each
match's frequency: up to this many, the frequencies are read from bm25() (its count of the
word's paragraphs, ~25 ns each, costs less than marking the newest RANK_CAP matches' text,
~5 us each); beyond, from highlight()."""
TERM_SAMPLE = 20
"""A term's count for its IDF reads at most this many matches per year: the logarithm
forgives a rough estimate."""
AGENDA_SAMPLE_MAX = 2_000
MAX_PREFIX_WORDS = 64
"""A prefix standing for more words than this is left to FTS5's own prefix search..."""
MIN_BROAD_PREFIX = 3
"""...which needs at least this many letters before the *..."""
MAX_BROAD_PREFIXES = 1
"""...and may be used for this many prefixes of a query."""
SCAN_CHUNK = 500
SNIPPET_FROM_WORDS = 80
"""Paragraphs longer than this are shown as an excerpt around the match."""
SNIPPET_TOKENS = 48
# --- SQL --------------------------------------------------------------------------------------

# An id range's (a year of one run) first :n matches as "id,id,...". One statement per range:
# a single statement walking a JSON list of the ranges took twice as long (1.5 against 0.7 ms
# for 31 years of a phrase).
SAMPLE_SQL = (
    "SELECT group_concat(rowid) FROM (SELECT rowid FROM paragraph_fts"
    " WHERE paragraph_fts MATCH :q AND rowid BETWEEN :lo AND :hi ORDER BY rowid LIMIT :n)"
)
PROBE_SQL = (
    "SELECT rowid FROM paragraph_fts WHERE paragraph_fts MATCH :q"
    " AND rowid BETWEEN :lo AND :hi ORDER BY rowid LIMIT :n"
)
SCAN_SQL = {
    descending: "SELECT rowid FROM paragraph_fts WHERE paragraph_fts MATCH :q"
    f" AND rowid BETWEEN :lo AND :hi ORDER BY rowid {'DESC' if descending else 'ASC'}"
    " LIMIT :n OFFSET :skip"
    for descending in (False, True)
}
# The newest matches, marked, with their docsize record, for app.search.fts5.ranking to score.
RANK_SQL = (
    "SELECT rowid, highlight(paragraph_fts, 0, :open, :close),"
    " (SELECT sz FROM paragraph_fts_docsize WHERE id = paragraph_fts.rowid)"
    " FROM paragraph_fts WHERE paragraph_fts MATCH :q AND rowid BETWEEN :lo AND :hi"
    " ORDER BY rowid DESC LIMIT :n"
)
RANK_NATIVE_SQL = (
    "SELECT rowid, bm25(paragraph_fts) FROM paragraph_fts WHERE paragraph_fts MATCH :q"
    " AND rowid BETWEEN :lo AND :hi ORDER BY rowid DESC LIMIT :n"
)
# The same with the docsize record, for app.search.fts5.ranking to read each match's frequency
# from its bm25(); and one match marked, to tell bm25()'s IDF.
RANK_BM25_SQL = (
    "SELECT rowid, bm25(paragraph_fts),"
    " (SELECT sz FROM paragraph_fts_docsize WHERE id = paragraph_fts.rowid)"
    " FROM paragraph_fts WHERE paragraph_fts MATCH :q AND rowid BETWEEN :lo AND :hi"
    " ORDER BY rowid DESC LIMIT :n"
)
ONE_MARKED_SQL = (
    "SELECT highlight(paragraph_fts, 0, :open, :close) FROM paragraph_fts"
    " WHERE paragraph_fts MATCH :q AND rowid = :id"
)
# What a page shows of its hits, each found by its id: a seek in the index per hit. (A pass over
# the id range the hits lie in, ids tested after, costs as much for neighbouring hits, but a
# whole scan of the index when the hits are far apart: a phrase with 187 matches at 1.5M
# paragraphs, 13 against 72 ms.)
SHOWN_SQL = {
    native: "SELECT rowid, highlight(paragraph_fts, 0, :open, :close),"
    " snippet(paragraph_fts, 0, :open, :close, '…', :tokens),"
    " (SELECT sz FROM paragraph_fts_docsize WHERE id = paragraph_fts.rowid)"
    f"{', bm25(paragraph_fts)' if native else ''}"
    " FROM paragraph_fts WHERE paragraph_fts MATCH :q"
    " AND rowid IN (SELECT value FROM json_each(:ids))"
    for native in (False, True)
}
# A statement's matching paragraphs, its id range bounding the index scan.
STATEMENT_MARKS_SQL = (
    "SELECT p.number, highlight(paragraph_fts, 0, :open, :close)"
    " FROM paragraph_fts JOIN paragraph p ON p.id = paragraph_fts.rowid"
    " WHERE paragraph_fts MATCH :q AND p.statement_pk = :pk AND paragraph_fts.rowid BETWEEN"
    " (SELECT min(id) FROM paragraph WHERE statement_pk = :pk) AND"
    " (SELECT max(id) FROM paragraph WHERE statement_pk = :pk)"
)
# Where a cursor (`After`) points: the paragraph's id.
POSITION_SQL = "SELECT id FROM paragraph WHERE statement_pk = :pk AND number = :n"
PARAGRAPHS_SQL = (
    "SELECT id, statement_pk, number FROM paragraph WHERE id IN (SELECT value FROM json_each(:ids))"
)
PARAGRAPH_COUNTS_SQL = (
    "SELECT statement_pk, count(*) FROM paragraph WHERE statement_pk IN"
    " (SELECT value FROM json_each(:pks)) GROUP BY statement_pk"
)
# The index's totals: paragraphs, then words (FTS5's 'averages' record).
TOTALS_SQL = "SELECT block FROM paragraph_fts_data WHERE id = 1"
PREFIX_WORD_SQL = (
    "SELECT term FROM paragraph_terms WHERE term >= :lo AND term < :hi ORDER BY term LIMIT 1"
)
PREFIX_WORD_OPEN_SQL = "SELECT term FROM paragraph_terms WHERE term >= :lo ORDER BY term LIMIT 1"


# --- per-version state ------------------------------------------------------------------------

_timelines: PerVersion[Timeline] = PerVersion()
_summaries: LRU[tuple[Any, ...], Summary] = LRU(1024)
_prefix_words: LRU[tuple[Any, ...], tuple[str, ...] | None] = LRU(4096)
_rankings: LRU[tuple[Any, ...], _Ranking] = LRU(256)


def clear_caches(*, timelines: bool = True) -> None:
    """Forget what is kept between requests: the counts and prefixes of queries, and unless
    told otherwise the timelines (a benchmark measures a query never seen before with
    `timelines=False`)."""
    if timelines:
        _timelines.clear()
    _summaries.clear()
    _prefix_words.clear()
    _rankings.clear()


def prepare(session: Session) -> bool:
    """Build what search keeps for the archive's current version (its timeline) unless it is
    built already, so that no visitor waits for it; whether the archive could be cached."""
    ctx = _Context(session)
    if ctx.version is None:
        return False
    ctx.timeline  # noqa: B018  (the property builds and keeps it)
    return True


def prepared(session: Session) -> bool:
    """Whether the timeline of the archive's current version is built."""
    ctx = _Context(session)
    return ctx.version is not None and _timelines.has(*ctx.version)


class _Context:
    """One request's view of the archive: its connection, its version (None when nothing may
    be cached), the budget its search runs on and, when needed, its timeline."""

    def __init__(self, session: Session, budget: Budget | None = None) -> None:
        self.conn = session.connection()
        # Search queries return up to thousands of rows of a few columns: read through the
        # driver, SQLAlchemy's rows would cost more than the queries.
        self.driver: sqlite3.Connection = self.conn.connection.driver_connection  # type: ignore[assignment]
        self.version = archive_version(self.conn)
        self.budget = budget
        self._timeline: Timeline | None = None
        self.prefix_words: dict[str, tuple[str, ...]] = {}
        """Words each prefix of the query stands for (see `_fts_expression`)."""

    def rows(self, sql: str, params: dict[str, Any]) -> list[Any]:
        if self.budget is not None:
            self.budget.check()
        try:
            return self.driver.execute(sql, params).fetchall()
        except sqlite3.Error as exc:  # reported as any database error is (app.web.app)
            raise OperationalError(sql, params, exc) from exc

    @property
    def timeline(self) -> Timeline:
        if self._timeline is None:
            # Built once per version of the archive for every search, usually by the warm-up
            # before any visitor: not this search's cost. (Paused only when it may have to be
            # built: a pause reads the processor clock, a system call, twice.)
            built = self.version is not None and _timelines.has(*self.version)
            with self.budget.paused() if self.budget and not built else nullcontext():
                if self.version is None:
                    self._timeline = load_timeline(self.conn)
                else:
                    path, version = self.version
                    self._timeline = _timelines.get(path, version, lambda: load_timeline(self.conn))
        return self._timeline

    def totals(self) -> tuple[int, int]:
        """Paragraphs and words in the index."""
        rows = self.rows(TOTALS_SQL, {})
        if not rows:
            return 0, 0
        paragraphs, at = varint(rows[0][0])
        return paragraphs, varint(rows[0][0], at)[0]


def _fts_expression(ctx: _Context, query: Query) -> str:
    """The query's FTS5 expression, its prefixes replaced by the words they stand for; a
    `SearchRefused` when the query is too broad to run."""
    if query.refused:
        raise SearchRefused(query.refused)
    words = {}
    broad = []
    for prefix in sorted(query.prefixes()):
        key = (ctx.version, prefix) if ctx.version else None
        found = _prefix_words.get_or_compute(key, partial(_words_starting, ctx, prefix))
        if found is None:
            broad.append(prefix)
        elif found:
            words[prefix] = found
    _refuse_broad_prefixes(broad)
    ctx.prefix_words = words
    expression = query.fts(words)
    assert expression is not None
    return expression


def _refuse_broad_prefixes(broad: list[str]) -> None:
    """Refuse what FTS5's own prefix search would make too costly: a short prefix standing for
    many words, or several such prefixes (each is a pass over much of the index)."""
    short = [p for p in broad if len(p) < MIN_BROAD_PREFIX]
    listed = short or broad
    named = ", ".join(f"“{p}*”" for p in listed[:5])
    if len(listed) > 5:
        named += f" and {len(listed) - 5} more"
    if short:
        raise SearchRefused(
            f"This search is too broad to answer: {named} stand{'s' if len(short) == 1 else ''} "
            f"for more than {MAX_PREFIX_WORDS} different words of the archive. Type at least "
            f"{MIN_BROAD_PREFIX} letters before a * (organi*, not o*)."
        )
    if len(broad) > MAX_BROAD_PREFIXES:
        raise SearchRefused(
            f"This search is too broad to answer: {named} each stand for more than "
            f"{MAX_PREFIX_WORDS} different words of the archive, and a search may hold "
            f"{MAX_BROAD_PREFIXES} such beginning. Type more letters of the others."
        )


def _words_starting(ctx: _Context, prefix: str) -> tuple[str, ...] | None:
    """The indexed words that start with `prefix`, in order (empty when there are none); None
    when there are more than MAX_PREFIX_WORDS (then FTS5's own prefix search is used). Each
    word is found by a seek in the index (the 'instance' view reads no postings to find the
    next word)."""
    last = ord(prefix[-1])
    # The first string after every word with the prefix (none after the last code point,
    # and none that is not text: the next code point may be a surrogate).
    upper = prefix[:-1] + chr(last + 1) if last < 0x10FFFF and last + 1 != 0xD800 else None
    words: list[str] = []
    low = prefix
    try:
        while len(words) <= MAX_PREFIX_WORDS:
            if upper is None:
                rows = ctx.rows(PREFIX_WORD_OPEN_SQL, {"lo": low})
            else:
                rows = ctx.rows(PREFIX_WORD_SQL, {"lo": low, "hi": upper})
            if not rows or not str(rows[0][0]).startswith(prefix):
                break
            words.append(str(rows[0][0]))
            # Words hold no control characters: the next word sorts at or after this.
            low = words[-1] + "\x01"
    except OperationalError:  # an archive from before paragraph_terms (revision 0007)
        return ()
    return tuple(words) if len(words) <= MAX_PREFIX_WORDS else None


# --- reading matches --------------------------------------------------------------------------


def _keeper(timeline: Timeline, agenda: str | None) -> Callable[[int], bool] | None:
    """A test for matches under the agenda item, or None when every match counts."""
    if agenda is None:
        return None

    def keep(rowid: int) -> bool:
        i = timeline.segment(rowid)
        return i >= 0 and timeline.agendas[i] == agenda

    return keep


def _date_key(timeline: Timeline) -> Callable[[int], tuple[str, int]]:
    def key(rowid: int) -> tuple[str, int]:
        return timeline.dates[timeline.segment(rowid)], rowid

    return key


def _scan(
    ctx: _Context,
    expression: str,
    bounds: tuple[int, int],
    *,
    descending: bool,
    keep: Callable[[int], bool] | None = None,
    skip: int = 0,
    chunk: int = SCAN_CHUNK,
) -> Iterator[int]:
    """Matches with ids in `bounds`, in id order, read from the index a chunk at a time."""
    lo, hi = bounds
    while lo <= hi:
        params = {"q": expression, "lo": lo, "hi": hi, "n": chunk, "skip": skip}
        rows = [r[0] for r in ctx.rows(SCAN_SQL[descending], params)]
        for rowid in rows:
            if keep is None or keep(rowid):
                yield rowid
        if len(rows) < chunk:
            return
        if descending:
            hi = rows[-1] - 1
        else:
            lo = rows[-1] + 1
        skip = 0
        chunk = min(chunk * 4, 20_000)


def _by_date(
    ctx: _Context,
    expression: str,
    ranges: list[tuple[int, int]],
    agenda: str | None,
    *,
    newest: bool,
    offset: int,
    limit: int,
) -> list[int]:
    """One page of matches in date order (then id order), newest or oldest first, from id
    `ranges` (one per run, each in date order)."""
    tl = ctx.timeline
    keep = _keeper(tl, agenda)
    if len(ranges) == 1 and keep is None:
        # The common case: one run, so index order is date order; SQLite skips the offset.
        rows = _scan(ctx, expression, ranges[0], descending=newest, skip=offset, chunk=limit)
        return list(islice(rows, limit))
    streams = [
        _scan(
            ctx,
            expression,
            bounds,
            descending=newest,
            keep=keep,
            chunk=min(offset + limit, 20_000),
        )
        for bounds in ranges
    ]
    merged = heapq.merge(*streams, key=_date_key(tl), reverse=newest)
    return list(islice(merged, offset, offset + limit))


def _past(
    tl: Timeline, spans: list[Span], date: str, rowid: int, *, newest: bool
) -> list[tuple[int, int]]:
    """The id ranges of `spans` that come after the match (`date`, `rowid`) in date order
    (newest first when `newest`). Inside a run, (date, id) grows with the id, so each run is
    cut once: its segments of an earlier (later) date go, and of those of the same date the
    ids up to (down from) `rowid`."""
    ranges = []
    for span in spans:
        lo, hi = tl.bounds(span.first, span.stop)
        same = bisect_left(tl.dates, date, span.first, span.stop)
        later = bisect_right(tl.dates, date, span.first, span.stop)
        if newest:
            if same < later and rowid > tl.starts[same]:
                hi = min(tl.ends[later - 1], rowid - 1)
            elif same > span.first:
                hi = tl.ends[same - 1]
            else:
                continue
        else:
            if same < later and rowid < tl.ends[later - 1]:
                lo = max(tl.starts[same], rowid + 1)
            elif later < span.stop:
                lo = tl.starts[later]
            else:
                continue
        ranges.append((lo, hi))
    return ranges


@dataclass(frozen=True)
class _Ranking:
    """The newest RANK_CAP matches (all of them when fewer) in order of relevance: ids and
    scores, best first; kept per query, filters and version, so that the next page and the
    same search again read no more than the rows they show."""

    ids: array[int]
    scores: array[float]
    capped: bool
    oldest: int | None


def _scorer(ctx: _Context, query: Query, summary: Summary, filters: Filters) -> Scorer:
    """BM25 for the query's terms, each term's paragraph count from its (cached) summary;
    `native` when the counts are small enough for FTS5's bm25() to score instead."""
    terms = [term for group in query.groups for term in group]
    counts = []
    for term in terms:
        if len(terms) == 1 and not query.excluded and filters == Filters():
            counts.append(summary.paragraphs)  # the query is this term alone
            continue
        expression = term.fts(ctx.prefix_words)
        key = (ctx.version, expression, "idf") if ctx.version else None
        everywhere = ctx.timeline.spans(None, None)
        summarize = partial(_summarize, ctx, expression, everywhere, None, sample=TERM_SAMPLE)
        counts.append(_summaries.get_or_compute(key, summarize).paragraphs)
    # bm25() counts every phrase of the expression (the excluded ones too) over the whole
    # index. For a word that is a walk along its list of paragraphs, cheap while the counts
    # are small; a phrase of several words (or a prefix's words) is matched position by
    # position everywhere, which costs a full scan when its words are common: those are
    # scored here, from highlight(), whatever their counts.
    single_words = all(len(t.tokens) == 1 and not t.prefix for t in [*terms, *query.excluded])
    native = single_words and sum(counts) <= NATIVE_BM25_MAX
    one_word = single_words and len(terms) == 1 and not query.excluded
    paragraphs, words = ctx.totals()
    idfs = [idf(paragraphs, n) for n in counts]
    return Scorer(
        terms,
        idfs,
        words / max(1, paragraphs),
        native=native,
        bm25_frequencies=one_word and not native and sum(counts) <= BM25_FREQUENCIES_MAX,
    )


def _ranking(
    ctx: _Context, expression: str, scorer: Scorer, spans: list[Span], filters: Filters
) -> _Ranking:
    """The query's matches by relevance, kept per version (see `_rank`)."""
    key = (ctx.version, expression, filters, "rank") if ctx.version else None
    compute = partial(_rank, ctx, expression, scorer, spans, filters.agenda_item)
    return _rankings.get_or_compute(key, compute)


def _rank(
    ctx: _Context, expression: str, scorer: Scorer, spans: list[Span], agenda: str | None
) -> _Ranking:
    """BM25 of the newest RANK_CAP matches (all of them when fewer), best first."""
    if scorer.native:
        candidates, capped, oldest = _newest(ctx, expression, spans, agenda, RANK_NATIVE_SQL)
        scored = [(c[1], -c[0]) for c in candidates]
    else:
        frequencies = None
        if scorer.bm25_frequencies:
            candidates, capped, oldest = _newest(ctx, expression, spans, agenda, RANK_BM25_SQL)
            frequencies = _frequencies(ctx, expression, scorer, candidates)
        if frequencies is not None:
            score_tf = scorer.score_tf
            scored = [
                (score_tf(tf, length(c[2] or b"")), -c[0])
                for c, tf in zip(candidates, frequencies, strict=True)
            ]
        else:
            candidates, capped, oldest = _newest(ctx, expression, spans, agenda, RANK_SQL)
            score = scorer.score
            scored = [(score(c[1], length(c[2] or b"")), -c[0]) for c in candidates]
    scored.sort()  # equal scores (the same agreed text): the newest first
    return _Ranking(
        array("q", [-negative for _, negative in scored]),
        array("d", [value for value, _ in scored]),
        capped,
        oldest,
    )


def _newest(
    ctx: _Context, expression: str, spans: list[Span], agenda: str | None, sql: str
) -> tuple[list[Any], bool, int | None]:
    """The newest RANK_CAP matches (rows of `sql`, id first) under the agenda item: whether
    there were more, and the oldest of them."""
    tl = ctx.timeline
    candidates: list[Any] = []
    capped = False
    for span in spans:
        lo, hi = tl.bounds(span.first, span.stop)
        params = {"q": expression, "lo": lo, "hi": hi, "n": RANK_CAP + 1}
        rows = ctx.rows(
            sql, {**params, "open": OPEN, "close": CLOSE} if sql == RANK_SQL else params
        )
        capped = capped or len(rows) > RANK_CAP
        candidates += rows[:RANK_CAP]
    key = _date_key(tl)
    if len(spans) > 1 and len(candidates) > RANK_CAP:
        candidates = heapq.nlargest(RANK_CAP, candidates, key=lambda c: key(c[0]))
        capped = True
    keep = _keeper(tl, agenda)
    if keep is not None:
        candidates = [c for c in candidates if keep(c[0])]
    if not candidates:
        oldest = None
    elif len(spans) == 1:  # one run: ids follow dates
        oldest = min(c[0] for c in candidates)
    else:
        oldest = min((c[0] for c in candidates), key=key)
    return candidates, capped, oldest


def _frequencies(
    ctx: _Context, expression: str, scorer: Scorer, candidates: list[Any]
) -> list[int] | None:
    """How many times the query's word occurs in each candidate (id, bm25(), docsize record),
    from its bm25() and the count in the first one's marked text; None when the figures do not
    give whole numbers (then the text is marked)."""
    if not candidates:
        return []
    params = {"q": expression, "open": OPEN, "close": CLOSE, "id": candidates[0][0]}
    rows = ctx.rows(ONE_MARKED_SQL, params)
    if not rows:
        return None
    first = rows[0][0].count(OPEN)
    return scorer.frequencies_from_bm25(
        [(c[1], length(c[2] or b"")) for c in candidates], first_frequency=first
    )


# --- counts and history -----------------------------------------------------------------------


def _summarize(
    ctx: _Context,
    expression: str,
    spans: list[Span],
    agenda: str | None,
    *,
    sample: int | None = None,
    agendas: bool = False,
) -> Summary:
    """Counts, history and first and latest use, from samples of each year's matches
    (`sample` of them, SAMPLE unless told); with `agendas`, statements per agenda item too."""
    tl = ctx.timeline
    pieces = [(i, piece) for i, span in enumerate(spans) for piece in tl.pieces(span)]
    if not pieces:
        return Summary()
    sample = sample or min(SAMPLE, max(MIN_SAMPLE, SAMPLE_BUDGET // len(pieces)))
    if agenda is not None:  # matches are sampled before the agenda test: read more of them
        share = tl.count(0, len(tl.starts), agenda)[1] / max(1, tl.total_paragraphs)
        sample = min(AGENDA_SAMPLE_MAX, round(sample / share)) if share else sample
    read = _samples(ctx, expression, [tl.bounds(p.first, p.stop) for _, p in pieces], sample)
    segments = [tl.segments(rowids) for rowids in read]
    tallies = [
        tally(tl, p, rowids, sample, agenda, segs)
        for (_, p), rowids, segs in zip(pieces, read, segments, strict=True)
    ]

    keep = _keeper(tl, agenda)
    firsts, latests = [], []
    for i in range(len(spans)):
        mine = [(p, t) for (j, p), t in zip(pieces, tallies, strict=True) if j == i]
        if (found := _edge(ctx, expression, mine, keep, newest=False)) is not None:
            firsts.append(found)
        if (found := _edge(ctx, expression, mine, keep, newest=True)) is not None:
            latests.append(found)
    key = _date_key(tl)
    by_agenda = (
        [
            agenda_tally(tl, p, rowids, t, segs)
            for (_, p), rowids, t, segs in zip(pieces, read, tallies, segments, strict=True)
        ]
        if agendas and agenda is None
        else []
    )
    return combine(
        tl,
        [p for _, p in pieces],
        tallies,
        agenda,
        first=min(firsts, key=key) if firsts else None,
        latest=max(latests, key=key) if latests else None,
        agendas=by_agenda,
    )


def _samples(
    ctx: _Context, expression: str, ranges: list[tuple[int, int]], sample: int
) -> list[list[int]]:
    """The first `sample` matches (fewer when there are fewer) in each of the ascending,
    disjoint id `ranges`. One pass reads the first PROBE matches of them all: every range it
    read to the end (all of them, for a query with fewer matches: one statement instead of one
    per year) is cut from it; the rest are read each on its own."""
    lo, hi = ranges[0][0], ranges[-1][1]
    probe = [r[0] for r in ctx.rows(PROBE_SQL, {"q": expression, "lo": lo, "hi": hi, "n": PROBE})]
    # Every match up to `known` was read.
    known = hi if len(probe) < PROBE else probe[-1]
    out: list[list[int] | None] = []
    for start, end in ranges:
        at = bisect_left(probe, start)
        if end <= known:
            out.append(probe[at : min(bisect_right(probe, end), at + sample)])
        elif start <= known and bisect_right(probe, end) - at >= sample:
            out.append(probe[at : at + sample])
        else:
            out.append(None)
    for k, found in enumerate(out):
        if found is None:
            lo, hi = ranges[k]
            params = {"q": expression, "lo": lo, "hi": hi, "n": sample}
            ids = ctx.rows(SAMPLE_SQL, params)[0][0]
            out[k] = list(map(int, ids.split(","))) if ids else []
    return [found or [] for found in out]


def _edge(
    ctx: _Context,
    expression: str,
    pieces: list[tuple[Piece, Tally]],
    keep: Callable[[int], bool] | None,
    *,
    newest: bool,
) -> int | None:
    """The first (or latest) match in one run: from the samples where they tell, else read
    from the end of the first piece that has matches."""
    for piece, t in reversed(pieces) if newest else pieces:
        if t.exact:
            found = t.last if newest else t.first
            if found is not None:
                return found
            continue
        if not newest and t.first is not None:
            return t.first
        bounds = ctx.timeline.bounds(piece.first, piece.stop)
        found = next(_scan(ctx, expression, bounds, descending=newest, keep=keep, chunk=50), None)
        if found is not None:
            return found
    return None


# --- the search -------------------------------------------------------------------------------

P = ParamSpec("P")
R = TypeVar("R")


def _again_if_index_changed(
    read: Callable[Concatenate[Session, P], R],
) -> Callable[Concatenate[Session, P], R]:
    """Run a read of the search index once more, on a fresh connection, when SQLite reports the
    index malformed. That was seen under load while an ingest merged the index (the index
    checked out intact afterwards); the cause found since was the server dropping its own
    SQLite locks (`app.store.sqlite.version._read_shm`), so a writer reset the WAL under its
    readers. Kept as a safety net: a read that fails so is worth one more try."""

    @wraps(read)
    def reading(session: Session, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return read(session, *args, **kwargs)
        except DBAPIError as exc:
            if "malformed" not in str(exc.orig):
                raise
            log.warning("the search index changed under a read; reading again: %s", exc.orig)
            session.invalidate()  # drops the connection and what FTS5 cached on it
            return read(session, *args, **kwargs)

    return reading


@_again_if_index_changed
def search(
    session: Session,
    query: Query,
    *,
    filters: Filters = Filters(),
    sort: Sort = "relevance",
    limit: int = 20,
    offset: int = 0,
    after: After | None = None,
) -> SearchResult:
    """Paragraphs matching `query`, one page of them, with totals and the per-year history;
    with `after` (date sorts), the page past that match; `SearchRefused` when the query is too
    broad or its budget runs out."""
    if after is not None and sort == "relevance":
        raise ValueError("a position (after) orders by date: sort newest or oldest")
    result = SearchResult(query)
    if query.refused:
        raise SearchRefused(query.refused)
    if query.fts() is None:
        return result
    budget = Budget()
    ctx = _Context(session, budget)
    with budget.watching(ctx.driver):
        _search(ctx, session, result, filters, sort, limit=limit, offset=offset, after=after)
    result.cost = budget.spent
    return result


def _search(
    ctx: _Context,
    session: Session,
    result: SearchResult,
    filters: Filters,
    sort: Sort,
    *,
    limit: int,
    offset: int,
    after: After | None,
) -> None:
    query = result.query
    expression = _fts_expression(ctx, query)
    tl = ctx.timeline
    spans = tl.spans(filters.year_from, filters.year_to)
    agenda = filters.agenda_item
    summary = _summary(ctx, expression, spans, filters)
    if summary.first is None:
        return

    scorer = _scorer(ctx, query, summary, filters)
    scores: dict[int, float] | None = None
    if sort == "relevance":
        ranking = _ranking(ctx, expression, scorer, spans, filters)
        page = ranking.ids[offset : offset + limit].tolist()
        scores = dict(zip(page, ranking.scores[offset : offset + limit], strict=True))
        if ranking.capped:
            result.ranked_among = len(ranking.ids)
            if ranking.oldest is not None:
                result.ranked_since = dt.date.fromisoformat(tl.dates[tl.segment(ranking.oldest)])
    else:
        newest = sort == "newest"
        ranges = [tl.bounds(span.first, span.stop) for span in spans]
        if after is not None:
            date, rowid = _position(ctx, after)
            ranges = _past(tl, spans, date, rowid, newest=newest)
        page = _by_date(ctx, expression, ranges, agenda, newest=newest, offset=offset, limit=limit)

    rows = _paragraphs(ctx, [*page, summary.first, summary.latest])
    statements = _statements(session, {pk for pk, _ in rows.values()})
    shown = _shown(ctx, expression, scorer, page, scores)
    result.hits = [
        Hit(statements[rows[pid][0]], rows[pid][1], *shown.get(pid, (Markup(""), 0.0)))
        for pid in page
        if pid in rows and rows[pid][0] in statements
    ]
    result.total_paragraphs = summary.paragraphs
    result.total_statements = summary.statements
    result.capped = not summary.exact
    result.years = summary.years
    result.estimated_years = summary.estimated_years
    result.first_use = _use(rows, statements, summary.first)
    result.latest_use = _use(rows, statements, summary.latest)
    pks = json.dumps(sorted({pk for pk, _ in rows.values()}))
    result.paragraph_counts = dict(ctx.rows(PARAGRAPH_COUNTS_SQL, {"pks": pks}))


def _summary(ctx: _Context, expression: str, spans: list[Span], filters: Filters) -> Summary:
    """The query's counts, history and agenda items under `filters`, kept per version."""
    key = (ctx.version, expression, filters) if ctx.version else None
    compute = partial(_summarize, ctx, expression, spans, filters.agenda_item, agendas=True)
    return _summaries.get_or_compute(key, compute)


def _position(ctx: _Context, after: After) -> tuple[str, int]:
    """The date and id of the paragraph a cursor names."""
    rows = ctx.rows(POSITION_SQL, {"pk": after.statement_pk, "n": after.number})
    segment = ctx.timeline.segment(rows[0][0]) if rows else -1
    if segment < 0:
        raise UnknownPosition(f"no paragraph {after.number} of statement {after.statement_pk}")
    return ctx.timeline.dates[segment], int(rows[0][0])


@_again_if_index_changed
def agenda_counts(session: Session, query: Query, *, filters: Filters = Filters()) -> AgendaCounts:
    """Statements using `query` per agenda item: the summary the search keeps (see
    `app.search.fts5.estimate.agenda_tally`); under an agenda filter, that item's total.
    `SearchRefused` as `search` refuses."""
    if query.refused:
        raise SearchRefused(query.refused)
    if query.fts() is None:
        return AgendaCounts()
    budget = Budget()
    ctx = _Context(session, budget)
    with budget.watching(ctx.driver):
        expression = _fts_expression(ctx, query)
        spans = ctx.timeline.spans(filters.year_from, filters.year_to)
        summary = _summary(ctx, expression, spans, filters)
    if filters.agenda_item is not None:
        if not summary.statements:
            return AgendaCounts()
        estimated = frozenset() if summary.exact else frozenset([filters.agenda_item])
        return AgendaCounts({filters.agenda_item: summary.statements}, estimated)
    return AgendaCounts(summary.agendas, summary.estimated_agendas)


def _paragraphs(ctx: _Context, ids: list[int | None]) -> dict[int, tuple[int, int]]:
    """Statement pk and paragraph number by paragraph id."""
    wanted = json.dumps(sorted({i for i in ids if i is not None}))
    return {pid: (pk, number) for pid, pk, number in ctx.rows(PARAGRAPHS_SQL, {"ids": wanted})}


def _statements(session: Session, pks: set[int]) -> dict[int, Statement]:
    if not pks:
        return {}
    # A statement row carries its whole source file; a hit needs only its summary.
    big: tuple[Any, ...] = (Statement.source_zlib, Statement.intro, Statement.footnotes)
    rows = session.exec(
        select(Statement).where(col(Statement.pk).in_(pks)).options(*(defer(c) for c in big))
    )
    return {s.pk: s for s in rows if s.pk is not None}


def _use(
    rows: dict[int, tuple[int, int]], statements: dict[int, Statement], rowid: int | None
) -> Use | None:
    if rowid is None or rowid not in rows or rows[rowid][0] not in statements:
        return None
    pk, number = rows[rowid]
    return Use(statements[pk], number)


def _shown(
    ctx: _Context,
    expression: str,
    scorer: Scorer,
    ids: list[int],
    scores: dict[int, float] | None,
) -> dict[int, tuple[Markup, float]]:
    """Whole paragraphs when short, an excerpt around the match when long, matches marked;
    with each paragraph's score: the ranking's when it ranked them (bm25() is not asked twice:
    it counts the query's phrases over the whole index each time), else scored here."""
    if not ids:
        return {}
    native = scorer.native and scores is None
    params = {"q": expression, "open": OPEN, "close": CLOSE, "tokens": SNIPPET_TOKENS}
    out = {}
    for rowid, whole, excerpt, size, *bm25 in ctx.rows(
        SHOWN_SQL[native], {**params, "ids": json.dumps(ids)}
    ):
        words = length(size or b"")
        shown = whole if words < SNIPPET_FROM_WORDS else excerpt
        if scores is not None:
            score = scores[rowid]
        else:
            score = bm25[0] if native else scorer.score(whole, words)
        out[rowid] = (marked(shown), score)
    return out


@_again_if_index_changed
def marked_paragraphs(session: Session, query: Query, *, statement_pk: int) -> dict[int, Markup]:
    """For a statement page opened from a search hit: its matching paragraphs with the
    matched words marked, by paragraph number; `SearchRefused` as `search` refuses."""
    if query.refused:
        raise SearchRefused(query.refused)
    if query.fts() is None:
        return {}
    budget = Budget()
    ctx = _Context(session, budget)
    with budget.watching(ctx.driver):
        params = {
            "q": _fts_expression(ctx, query),
            "open": OPEN,
            "close": CLOSE,
            "pk": statement_pk,
        }
        rows = ctx.rows(STATEMENT_MARKS_SQL, params)
    return {number: marked(value) for number, value in rows}


def check_readable(session: Session) -> None:
    """Raise the database's error when the search index cannot be read."""
    session.connection().exec_driver_sql("SELECT rowid FROM paragraph_fts LIMIT 1").all()


class Fts5Search:
    """The search service over SQLite's FTS5 index (`app.search.interfaces.SearchService`)."""

    @property
    def limits(self) -> SearchLimits:
        # Read at each call: tests and benchmarks change the module's figures.
        return SearchLimits(
            sample=SAMPLE,
            rank_cap=RANK_CAP,
            max_prefix_words=MAX_PREFIX_WORDS,
            min_broad_prefix=MIN_BROAD_PREFIX,
            max_broad_prefixes=MAX_BROAD_PREFIXES,
            budget_seconds=budgets.SECONDS,
        )

    # The module's functions are the service: a class only gathers them under the interface.
    search = staticmethod(search)
    agenda_counts = staticmethod(agenda_counts)
    marked_paragraphs = staticmethod(marked_paragraphs)
    prepare = staticmethod(prepare)
    prepared = staticmethod(prepared)
    clear_caches = staticmethod(clear_caches)
    check_readable = staticmethod(check_readable)
