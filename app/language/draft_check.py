"""Check a draft against the archive: each paragraph's precedents, agreed runs and new language.

The comparison is the one ingest makes between archived paragraphs (`app.language.reuse`),
from the draft's side, with the fingerprint index's read queries
(`FingerprintIndex.document_frequencies` and `postings`):

1. **Candidates**: the archived paragraphs listed under the draft paragraph's fingerprints, the
   `MAX_CANDIDATES` sharing most (the lowest ids, the earliest ingested, first among equals).
   A fingerprint held by more than `MAX_DF` paragraphs is formula and proposes nothing there;
   its list still names its first `MAX_DF` holders, so the `FORMULA_CANDIDATES` listed under
   most of the paragraph's formula fingerprints (among the first `FORMULA_SAMPLE` of each) are
   compared too: a paragraph made wholly of formula finds precedents all the same.
2. **Exact comparison** with the candidates' stored 7-grams. A draft word is agreed language
   when it lies in a run of at least `MIN_RUN` words that one archived paragraph compared
   shares; adjacent runs merge. A run of `GUARANTEED_RUN` words or more shared with any
   archived paragraph is found whenever one of its fingerprints is not formula: that paragraph
   is listed under it (winnowing), and is a candidate unless `MAX_CANDIDATES` others share
   more. Shorter runs are found when their paragraph is compared. Compared paragraphs that are
   the same agreed language (`Overlap.is_reuse`) are the precedents: the most similar first,
   the oldest first among equals.
3. **Formula the candidates missed**: words under a formula fingerprint that no compared
   paragraph covers are compared with its first `FORMULA_SAMPLE` holders (`FORMULA_HOLDERS` at
   most per paragraph, those listed under most of its uncovered formula fingerprints; a
   phrase search would be exact, but costs 20–100 ms per phrase on an archive of 150,000
   synthetic paragraphs, whose every word is common, and a draft has dozens of runs).
4. **History of each agreed run** (first and latest use, statements): exact from the index
   when the run holds a window of `WINDOW` shingles whose smallest hash is not formula (every
   paragraph holding the run holds that fingerprint, whose list then names every holder, and
   their 7-grams tell which hold the run: at most `MAX_DF` paragraphs read). Otherwise
   (runs under `GUARANTEED_RUN` words, formula) the uses among the paragraphs compared — the
   candidates and the paragraphs ingest related to the closest ones — marked as a lower bound,
   with the phrase search a click away. `archive draft --exact` phrase-searches those runs
   instead (`uses`), where time does not count.

The work is bounded per draft by `MAX_WORDS`, and per paragraph by the caps above.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field

from sqlmodel import Session

from app.language import precedents
from app.language.draft import (
    AgreedRun,
    DraftParagraph,
    DraftReport,
    Leaned,
    ParagraphCheck,
    Precedent,
    RunHistory,
    clean,
    segment,
    stretches,
)
from app.language.precedents import Place, StatementRef
from app.language.reuse import MAX_CANDIDATES, MAX_DF
from app.language.services import fingerprint_index
from app.language.shingles import (
    MIN_RUN,
    SHINGLE,
    WINDOW,
    Overlap,
    Shingled,
    compare,
    shingles,
    winnow,
)

FORMULA_SAMPLE = 10
"""Holders read per formula fingerprint (the first listed)."""
FORMULA_CANDIDATES = 5
"""Of those, compared with each paragraph: the ones listed under most of its formula
fingerprints..."""
FORMULA_HOLDERS = 30
"""... and, for the words no compared paragraph covers, up to this many more."""
RELATED_OF = 3
"""The paragraph's most similar precedents whose related paragraphs (found at ingest) are
compared too, for the history of runs the index cannot date..."""
RELATED_EACH = 20
"""... at most this many of each's."""
PRECEDENTS_SHOWN = 5
LEANED_SHOWN = 5

PhraseUses = Callable[[str], RunHistory | None]
"""Looks a phrase (words separated by spaces) up in the whole archive: its history, or None
when no paragraph holds it."""


