"""Repairs of PDF-extraction damage. The source file keeps the damage exactly as extracted;
the text shown and searched gets the word back, so "international" finds the paragraph.

Two kinds of damage, two kinds of evidence:

- **Split words** ("internati onal", "obligation s", "access t o"): pdftotext cuts words at
  kerning gaps. `repair` joins two pieces when the archive's vocabulary vouches for it: the
  joined word is one the archive uses often, and a piece is not a word of its own (a word the
  archive has seen at most twice, two letters it seldom uses, or a bare lower-case letter other
  than "a": single letters in the archive's text are item labels "(c)" and the "s" of
  "Council’s", never words between spaces). A piece that is a word of its own must be longer
  than two letters, so "a n", "it s" or "in formal" are never joined. Two capitalised words
  run together ("SecretaryGeneral") get their hyphen back when the run-together form is rare.
- **Lost hyphens at a line end** ("genderbased", "longterm", "mineclearance"): where a line
  ended with a hyphen, pdftotext drops it and glues the next line on, so the line runs far
  beyond the page's width. `restore_line_end_hyphens` finds the word at that seam, within the
  reach of the page's width, and puts the hyphen back when the statement's own words vouch for
  the split: it writes the same pair with a hyphen elsewhere ("mine-clearance"), or the second
  piece is one of its words and the run-together word is not. Never a dictionary.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from itertools import pairwise

WORD_RE = re.compile(r"[^\W\d_]+")
# "internati onal": a word's last letters, one space, the next piece's first letters
WORD_TAIL_RE = re.compile(r"[^\W\d_]+$")
WORD_HEAD_RE = re.compile(r"^[^\W\d_]+")
# "SecretaryGeneral": lower case directly followed by an upper-case letter inside a word
CAMEL_RE = re.compile(r"\b([A-Z][a-z]{2,})([A-Z][a-z]{2,})\b")
LETTERS = "abcdefghijklmnopqrstuvwxyzàâäçéèêëîïôöùûüœæ"
LETTERS += LETTERS.upper()
"""The letters of the words either side of a hyphen."""

BARE_LETTER_RE = re.compile(r"(?:^|(?<=\s))[b-z](?=\s|$)")
"""A lower-case letter other than "a" standing alone between spaces: a fragment ("obligation s",
"access t o"), never a word."""

RARE = 2
"""A piece seen this often or less in the whole archive may be a fragment."""
COMMON = 3
"""A joined word must be seen at least this often to be trusted."""
MARGIN = 3
"""...and at least this many times as often as a rare piece of three letters or more, which
may be a rare word in its own right ("road map" beside "roadmap")."""
SHORT_WORD = 10
"""A piece of two letters is a word of its own ("in", "it") only when the archive uses it this
often: the same short fragment ("th e") recurs wherever extraction made it."""
LOOKS = 30
"""How many occurrences of a piece inside other words to look through for one on its own."""
GLUED = 1.1
"""A line this many times longer than a full line is two lines that pdftotext glued together."""
MOST_GLUED = 50
"""A statement has a few glued lines; a text with this many is not pages of a statement, and
looking for their seams would cost too much."""
SEAM_REACH = 0.7
"""A glued line's first part was a full line: its seam lies between this share of a full
line and the longest line of the page (a line that ends with a hyphen is never a short one)."""


def has_bare_letter(text: str) -> bool:
    """Whether `text` holds a bare lower-case letter: a split word its vocabulary alone does
    not reveal (both pieces may be common), worth a look by `repair`."""
    return BARE_LETTER_RE.search(text) is not None


def may_be_fragment(term: str, count: int) -> bool:
    """Whether an indexed word, used `count` times in the archive, may be a piece of a split
    word: a paragraph holding it is worth a look by `repair`."""
    return term.isalpha() and (count <= RARE or (len(term) == 2 and count < SHORT_WORD))


def vocabulary(texts: Iterable[str]) -> Counter[str]:
    """How often each lower-case word occurs in `texts`."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(w.lower() for w in WORD_RE.findall(text))
    return counts


