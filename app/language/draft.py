"""Check a draft: where each paragraph's language was agreed before, and what is new.

A draft is read, compared and answered; nothing here stores it. The comparison is the one
ingest makes between archived paragraphs (`app.language.reuse`), from the draft's side:

1. **Paragraphs** (`segment`): blank lines, numbered paragraphs ("1.") and quoted paragraphs (a
   line opening with a quotation mark after a line that ends a sentence) start a new one; the
   lines of a paragraph are joined. Words are folded as `shingles.words` folds them (case,
   accents, quotation marks, hyphens). A leading "The Security Council" is compared but
   counted neither as agreed nor as new language: archived paragraphs write it or not.
2. **Candidates** from the fingerprint index, as at ingest: the archived paragraphs listed
   under the paragraph's fingerprints, the `MAX_CANDIDATES` sharing most (the lowest ids, the
   oldest, first among equals). A fingerprint held by more than `MAX_DF` paragraphs is formula
   and proposes nothing there; its list still names the first `MAX_DF` holders, so here the
   `FORMULA_CANDIDATES` listed under most of the paragraph's formula fingerprints (of the first
   `FORMULA_SAMPLE` of each) are examined too: a paragraph made wholly of formula finds
   precedents all the same.
3. **Exact confirmation** against the examined paragraphs' stored 7-grams. A draft word is
   agreed language when it lies in a run of at least `MIN_RUN` words that one examined
   paragraph shares; adjacent runs merge. Any run of `GUARANTEED_RUN` words shared with any
   archived paragraph is sure to be found: that paragraph holds one of the draft's fingerprints
   (winnowing) and is a candidate, unless the fingerprint is formula or `MAX_CANDIDATES`
   paragraphs share more. Shorter runs are found when their paragraph is examined.
   Examined paragraphs that are the same agreed language (`Overlap.is_reuse`) are the
   paragraph's precedents: the most similar first, the oldest first among equals.
4. **Formula the samples missed**: words under a formula fingerprint that no examined paragraph
   covers are looked up as a phrase (at least `MIN_RUN` words) in the whole archive, through
   the `uses` function the caller passes (search is a stage above this one).
5. **History of each agreed run** (first and latest use, statements): exact from the index
   when the run holds a window of `WINDOW` shingles whose smallest hash is not formula: every
   paragraph with the run holds that fingerprint, and its list names every holder (at most
   `MAX_DF`), whose 7-grams tell which hold the run. Otherwise (shorter runs, formula) by
   phrase search, at most `PHRASE_SEARCHES` per draft, the longest runs first (a search costs
   tens of milliseconds on a large archive); beyond that, what the examined paragraphs show,
   marked as a lower bound.

Work per draft is bounded by `MAX_WORDS`, and per paragraph by the candidate caps.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from sqlmodel import Session

from app.language import precedents
from app.language.diff import Piece, word_diff
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
    words,
)

MAX_WORDS = 20_000
"""The longest draft checked at once."""
MAX_CHARS = 250_000
"""Characters a draft may have (20,000 words take about 140,000; pasted text has spaces)."""
FORMULA_SAMPLE = 10
"""Listed holders read per formula fingerprint."""
FORMULA_CANDIDATES = 5
"""Of those, examined per paragraph: the ones listed under most of its formula fingerprints."""
PHRASE_SEARCHES = 8
"""Phrase searches per draft (formula checks first, then the histories the index cannot
give, longest run first)."""
PRECEDENTS_SHOWN = 5
LEANED_SHOWN = 5
PHRASE_CHARS = 400
"""A run's phrase search uses at most this many characters of it (the search box takes 500)."""

PhraseUses = Callable[[str], "RunHistory | None"]
"""Looks a phrase (words separated by spaces) up in the whole archive: its history, or None
when no paragraph holds it."""

CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
INVISIBLE_RE = re.compile(r"[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]")
SURROGATE_RE = re.compile(r"[\ud800-\udfff]")
TOKEN_RE = re.compile(r"[^\W_]+")
NUMBERED_RE = re.compile(r"^(\d{1,3})[.)]\s+(?=\S)")
SENTENCE_END_RE = re.compile(r"[.;:!?…][\"”’»)\]]*$")
OPENING_QUOTES = '"“„«'
OPENINGS = (("the", "security", "council"), ("the", "council"))
"""Subjects left out of the comparison at the start of a paragraph."""


