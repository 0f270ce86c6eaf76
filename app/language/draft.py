"""A pasted draft and what checking it answers: its paragraphs, their words, and for each
paragraph its precedents, agreed runs and new language (`app.language.draft_check` finds them).

Paragraphs (`segment`): blank lines, numbered paragraphs ("1.") and quoted paragraphs (a line
opening with a quotation mark after a line that ends a sentence) start a new one; the lines of
a paragraph are joined. Words are folded as `shingles.words` folds them (case, accents,
quotation marks, hyphens). A leading "The Security Council" is compared with the archive but
counted neither as agreed nor as new language: archived paragraphs write it or not. A
paragraph under `MIN_RUN` words (a title, a line) cannot share a run, and is not compared.

A draft is only ever held in memory: nothing here stores it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from app.language.diff import Piece, word_diff
from app.language.precedents import Place, StatementRef
from app.language.shingles import MIN_RUN, words

MAX_WORDS = 20_000
"""The longest draft checked at once."""
MAX_CHARS = 250_000
"""Characters a draft may have (20,000 words take about 140,000; pasted text has spaces)."""
PHRASE_CHARS = 400
"""A run's phrase search uses at most this many characters of it (the search box takes 500)."""

CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
INVISIBLE_RE = re.compile(r"[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]")
SURROGATE_RE = re.compile(r"[\ud800-\udfff]")
TOKEN_RE = re.compile(r"[^\W_]+")
NUMBERED_RE = re.compile(r"^(\d{1,3})[.)]\s+(?=\S)")
SENTENCE_END_RE = re.compile(r"[.;:!?…][\"”’»)\]]*$")
OPENING_QUOTES = '"“„«'
CLOSING_QUOTES = '"”»'
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
    """As written, its lines joined, without the number it was printed with and the quotation
    marks around it."""
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

    def phrase(self, start: int, end: int) -> str:
        """Words `start` to `end - 1` as written, separated by spaces, for a phrase search (cut
        to PHRASE_CHARS)."""
        out: list[str] = []
        size = 0
        for word in TOKEN_RE.findall(self.span(start, end)):
            size += len(word) + 1
            if out and size > PHRASE_CHARS:
                break
            out.append(word)
        return " ".join(out)


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
        # The quotation marks around a paragraph are not its words (archived paragraphs are
        # kept without them).
        joined = joined.lstrip(OPENING_QUOTES).rstrip(CLOSING_QUOTES).strip() or joined
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
    how: Literal["index", "search", "compared"]
    """index and search: every use in the archive; compared: the uses among the archived
    paragraphs compared with the draft only."""
    exact: bool = True
    """False when `statements` is an estimate (search) or a lower bound (compared)."""


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
        return [self.paragraph.span(skip + a, skip + b) for a, b in stretches(self.counted, False)]

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

    @property
    def partial(self) -> int:
        """Agreed runs whose history is only what the paragraphs compared show."""
        return sum(
            1
            for p in self.paragraphs
            for r in p.runs
            if r.history is None or r.history.how == "compared"
        )

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


def stretches(flags: Sequence[bool], value: bool) -> list[tuple[int, int]]:
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