@dataclass
class _Para:
    """One draft paragraph while it is checked."""

    check: ParagraphCheck
    shingled: Shingled
    shingles: list[int]
    prints: set[int]
    measures: dict[int, Overlap] = field(default_factory=dict)
    """The archived paragraphs compared with it, and the measure of each."""
    pieces: list[tuple[int, int, int]] = field(default_factory=list)
    """(start, end, paragraph id): runs of words an archived paragraph shares."""

    @classmethod
    def of(cls, check: ParagraphCheck) -> _Para:
        tokens = check.paragraph.words
        check.agreed = [False] * len(tokens)
        found = shingles(tokens)
        return cls(check, Shingled.of_words(tokens), found, winnow(found))

    @property
    def paragraph(self) -> DraftParagraph:
        return self.check.paragraph


class _Check:
    """A draft's check: the index's answers and the archived paragraphs read so far."""

    def __init__(self, session: Session, uses: PhraseUses | None) -> None:
        self.session = session
        self.conn = session.connection()
        self.index = fingerprint_index(self.conn)
        self.uses = uses
        self.searched: dict[str, RunHistory | None] = {}
        self.df: dict[int, int] = {}
        self.listed: dict[int, list[int]] = defaultdict(list)
        self.sampled: dict[int, list[int]] = defaultdict(list)
        self.stored: dict[int, Shingled] = {}

    def lookup(self, paras: list[_Para]) -> None:
        """Document frequencies and listed holders of every fingerprint of the draft: all
        holders of the others, the first FORMULA_SAMPLE of the formula ones."""
        prints = set().union(*(p.prints for p in paras))
        self.df = self.index.document_frequencies(self.conn, prints)
        specific = [h for h, df in self.df.items() if df <= MAX_DF]
        formula = [h for h, df in self.df.items() if df > MAX_DF]
        for h, pid in self.index.postings(self.conn, specific, per_hash=MAX_DF):
            self.listed[h].append(pid)
        for h, pid in self.index.postings(self.conn, formula, per_hash=FORMULA_SAMPLE):
            self.sampled[h].append(pid)

    def load(self, ids: Iterable[int]) -> None:
        """Read the stored 7-grams of the given paragraphs not read yet."""
        missing = set(ids) - self.stored.keys()
        for pid, spk, count, blob in self.index.shingled_rows(self.conn, missing):
            self.stored[pid] = Shingled.of_blob(blob, count, spk)

    def candidates(self, para: _Para) -> list[int]:
        """Those sharing most fingerprints, then those listed under most formula ones."""
        shared = Counter(pid for h in para.prints for pid in self.listed.get(h, ()))
        chosen = sorted(shared, key=lambda pid: (-shared[pid], pid))[:MAX_CANDIDATES]
        formula = Counter(
            pid for h in para.prints for pid in self.sampled.get(h, ()) if pid not in shared
        )
        return chosen + sorted(formula, key=lambda pid: (-formula[pid], pid))[:FORMULA_CANDIDATES]

    def compare(self, para: _Para, ids: Iterable[int]) -> None:
        """Measure each (loaded) paragraph with `para`, and mark the words in runs it shares."""
        agreed = para.check.agreed
        grams = para.shingled.grams.tolist()
        for pid in ids:
            other = self.stored.get(pid)
            if other is None or pid in para.measures:
                continue  # deleted since its fingerprints were read, or done
            para.measures[pid] = compare(para.shingled, other)
            theirs = set(other.grams)
            for a, b in stretches([g in theirs for g in grams], True):
                end = b - 1 + MIN_RUN
                para.pieces.append((a, end, pid))
                agreed[a:end] = [True] * (end - a)

    def formula_holders(self, para: _Para) -> list[int]:
        """The sampled holders of the formula fingerprints over words no run covers yet, the
        FORMULA_HOLDERS listed under most of them."""
        agreed = para.check.agreed
        listed = Counter(
            pid
            for k, h in enumerate(para.shingles)
            if h in para.prints and not all(agreed[k : k + SHINGLE])
            for pid in self.sampled.get(h, ())
            if pid not in para.measures
        )
        return sorted(listed, key=lambda pid: (-listed[pid], pid))[:FORMULA_HOLDERS]

    def search_formula(self, para: _Para) -> None:
        """With `uses`: words still under an uncovered formula fingerprint, looked up as a
        phrase of at least MIN_RUN words."""
        agreed = para.check.agreed
        n = len(agreed)
        under = [False] * n
        for k, h in enumerate(para.shingles):
            if self.df.get(h, 0) > MAX_DF and h in para.prints:
                under[k : k + SHINGLE] = [True] * SHINGLE
        for a, b in stretches([u and not g for u, g in zip(under, agreed, strict=True)], True):
            if b - a < MIN_RUN:  # widen to a phrase the measure counts
                a = max(0, min(a - (MIN_RUN - (b - a)) // 2, n - MIN_RUN))
                b = a + MIN_RUN
            run = AgreedRun(a, b, para.paragraph.span(a, b), para.paragraph.phrase(a, b))
            run.history = self.search(run.phrase)
            if run.history is not None:
                agreed[a:b] = [True] * (b - a)
                para.check.runs.append(run)

    def search(self, phrase: str) -> RunHistory | None:
        """The phrase's history from `uses`, once per phrase."""
        if self.uses is None:
            return None
        if phrase not in self.searched:
            self.searched[phrase] = self.uses(phrase)
        return self.searched[phrase]

    def runs(self, para: _Para) -> list[AgreedRun]:
        """The paragraph's agreed runs besides those found by phrase search: each stretch of
        agreed words covered by the fewest shared runs, the one reaching furthest first."""
        searched = [(r.start, r.end) for r in para.check.runs]
        spans = [(start, end) for start, end, _ in para.pieces] + searched
        out = []
        for a, b in stretches(para.check.agreed, True):
            at = a
            while at < b:
                end, start = max((e, s) for s, e in spans if s <= at < e)
                if (start, end) not in searched:
                    p = para.paragraph
                    out.append(AgreedRun(start, end, p.span(start, end), p.phrase(start, end)))
                at = end
        return out

    def window_print(self, para: _Para, run: AgreedRun) -> int | None:
        """A fingerprint every paragraph holding the run holds, its holders listed in full: the
        smallest hash of a window of WINDOW shingles inside the run, the rarest such; None when
        the run is too short or every such fingerprint is formula."""
        best = None
        for w in range(run.start, run.end - SHINGLE - WINDOW + 2):
            h = min(para.shingles[w : w + WINDOW])
            df = self.df.get(h, 0)
            if 0 < df <= MAX_DF and (best is None or df < self.df[best]):
                best = h
        return best

    def holding(self, para: _Para, run: AgreedRun, ids: Iterable[int]) -> list[int]:
        """Those of the given (loaded) paragraphs holding every 7-gram of the run."""
        wanted = set(para.shingled.grams[run.start : run.end - MIN_RUN + 1])
        return [pid for pid in ids if pid in self.stored and wanted <= set(self.stored[pid].grams)]


def _histories(check: _Check, paras: list[_Para]) -> list[tuple[AgreedRun, list[int], bool]]:
    """Each paragraph's agreed runs, and for each run not dated by phrase search the paragraphs
    holding it: (run, holders, exact), exact when they are all the archive's."""
    planned = []
    for para in paras:
        found = check.runs(para)
        planned += [(para, run, check.window_print(para, run)) for run in found]
        para.check.runs = sorted([*para.check.runs, *found], key=lambda r: r.start)
    check.load(pid for _, _, h in planned if h is not None for pid in check.listed[h])
    out = []
    for para, run, h in planned:
        held = check.holding(para, run, check.listed[h]) if h is not None else []
        if held:
            out.append((run, held, True))
            continue
        if not run.cut:
            run.history = check.search(run.phrase)
        if run.history is None:
            out.append((run, check.holding(para, run, para.measures), False))
    return out


def _date(runs: list[tuple[AgreedRun, list[int], bool]], places: dict[int, Place]) -> None:
    """Each run's history from the paragraphs holding it."""
    for run, held, exact in runs:
        found = [places[pid] for pid in held if pid in places]
        if found:
            run.history = RunHistory(
                first=min(found, key=lambda p: p.sort_key),
                latest=max(found, key=lambda p: p.sort_key),
                statements=len({p.statement.pk for p in found}),
                how="index" if exact else "compared",
                exact=exact,
            )


def _rank(para: _Para, places: dict[int, Place]) -> None:
    """The paragraph's precedents, the most similar first, the oldest first among equals."""
    same = [(pid, m) for pid, m in para.measures.items() if m.is_reuse and pid in places]
    same.sort(key=lambda pm: (-pm[1].similarity, places[pm[0]].sort_key))
    para.check.precedents = [
        Precedent(places[pid], pid, m.a_shared, m.a_coverage, m.b_coverage, m.similarity)
        for pid, m in same[:PRECEDENTS_SHOWN]
    ]


def _leaned_on(checks: list[ParagraphCheck]) -> list[Leaned]:
    """The statements whose paragraphs are precedents of most of the draft's words."""
    words: Counter[int] = Counter()
    paragraphs: dict[int, list[DraftParagraph]] = defaultdict(list)
    refs: dict[int, StatementRef] = {}
    for check in checks:
        best: dict[int, int] = {}
        for p in check.precedents:
            pk = p.place.statement.pk
            refs[pk] = p.place.statement
            best[pk] = max(best.get(pk, 0), p.shared_words)
        for pk, shared in best.items():
            words[pk] += shared
            paragraphs[pk].append(check.paragraph)
    ranked = sorted(words, key=lambda pk: (-words[pk], refs[pk].date, refs[pk].id))
    return [Leaned(refs[pk], words[pk], tuple(paragraphs[pk])) for pk in ranked[:LEANED_SHOWN]]


def _compare(check: _Check, paras: list[_Para], ids: Sequence[Collection[int]]) -> None:
    """Read the given archived paragraphs of each draft paragraph (in one pass), then compare
    each draft paragraph with its own."""
    check.load(pid for some in ids for pid in some)
    for para, some in zip(paras, ids, strict=True):
        check.compare(para, sorted(some))


def check_draft(session: Session, text: str, *, uses: PhraseUses | None = None) -> DraftReport:
    """Check a draft against the archive (see the module's docstring). `uses`, when given,
    looks up in the whole archive what the index cannot settle (slow on a large archive).
    Raises DraftError for a draft that cannot be checked (empty, too long)."""
    check = _Check(session, uses)
    checks = [ParagraphCheck(p) for p in segment(clean(text))]
    paras = [_Para.of(c) for c in checks if c.paragraph.compared]
    check.lookup(paras)
    _compare(check, paras, [check.candidates(para) for para in paras])
    _compare(check, paras, [check.formula_holders(para) for para in paras])
    for para in paras:
        check.search_formula(para)
    # For the runs the index cannot date: the paragraphs related at ingest to the closest ones.
    closest = [
        sorted(
            (pid for pid, m in para.measures.items() if m.is_reuse),
            key=lambda pid: (-para.measures[pid].similarity, pid),
        )[:RELATED_OF]
        for para in paras
    ]
    related = [
        precedents.related_ids(session, paragraph_ids=ids, limit=RELATED_EACH) for ids in closest
    ]
    _compare(check, paras, related)
    runs = _histories(check, paras)
    same = {pid for para in paras for pid, m in para.measures.items() if m.is_reuse}
    held = {pid for _, ids, _ in runs for pid in ids}
    places = precedents.places(session, paragraph_ids=same | held)
    _date(runs, places)
    for para in paras:
        _rank(para, places)
    closest_ids = {c.closest.paragraph_id for c in checks if c.closest is not None}
    texts = precedents.plain_texts(session, paragraph_ids=closest_ids)
    for c in checks:
        if c.closest is not None:
            c.closest_text = texts.get(c.closest.paragraph_id)
    return DraftReport(checks, leaned_on=_leaned_on(checks), searches=len(check.searched))