def repair(text: str, vocab: Counter[str]) -> tuple[str, int]:
    """`text` with split words joined and lost hyphens restored where the vocabulary vouches
    for it; returns the text and how many repairs were made."""
    repairs = 0

    def hyphenate(m: re.Match[str]) -> str:
        nonlocal repairs
        whole = m.group(0).lower()
        halves = (m.group(1).lower(), m.group(2).lower())
        if vocab[whole] <= RARE and min(vocab[h] for h in halves) >= COMMON:
            repairs += 1
            return f"{m.group(1)}-{m.group(2)}"
        return m.group(0)

    words = text.split(" ")
    out: list[str] = []
    i = 0
    while i < len(words):
        if i + 1 < len(words) and _joins(words[i], words[i + 1], vocab):
            out.append(words[i] + words[i + 1])
            repairs += 1
            i += 2
        else:
            out.append(words[i])
            i += 1
    text = CAMEL_RE.sub(hyphenate, " ".join(out))
    return text, repairs


def _fragment(piece: str, vocab: Counter[str], *, bare: bool) -> bool:
    """Whether a piece is not a word of its own: a lower-case letter other than "a" standing
    bare between spaces (not the "s" of "Council’s"), two letters the archive seldom uses, or
    a longer word it has seen at most RARE times."""
    if len(piece) == 1:
        return bare and piece.islower() and piece != "a"
    if len(piece) == 2:
        return vocab[piece.lower()] < SHORT_WORD
    return vocab[piece.lower()] <= RARE


def _joins(left: str, right: str, vocab: Counter[str]) -> bool:
    """Whether two neighbouring pieces are one word that extraction split."""
    a = WORD_TAIL_RE.search(left)
    b = WORD_HEAD_RE.match(right)
    if not a or not b:
        return False
    a_word, b_word = a.group(0), b.group(0)
    if not b_word[0].islower() or vocab[(a_word + b_word).lower()] < COMMON:
        return False
    a_fragment = _fragment(a_word, vocab, bare=a.start() == 0)
    b_fragment = _fragment(b_word, vocab, bare=not any(c.isalnum() for c in right[b.end() :]))
    if not (a_fragment or b_fragment):
        return False
    # A piece that is a word of its own is joined only when it is longer than two letters:
    # short words ("a", "it", "in") stand next to stray letters in correct text too often.
    if not ((a_fragment or len(a_word) > 2) and (b_fragment or len(b_word) > 2)):
        return False
    joined = vocab[(a_word + b_word).lower()]
    return all(
        joined >= MARGIN * vocab[piece.lower()]
        for piece, fragment in ((a_word, a_fragment), (b_word, b_fragment))
        if fragment and len(piece) > 2
    )


def restore_line_end_hyphens(lines: list[str], width: int) -> list[str]:
    """PDF text lines with the hyphens that pdftotext dropped at line ends put back (see the
    module's docstring); `width` is the length of a full line. Lines that are not glued are
    returned as they are."""
    limit = GLUED * width
    lengths = sorted(map(len, lines))
    if not lengths or lengths[-1] <= limit:
        return lines
    if len(lengths) >= MOST_GLUED and lengths[-MOST_GLUED] > limit:
        return lines  # too many glued lines for pages of a statement
    widest = max(lengths[bisect_right(lengths, limit) - 1], width)
    words = _StatementWords(lines)
    return [
        _restore_seams(line, width, widest, words) if len(line) > limit else line for line in lines
    ]


