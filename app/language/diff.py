"""Word-level comparison of two paragraphs: which words were kept, deleted or inserted.

Words are compared folded (case and accents ignored, as reuse detection does), so "UN" and "Un"
count as the same word; punctuation is a token of its own, so a dropped comma shows. Each
token keeps the spaces before it, so the pieces joined back give each text exactly as written.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Literal

from app.parse.text import fold

TOKEN_RE = re.compile(r"\s*(?:\w+(?:[’'-]\w+)*|[^\w\s])")

Op = Literal["equal", "delete", "insert"]


@dataclass(frozen=True)
class Piece:
    """A stretch of text: kept in both ("equal"), only in the old text or only in the new."""

    op: Op
    text: str

    @property
    def lead(self) -> str:
        """The whitespace before the piece (kept outside <ins>/<del> when shown)."""
        return self.text[: len(self.text) - len(self.text.lstrip())]

    @property
    def body(self) -> str:
        return self.text.lstrip()


def tokens(text: str) -> list[str]:
    """Words and punctuation marks of `text`, each with the whitespace before it."""
    return TOKEN_RE.findall(text)


MAX_CELLS = 4_000_000
"""Work one comparison may do, counted as the product of the lengths of what is compared word
by word (the matcher's cost grows with it: about 50 ms at 2,000 words a side, where two
paragraphs of 20,000 words once took 6 s and 150,000 ran for minutes)."""
CHUNK_TOKENS = 60
"""Longest stretch compared as one unit when texts are compared sentence by sentence."""
SENTENCE_ENDS = frozenset(".;:!?")


@dataclass
class Comparison:
    """The pieces that turn one text into the other, and whether every stretch was compared
    word by word (False: some long stretches were compared sentence by sentence, or shown as
    a whole deleted and a whole inserted, to keep the comparison's work bounded)."""

    pieces: list[Piece] = field(default_factory=list)
    exact: bool = True

    def add(self, op: Op, parts: list[str]) -> None:
        if not parts:
            return
        chunk = "".join(parts)
        if self.pieces and self.pieces[-1].op == op:
            self.pieces[-1] = Piece(op, self.pieces[-1].text + chunk)
        else:
            self.pieces.append(Piece(op, chunk))


def word_diff(old: str, new: str) -> list[Piece]:
    """The pieces that turn `old` into `new`; a replacement is a deletion then an insertion.

    Joining the "equal" and "insert" pieces gives `new` (stripped); "equal" and "delete" give
    `old` with the shared words spelt as `new` has them (they differ at most in case or accents).
    """
    return compare_words(old, new).pieces


def compare_words(old: str, new: str) -> Comparison:
    """`word_diff` with a word saying whether it is word by word throughout.

    The work is bounded (`MAX_CELLS`): the shared beginning and end are set aside in one pass;
    what differs between them is compared word by word when small enough, else sentence by
    sentence (each changed sentence then word by word while the budget lasts), else shown as
    one deletion and one insertion."""
    a, b = tokens(old.strip()), tokens(new.strip())
    ka, kb = [fold(t.strip()) for t in a], [fold(t.strip()) for t in b]
    head = 0
    while head < min(len(a), len(b)) and ka[head] == kb[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and ka[-1 - tail] == kb[-1 - tail]:
        tail += 1
    out = Comparison()
    out.add("equal", b[:head])  # the new text's spelling of the shared words
    budget = _Budget(MAX_CELLS)
    middle = (slice(head, len(a) - tail), slice(head, len(b) - tail))
    _compare(a[middle[0]], b[middle[1]], ka[middle[0]], kb[middle[1]], out, budget)
    out.add("equal", b[len(b) - tail :])
    return out


@dataclass
class _Budget:
    cells: int

    def take(self, cells: int) -> bool:
        if cells > self.cells:
            return False
        self.cells -= cells
        return True


def _compare(
    a: list[str], b: list[str], ka: list[str], kb: list[str], out: Comparison, budget: _Budget
) -> None:
    if _by_words(a, b, ka, kb, out, budget):
        return
    out.exact = False
    sa, sb = _sentences(ka), _sentences(kb)
    if not budget.take(len(sa) * len(sb)):
        _as_wholes(a, b, out)
        return
    matcher = difflib.SequenceMatcher(
        None, [tuple(ka[i:j]) for i, j in sa], [tuple(kb[i:j]) for i, j in sb], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        ra = slice(sa[i1][0], sa[i2 - 1][1]) if i2 > i1 else slice(0, 0)
        rb = slice(sb[j1][0], sb[j2 - 1][1]) if j2 > j1 else slice(0, 0)
        if tag == "equal":
            out.add("equal", b[rb])
        elif not _by_words(a[ra], b[rb], ka[ra], kb[rb], out, budget):
            _as_wholes(a[ra], b[rb], out)


def _by_words(
    a: list[str], b: list[str], ka: list[str], kb: list[str], out: Comparison, budget: _Budget
) -> bool:
    """Compare word by word if the budget allows; whether it did."""
    if not budget.take(len(a) * len(b)):
        return False
    matcher = difflib.SequenceMatcher(None, ka, kb, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.add("equal", b[j1:j2])  # the new text's spelling of the shared words
        else:
            out.add("delete", a[i1:i2])
            out.add("insert", b[j1:j2])
    return True


def _as_wholes(a: list[str], b: list[str], out: Comparison) -> None:
    out.exact = False
    out.add("delete", a)
    out.add("insert", b)


def _sentences(keys: list[str]) -> list[tuple[int, int]]:
    """(start, end) of each sentence (at most CHUNK_TOKENS tokens) of a token list."""
    spans, start = [], 0
    for i, key in enumerate(keys, start=1):
        if key in SENTENCE_ENDS or i - start >= CHUNK_TOKENS:
            spans.append((start, i))
            start = i
    if start < len(keys):
        spans.append((start, len(keys)))
    return spans


def changed_words(pieces: list[Piece], op: Op) -> list[str]:
    """The words (not punctuation) of every piece with the given op, in order."""
    return [w for p in pieces if p.op == op for w in re.findall(r"\w+(?:[’'-]\w+)*", p.text)]