class DraftError(ValueError):
    """A draft that cannot be checked; the message says why, for the person who sent it."""


class EmptyDraft(DraftError):
    pass


class DraftTooLong(DraftError):
    pass


# --- paragraphs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    """A folded word of a draft paragraph and where it is written in the paragraph's text."""

    word: str
    start: int
    end: int


@dataclass
class DraftParagraph:
    number: int
    """Its place in the draft, from 1."""
    text: str
    """As written, its lines joined (without the number it was printed with)."""
    label: str | None = None
    """The number it was printed with ("3" for "3. ..."), if any."""
    name: str = ""
    """What pages call it: its printed number, else its place among the paragraphs compared
    (a heading or a short line is not compared, and has no name)."""
    tokens: list[Token] = field(default_factory=list)
    skip: int = 0
    """Leading tokens not counted ("The Security Council"): compared with the archive, but
    neither agreed nor new language."""

    def __post_init__(self) -> None:
        if not self.tokens:
            self.tokens = [
                Token(word, m.start(), m.end())
                for m in TOKEN_RE.finditer(self.text)
                for word in words(m.group())
            ]
            folded = tuple(t.word for t in self.tokens)
            for opening in OPENINGS:
                if folded[: len(opening)] == opening and len(folded) > len(opening):
                    self.skip = len(opening)
                    break

    @property
    def words(self) -> list[str]:
        """The folded words compared with the archive."""
        return [t.word for t in self.tokens]

    @property
    def compared(self) -> bool:
        """Whether it is long enough to share a run with the archive, and has words counted."""
        return len(self.tokens) >= MIN_RUN and len(self.tokens) > self.skip

    def span(self, start: int, end: int) -> str:
        """The text as written from word `start` to word `end - 1`."""
        return self.text[self.tokens[start].start : self.tokens[end - 1].end]


def clean(text: str) -> str:
    """The draft as the comparison reads it: one kind of line break, composed characters,
    control and invisible characters gone. Raises DraftError for an empty or overlong one."""
    if len(text) > MAX_CHARS:
        raise DraftTooLong(
            f"The draft has {len(text):,} characters; the archive checks up to "
            f"{MAX_CHARS:,} characters ({MAX_WORDS:,} words) at a time. "
            "Check it in parts."
        )
    text = SURROGATE_RE.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = unicodedata.normalize("NFC", text.replace("\u2028", "\n").replace("\u2029", "\n"))
    text = INVISIBLE_RE.sub("", CONTROL_RE.sub(" ", text.replace("\t", " ")))
    count = len(TOKEN_RE.findall(text))
    if count == 0:
        raise EmptyDraft("The draft holds no words: paste the text of a draft to check it.")
    if count > MAX_WORDS:
        raise DraftTooLong(
            f"The draft has {count:,} words; the archive checks up to {MAX_WORDS:,} words at "
            "a time. Check it in parts."
        )
    return text