class _StatementWords:
    """The statement's own words, as evidence at a seam. Looked up rather than counted (only
    the few words around a seam are ever asked about), in lower case or capitalised."""

    def __init__(self, lines: list[str]) -> None:
        self.text = "\n".join(lines)
        self._lower: str | None = None
        self._hyphens: dict[str, set[int]] | None = None

    def once(self, word: str) -> bool:
        """Whether `word` occurs only once (nowhere but at the seam), in any case."""
        if self._lower is None:
            self._lower = self.text.lower()
        word = word.lower()
        first = self._lower.find(word)
        return first >= 0 and self._lower.find(word, first + 1) < 0

    def used(self, word: str) -> bool:
        """Whether the statement uses `word` as a word of its own (not inside another; a
        piece found only inside other words a few dozen times is taken as not used)."""
        text = self.text
        for form in _forms(word):
            at = text.find(form)
            for _ in range(LOOKS):
                if at < 0:
                    break
                end = at + len(form)
                if not (at and text[at - 1].isalpha()) and not (
                    end < len(text) and text[end].isalpha()
                ):
                    return True
                at = text.find(form, at + 1)
        return False

    def hyphens(self, word: str) -> set[int]:
        """Where the statement writes `word` with a hyphen in it ("mine-clearance" for
        "mineclearance"): the hyphens' positions in the word."""
        if self._hyphens is None:
            self._hyphens = {}
            for before, after in pairwise(self.text.split("-")):
                # The letters either side of the hyphen (str.rstrip/lstrip run in C).
                before, after = before[-40:], after[:40]
                head = before[len(before.rstrip(LETTERS)) :]
                tail = after[: len(after) - len(after.lstrip(LETTERS))]
                if head and tail:
                    self._hyphens.setdefault((head + tail).lower(), set()).add(len(head))
        return self._hyphens.get(word.lower(), set())


def _forms(word: str) -> set[str]:
    """A word as a statement may print it: in lower case, capitalised, or as at the seam."""
    lower = word.lower()
    return {lower, lower.capitalize(), word}


def _restore_seams(line: str, width: int, widest: int, words: _StatementWords) -> str:
    """One glued line with the hyphen back at each seam the statement's words vouch for."""
    first, last = 0, 0  # where the current piece of the line may begin
    while len(line) - last > GLUED * width:
        # The rest of the line after the seam fits on the page lines that are left.
        lines_left = -(-(len(line) - last) // (widest + 1)) - 1
        low = max(first + int(SEAM_REACH * width), len(line) - lines_left * (widest + 1))
        high = last + widest + 1
        seam = _find_seam(line, low, high, words)
        if seam is None:
            first, last = low, high  # a seam nobody vouches for: look beyond it
            continue
        line = f"{line[:seam]}-{line[seam:]}"
        first = last = seam + 1
    return line


def _find_seam(line: str, low: int, high: int, words: _StatementWords) -> int | None:
    """Where in `line`, between `low` and `high`, a hyphen was lost: the one split of a word
    there that the statement vouches for, or None when none (or more than one) is vouched.

    Strong evidence: the statement writes the pair with a hyphen elsewhere, or a capital
    starts the second piece ("SecretaryGeneral"). Weaker: the word is used only here and its
    second piece is a word of the statement; taken only when no other word there could hide
    the seam (a long word used only here)."""
    candidates: list[tuple[int, str, range]] = []
    vouched: set[int] = set()
    for m in WORD_RE.finditer(line, max(0, low - 40)):
        start, token = m.start(), m.group(0)
        if start > high:
            break
        cuts = range(max(2, low - start), min(len(token) - 2, high - start) + 1)
        if len(token) < 5 or not cuts:
            continue
        candidates.append((start, token, cuts))
        vouched.update(start + cut for cut in words.hyphens(token) if cut in cuts)
        if not token[1:].islower():  # a capital inside: SecretaryGeneral
            vouched.update(
                start + cut for cut in cuts if token[cut].isupper() and token[cut + 1].islower()
            )
    if vouched:
        return vouched.pop() if len(vouched) == 1 else None
    used_only_here = []
    for candidate in candidates:
        if words.once(candidate[1]):
            used_only_here.append(candidate)
            if len(used_only_here) > 1:
                return None
    if not used_only_here:
        return None
    start, token, cuts = used_only_here[0]
    for cut in cuts:  # the longest second piece first
        tail = token[cut:]
        if len(tail) < 3 or not tail.islower():
            continue
        if words.used(tail):
            return start + cut
    return None
