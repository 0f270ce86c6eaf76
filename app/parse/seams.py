"""Hyphens lost at a line end ("genderbased", "postconflict", "mineclearance"): where a printed
line ended with a hyphen, pdftotext drops it and glues the next line on, so the line runs far
beyond the page's width. `mark_line_end_seams` finds the word at that seam, within the reach of
the page's width, and marks it:

- with `SEAM_HYPHEN` (a hyphen, decided here) when the statement itself vouches for it: it
  writes the same pair with a hyphen elsewhere ("mine-clearance"), or a capital starts the
  second piece ("SecretaryGeneral");
- with `SEAM` (decided at ingest, `app.parse.repair.resolve_seams`, from the archive's usage
  and the lexicon) when the word reads as two words the lexicon knows and is rarer than they
  are ("longterm", "postconflict"), and the statement does not use it elsewhere.

A word the statement uses elsewhere as printed, or one English uses as often as its parts
("understanding", "framework"), is left as it is: a word hyphenated only to fit the line.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import pairwise

from app.parse.lexicon import UNKNOWN, english, zipf
from app.parse.repair import SEAM, SEAM_HYPHEN, WORD_RE

GLUED = 1.1
"""A line this many times longer than a full line is two lines that pdftotext glued together."""
MOST_GLUED = 50
"""A statement has a few glued lines; a text with this many is not pages of a statement, and
looking for their seams would cost too much."""
SEAM_REACH = 0.7
"""A glued line's first part was a full line: its seam lies between this share of a full
line and the longest line of the page (a line that ends with a hyphen is never a short one)."""
PART_ZIPF = 3.0
"""Each part of a compound is a word at least this common in English..."""
RARER = 1.0
"""...and the run-together word is rarer than the rarer part by this much (Zipf scale)..."""
COMPOUND_ZIPF = 3.5
"""...and rare in English itself: common words ("understanding") were only hyphenated to fit."""
LETTERS = "abcdefghijklmnopqrstuvwxyzàâäçéèêëîïôöùûüœæ"
LETTERS += LETTERS.upper()
"""The letters of the words either side of a hyphen."""


def mark_line_end_seams(lines: list[str], width: int) -> list[str]:
    """PDF text lines with the seams where pdftotext dropped a line-end hyphen marked (see the
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
        _mark_seams(line, width, widest, words) if len(line) > limit else line for line in lines
    ]


class _StatementWords:
    """The statement's own words, as evidence at a seam. Looked up rather than counted (only
    the few words around a seam are ever asked about), in lower case or capitalised."""

    def __init__(self, lines: list[str]) -> None:
        self.text = "\n".join(lines)
        self._hyphens: dict[str, set[int]] | None = None

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


def _mark_seams(line: str, width: int, widest: int, words: _StatementWords) -> str:
    """One glued line with each seam found marked."""
    first, last = 0, 0  # where the current piece of the line may begin
    while len(line) - last > GLUED * width:
        # The rest of the line after the seam fits on the page lines that are left.
        lines_left = -(-(len(line) - last) // (widest + 1)) - 1
        low = max(first + int(SEAM_REACH * width), len(line) - lines_left * (widest + 1))
        high = last + widest + 1
        marks = _find_seam(line, low, high, words)
        if not marks:
            first, last = low, high  # no seam found: look beyond it
            continue
        for at, mark in sorted(marks, reverse=True):
            line = f"{line[:at]}{mark}{line[at:]}"
        first = last = max(at for at, _ in marks) + len(marks)
    return line


def _find_seam(line: str, low: int, high: int, words: _StatementWords) -> list[tuple[int, str]]:
    """Where in `line`, between `low` and `high`, a hyphen was lost, with its mark: the one
    split the statement vouches for (SEAM_HYPHEN), else each word there that reads as a
    compound run together (SEAM: the archive and the lexicon decide), else none."""
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
        return [(vouched.pop(), SEAM_HYPHEN)] if len(vouched) == 1 else []
    marks = []
    for start, token, cuts in candidates:
        if token[1:].islower() and (cut := _compound_cut(token, cuts)):
            marks.append((start + cut, SEAM))
    return marks


def _compound_cut(token: str, cuts: range) -> int | None:
    """Where `token` splits into two words English knows well, when it is itself rarer than
    they are: the cut whose rarer part is the commonest."""
    lexicon = english()
    glued = zipf(lexicon.get(token.lower(), UNKNOWN))
    if glued >= COMPOUND_ZIPF:
        return None
    best: tuple[float, int] | None = None
    for cut in cuts:
        parts = zipf(
            min(lexicon.get(token[:cut].lower(), UNKNOWN), lexicon.get(token[cut:], UNKNOWN))
        )
        if parts >= PART_ZIPF and glued <= parts - RARER and (best is None or parts > best[0]):
            best = (parts, cut)
    return best[1] if best else None