def segment(text: str) -> list[DraftParagraph]:
    """The paragraphs of a (cleaned) draft, in order."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            if current:
                blocks.append(current)
            current = []
            continue
        if current and (
            NUMBERED_RE.match(line)
            or (line[0] in OPENING_QUOTES and SENTENCE_END_RE.search(current[-1]))
        ):
            blocks.append(current)
            current = []
        current.append(line)
    if current:
        blocks.append(current)
    paragraphs: list[DraftParagraph] = []
    compared = 0
    for lines in blocks:
        joined = re.sub(r"\s+", " ", " ".join(lines))
        label = None
        if m := NUMBERED_RE.match(joined):
            label, joined = m.group(1), joined[m.end() :]
        paragraph = DraftParagraph(len(paragraphs) + 1, joined, label)
        if paragraph.compared:
            compared += 1
            paragraph.name = label or str(compared)
        paragraphs.append(paragraph)
    return paragraphs


# --- what the check answers -------------------------------------------------------------------


@dataclass(frozen=True)
class RunHistory:
    """Where a run of words was used in the archive."""

    first: Place | None
    latest: Place | None
    statements: int
    how: Literal["index", "search", "examined"]
    """index and search: every use in the archive; examined: only the paragraphs examined."""
    exact: bool = True
    """False when `statements` is an estimate (search) or a lower bound (examined)."""


@dataclass
class AgreedRun:
    """Words of a draft paragraph that an archived paragraph holds, in order."""

    start: int
    end: int
    """Compared words start..end-1 of the paragraph."""
    text: str
    phrase: str
    """Its words, as written, for a phrase search (cut to PHRASE_CHARS)."""
    history: RunHistory | None = None

    @property
    def words(self) -> int:
        return self.end - self.start

    @property
    def cut(self) -> bool:
        """Whether the phrase holds only the beginning of the run."""
        return len(self.phrase.split()) < self.words


@dataclass(frozen=True)
class Precedent:
    """An archived paragraph that is the same agreed language as a draft paragraph."""

    place: Place
    paragraph_id: int
    shared_words: int
    """Words of the draft paragraph in runs this paragraph shares."""
    coverage: float
    """Share of the draft paragraph's compared words in those runs."""
    other_coverage: float
    """Share of the archived paragraph's words in runs the draft shares."""
    similarity: float


Kind = Literal["opening", "agreed", "new", "plain"]


@dataclass
class ParagraphCheck:
    paragraph: DraftParagraph
    agreed: list[bool] = field(default_factory=list)
    """For each word, whether it lies in a run shared with the archive (empty when the
    paragraph is not compared)."""
    precedents: list[Precedent] = field(default_factory=list)
    """The most similar first, the oldest first among equals (at most PRECEDENTS_SHOWN)."""
    closest_text: str | None = None
    """The closest precedent's text."""
    runs: list[AgreedRun] = field(default_factory=list)

    @property
    def counted(self) -> list[bool]:
        """`agreed` for the words counted (past the opening)."""
        return self.agreed[self.paragraph.skip :]

    @property
    def words(self) -> int:
        """Words counted (0 when the paragraph is not compared)."""
        return len(self.counted)

    @property
    def agreed_words(self) -> int:
        return sum(self.counted)

    @property
    def share(self) -> float:
        return self.agreed_words / self.words if self.words else 0.0

    @property
    def compared(self) -> bool:
        return bool(self.agreed)

    @property
    def wholly_new(self) -> bool:
        return self.compared and not any(self.counted)

    @property
    def closest(self) -> Precedent | None:
        return self.precedents[0] if self.precedents else None

    def diff(self) -> list[Piece]:
        """Word by word from the closest precedent to this paragraph (empty without one)."""
        if self.closest_text is None:
            return []
        return word_diff(self.closest_text, self.paragraph.text)

    def new_language(self) -> list[str]:
        """The runs of counted words that no archived paragraph shares, as written."""
        skip = self.paragraph.skip
        return [self.paragraph.span(skip + a, skip + b) for a, b in _stretches(self.counted, False)]

    def segments(self) -> list[tuple[Kind, str]]:
        """The paragraph's text in pieces, each opening, agreed, new or plain (punctuation and
        spaces between pieces of different kinds; a paragraph not compared is all plain)."""
        p = self.paragraph
        out: list[tuple[Kind, str]] = []
        at = 0
        for i, token in enumerate(p.tokens):
            if token.start < at:
                continue  # a second folded word of the same written word
            kind: Kind
            if not self.compared:
                kind = "plain"
            elif i < p.skip:
                kind = "opening"
            else:
                kind = "agreed" if self.agreed[i] else "new"
            gap, word = p.text[at : token.start], p.text[token.start : token.end]
            if out and out[-1][0] == kind:
                out[-1] = (kind, out[-1][1] + gap + word)
            else:
                if gap:
                    out.append(("plain", gap))
                out.append((kind, word))
            at = token.end
        if at < len(p.text):
            out.append(("plain", p.text[at:]))
        return out


@dataclass(frozen=True)
class Leaned:
    """A statement the draft leans on: its paragraphs are precedents of draft paragraphs."""

    statement: StatementRef
    words: int
    """Draft words in runs its paragraphs share (once per draft paragraph)."""
    paragraphs: tuple[DraftParagraph, ...]
    """The draft paragraphs it is a precedent of."""


@dataclass
class DraftReport:
    paragraphs: list[ParagraphCheck]
    leaned_on: list[Leaned] = field(default_factory=list)
    searches: int = 0
    """Phrase searches made."""
    unsearched: int = 0
    """Agreed runs whose history is only what the examined paragraphs show."""

    @property
    def words(self) -> int:
        return sum(p.words for p in self.paragraphs)

    @property
    def agreed_words(self) -> int:
        return sum(p.agreed_words for p in self.paragraphs)

    @property
    def share(self) -> float:
        return self.agreed_words / self.words if self.words else 0.0

    @property
    def new_paragraphs(self) -> list[DraftParagraph]:
        """The paragraphs compared with no agreed language at all."""
        return [p.paragraph for p in self.paragraphs if p.wholly_new]


# --- the check --------------------------------------------------------------------------------


def _stretches(flags: Sequence[bool], value: bool) -> list[tuple[int, int]]:
    """The maximal runs [a, b) of `flags` equal to `value`."""
    out = []
    start = None
    for i, flag in enumerate([*flags, not value]):
        if flag == value and start is None:
            start = i
        elif flag != value and start is not None:
            out.append((start, i))
            start = None
    return out


def _phrase(paragraph: DraftParagraph, start: int, end: int) -> str:
    """The words of compared words start..end-1 as written, cut to PHRASE_CHARS."""
    out: list[str] = []
    size = 0
    for word in TOKEN_RE.findall(paragraph.span(start, end)):
        size += len(word) + 1
        if out and size > PHRASE_CHARS:
            break
        out.append(word)
    return " ".join(out)


@dataclass
class _Para:
    """One draft paragraph while it is checked."""

    check: ParagraphCheck
    words: list[str]
    shingled: Shingled
    shingles: list[int]
    prints: set[int]
    candidates: list[int] = field(default_factory=list)
    measures: dict[int, Overlap] = field(default_factory=dict)
    pieces: list[tuple[int, int, int]] = field(default_factory=list)
    """(start, end, paragraph id): runs of compared words an examined paragraph shares."""

    @classmethod
    def of(cls, check: ParagraphCheck) -> _Para:
        tokens = check.paragraph.words
        check.agreed = [False] * len(tokens)
        found = shingles(tokens)
        return cls(check, tokens, Shingled.of_words(tokens), found, winnow(found))


class _Check:
    """A draft's check: its paragraphs, the index's answers, the searches left."""

    def __init__(self, session: Session, uses: PhraseUses | None) -> None:
        self.session = session
        self.conn = session.connection()
        self.index = fingerprint_index(self.conn)
        self.uses = uses
        self.searches = 0
        self.searched: dict[str, RunHistory | None] = {}
        self.df: dict[int, int] = {}
        self.listed: dict[int, list[int]] = defaultdict(list)
        self.sampled: dict[int, list[int]] = defaultdict(list)
        self.stored: dict[int, Shingled] = {}

    def search(self, phrase: str) -> RunHistory | None:
        """The phrase's history from the search, once per phrase and within the budget; None
        when not found (or not searched: see `can_search`)."""
        if phrase in self.searched:
            return self.searched[phrase]
        if not self.can_search():
            return None
        assert self.uses is not None
        self.searches += 1
        found = self.searched[phrase] = self.uses(phrase)
        return found

    def can_search(self) -> bool:
        return self.uses is not None and self.searches < PHRASE_SEARCHES

    def load(self, ids: Iterable[int]) -> None:
        """Read the stored 7-grams of the given paragraphs not read yet."""
        missing = set(ids) - self.stored.keys()
        for pid, spk, count, blob in self.index.shingled_rows(self.conn, missing):
            self.stored[pid] = Shingled.of_blob(blob, count, spk)

    def lookup(self, paras: list[_Para]) -> None:
        """Document frequencies and listed holders of every fingerprint of the draft."""
        prints = set().union(*(p.prints for p in paras))
        self.df = self.index.document_frequencies(self.conn, prints)
        specific = [h for h, df in self.df.items() if df <= MAX_DF]
        formula = [h for h, df in self.df.items() if df > MAX_DF]
        for h, pid in self.index.postings(self.conn, specific, per_hash=MAX_DF):
            self.listed[h].append(pid)
        for h, pid in self.index.postings(self.conn, formula, per_hash=FORMULA_SAMPLE):
            self.sampled[h].append(pid)

    def choose(self, para: _Para) -> None:
        """The paragraph's candidates: those sharing most fingerprints, then formula ones."""
        shared = Counter(pid for h in para.prints for pid in self.listed.get(h, ()))
        chosen = sorted(shared, key=lambda pid: (-shared[pid], pid))[:MAX_CANDIDATES]
        formula = Counter(
            pid for h in para.prints for pid in self.sampled.get(h, ()) if pid not in shared
        )
        chosen += sorted(formula, key=lambda pid: (-formula[pid], pid))[:FORMULA_CANDIDATES]
        para.candidates = chosen

    def confirm(self, para: _Para) -> None:
        """Measure each candidate and mark the words in runs it shares."""
        agreed = para.check.agreed
        grams = para.shingled.grams.tolist()
        for pid in para.candidates:
            other = self.stored.get(pid)
            if other is None:
                continue  # deleted since its fingerprints were read
            para.measures[pid] = compare(para.shingled, other)
            mine = set(other.grams)
            starts = [g in mine for g in grams]
            for a, b in _stretches(starts, True):
                end = b - 1 + MIN_RUN
                para.pieces.append((a, end, pid))
                agreed[a:end] = [True] * (end - a)

    def formula(self, para: _Para) -> None:
        """Words under formula fingerprints that no examined paragraph covers: looked up as a
        phrase of at least MIN_RUN words."""
        agreed = para.check.agreed
        n = len(agreed)
        under = [False] * n
        for k, h in enumerate(para.shingles):
            if self.df.get(h, 0) > MAX_DF and h in para.prints:
                under[k : k + SHINGLE] = [True] * SHINGLE
        todo = [False if agreed[i] else under[i] for i in range(n)]
        for a, b in _stretches(todo, True):
            if not self.can_search():
                return
            if b - a < MIN_RUN:  # widen to a phrase the measure counts
                a = max(0, min(a - (MIN_RUN - (b - a)) // 2, n - MIN_RUN))
                b = a + MIN_RUN
            phrase = _phrase(para.check.paragraph, a, b)
            found = self.search(phrase)
            if found is not None:
                agreed[a:b] = [True] * (b - a)
                text = para.check.paragraph.span(a, b)
                para.check.runs.append(AgreedRun(a, b, text, phrase, found))

    def runs(self, para: _Para) -> list[AgreedRun]:
        """The agreed runs of a paragraph not found by phrase search: each stretch of agreed
        words covered by the fewest shared runs, the longest reaching furthest."""
        searched = [(r.start, r.end) for r in para.check.runs]
        out = []
        for a, b in _stretches(para.check.agreed, True):
            at = a
            while at < b:
                reach = [(end, start) for start, end, _ in para.pieces if start <= at < end]
                reach += [(end, start) for start, end in searched if start <= at < end]
                if not reach:
                    at += 1  # a word agreed by a neighbour's run (cannot happen; be safe)
                    continue
                end, start = max(reach)
                if (start, end) not in searched:
                    p = para.check.paragraph
                    out.append(AgreedRun(start, end, p.span(start, end), _phrase(p, start, end)))
                at = end
        return out

    def window_print(self, para: _Para, run: AgreedRun) -> int | None:
        """A fingerprint every paragraph holding the run holds, listed in full: the smallest
        hash of a window of WINDOW shingles inside the run, the rarest such; None when the
        run is too short or every such fingerprint is formula."""
        last = run.end - SHINGLE - WINDOW + 1  # the last window's first shingle
        best = None
        for w in range(run.start, last + 1):
            h = min(para.shingles[w : w + WINDOW])
            df = self.df.get(h, 0)
            if 0 < df <= MAX_DF and (best is None or df < self.df[best]):
                best = h
        return best

    def holders(self, para: _Para, run: AgreedRun, ids: Iterable[int]) -> list[int]:
        """Those of the given (loaded) paragraphs holding every 7-gram of the run."""
        wanted = set(para.shingled.grams[run.start : run.end - MIN_RUN + 1])
        return [pid for pid in ids if pid in self.stored and wanted <= set(self.stored[pid].grams)]


def _plan_histories(check: _Check, paras: list[_Para]) -> list[tuple[AgreedRun, list[int], bool]]:
    """Give each agreed run its history where the search can, and say for the others which
    paragraphs hold them: (run, holders, exact), exact when the holders are every paragraph
    of the archive holding the run."""
    planned: list[tuple[_Para, AgreedRun, int | None]] = []
    for para in paras:
        found = check.runs(para)
        planned += [(para, run, check.window_print(para, run)) for run in found]
        para.check.runs = sorted([*para.check.runs, *found], key=lambda r: r.start)
    check.load(pid for _, _, h in planned if h is not None for pid in check.listed[h])
    out = []
    searchable = []
    for para, run, h in planned:
        held = check.holders(para, run, check.listed[h]) if h is not None else []
        if held:
            out.append((run, held, True))
        else:
            searchable.append((para, run))
    # The longest runs first: they say most about the draft.
    searchable.sort(key=lambda pr: -pr[1].words)
    for para, run in searchable:
        run.history = check.search(run.phrase) if not run.cut else None
        if run.history is None:
            out.append((run, check.holders(para, run, para.candidates), False))
    return out


def _date(runs: list[tuple[AgreedRun, list[int], bool]], places: dict[int, Place]) -> None:
    """Each run's history from the paragraphs holding it."""
    for run, held, exact in runs:
        found = [places[pid] for pid in held if pid in places]
        if not found:
            continue
        run.history = RunHistory(
            first=min(found, key=lambda p: p.sort_key),
            latest=max(found, key=lambda p: p.sort_key),
            statements=len({p.statement.pk for p in found}),
            how="index" if exact else "examined",
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
    numbers: dict[int, list[DraftParagraph]] = defaultdict(list)
    refs: dict[int, StatementRef] = {}
    for check in checks:
        best: dict[int, int] = {}
        for p in check.precedents:
            pk = p.place.statement.pk
            refs[pk] = p.place.statement
            best[pk] = max(best.get(pk, 0), p.shared_words)
        for pk, shared in best.items():
            words[pk] += shared
            numbers[pk].append(check.paragraph)
    ranked = sorted(words, key=lambda pk: (-words[pk], refs[pk].date, refs[pk].id))
    return [Leaned(refs[pk], words[pk], tuple(numbers[pk])) for pk in ranked[:LEANED_SHOWN]]


def check_draft(session: Session, text: str, *, uses: PhraseUses | None = None) -> DraftReport:
    """Check a draft against the archive (see the module's docstring). `uses` looks a phrase
    up in the whole archive; without it, formula the samples miss is not looked up, and runs
    the index cannot date show what the examined paragraphs show. Raises DraftError for a
    draft that cannot be checked (empty, too long)."""
    check = _Check(session, uses)
    checks = [ParagraphCheck(p) for p in segment(clean(text))]
    paras = [_Para.of(c) for c in checks if c.paragraph.compared]
    check.lookup(paras)
    for para in paras:
        check.choose(para)
    check.load(pid for para in paras for pid in para.candidates)
    for para in paras:
        check.confirm(para)
    for para in paras:
        check.formula(para)
    runs = _plan_histories(check, paras)
    same = {pid for para in paras for pid, m in para.measures.items() if m.is_reuse}
    held = {pid for _, ids, _ in runs for pid in ids}
    places = precedents.places(session, paragraph_ids=same | held)
    _date(runs, places)
    for para in paras:
        _rank(para, places)
    closest = {c.closest.paragraph_id for c in checks if c.closest is not None}
    texts = precedents.plain_texts(session, paragraph_ids=closest)
    for c in checks:
        if c.closest is not None:
            c.closest_text = texts.get(c.closest.paragraph_id)
    return DraftReport(
        checks,
        leaned_on=_leaned_on(checks),
        searches=check.searches,
        unsearched=sum(
            1 for c in checks for r in c.runs if r.history is None or r.history.how == "examined"
        ),
    )
