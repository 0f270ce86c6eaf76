"""BM25 as FTS5's bm25() computes it, from a paragraph's highlighted text and length.

FTS5's bm25() begins every query by counting, for each phrase of the query, every paragraph of
the archive that holds it (for its IDF), and it does so whatever rows it is asked to score: on
1.5 million paragraphs that count alone takes longer than a whole search may for a common
phrase. Search therefore scores with the same formula here (k1 = 1.2, b = 0.75, the IDF floored
at 1e-6, lower is better), taking each term's paragraph count from its own cached count or
estimate, the term instances from `highlight()` (every instance of every phrase is marked, so
counting inside the marks counts them all) and the length from the index's docsize record.
With exact counts the scores equal bm25()'s; a prefix (`organi*`) counts as one term, as FTS5's
own prefix search would. For a query of one word the frequencies may also be read back from
bm25() itself (`Scorer.frequencies_from_bm25`), whose count of one word reads no text: the
same whole numbers, so the same scores.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from app.parse.text import fold
from app.search.query import TOKEN_RE, Term

K1 = 1.2
B = 0.75
SPAN_RE = re.compile("\x02([^\x03]*)\x03")


def length(docsize: bytes) -> int:
    """A paragraph's length in words, from its FTS5 docsize record."""
    if docsize:
        if docsize[0] < 0x80:
            return docsize[0]
        if len(docsize) > 1 and docsize[1] < 0x80:  # most paragraphs: 128 to 16,383 words
            return ((docsize[0] & 0x7F) << 7) | docsize[1]
    return varint(docsize)[0]


def varint(blob: bytes, at: int = 0) -> tuple[int, int]:
    """An SQLite varint (as FTS5 stores counts) read at `at`: its value and the next offset."""
    value = 0
    for i in range(at, min(at + 8, len(blob))):
        byte = blob[i]
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, i + 1
    if at + 8 < len(blob):  # the ninth byte carries eight bits
        return (value << 8) | blob[at + 8], at + 9
    return value, len(blob)


def idf(paragraphs: int, holding: int) -> float:
    """FTS5's IDF of a term held by `holding` of `paragraphs` paragraphs."""
    holding = min(holding, paragraphs)  # an estimate may overshoot
    value = math.log((paragraphs - holding + 0.5) / (holding + 0.5))
    return value if value > 0 else 1e-6


class Scorer:
    """Scores paragraphs for the terms of one query."""

    def __init__(
        self,
        terms: Sequence[Term],
        idfs: Sequence[float],
        average_length: float,
        *,
        native: bool = False,
        bm25_frequencies: bool = False,
    ) -> None:
        self.native = native
        """FTS5's bm25() is to score instead (the caller's choice, kept with the terms)."""
        self.bm25_frequencies = bm25_frequencies and len(terms) == 1
        """The term's frequencies may be read from bm25() (`frequencies_from_bm25`)."""
        self.terms = [(tuple(fold(t) for t in term.tokens), term.prefix) for term in terms]
        self.idfs = list(idfs)
        self.average_length = average_length or 1.0
        # The same few marked strings ("Council", "council") recur in every paragraph.
        self._in_mark: dict[str, tuple[int, ...]] = {}
        # One term whose instances cannot overlap: each mark is one instance.
        self._one_mark_each = len(self.terms) == 1 and not _overlaps_itself(self.terms[0][0])

    def frequencies(self, highlighted: str) -> list[int]:
        """How many times each term occurs, from text marked by highlight(..., '\\x02',
        '\\x03'). Overlapping instances share one mark, so each mark is searched whole."""
        if self._one_mark_each:
            return [highlighted.count("\x02")]
        counts = [0] * len(self.terms)
        for mark in SPAN_RE.findall(highlighted):
            found = self._in_mark.get(mark)
            if found is None:
                words = [fold(w) for w in TOKEN_RE.findall(mark)]
                found = tuple(_occurrences(words, t, prefix) for t, prefix in self.terms)
                self._in_mark[mark] = found
            for i, n in enumerate(found):
                counts[i] += n
        return counts

    def score(self, highlighted: str, length: int) -> float:
        if self._one_mark_each:  # the common case, without the lists
            return self.score_tf(highlighted.count("\x02"), length)
        norm = K1 * (1 - B + B * length / self.average_length)
        total = 0.0
        for weight, tf in zip(self.idfs, self.frequencies(highlighted), strict=True):
            if tf:
                total += weight * (tf * (K1 + 1)) / (tf + norm)
        return -total

    def score_tf(self, tf: int, length: int) -> float:
        """The score of a paragraph of `length` words holding the query's one term `tf`
        times."""
        norm = K1 * (1 - B + B * length / self.average_length)
        return -self.idfs[0] * (tf * (K1 + 1)) / (tf + norm) if tf else 0.0

    def frequencies_from_bm25(
        self, rows: Sequence[tuple[float, int]], *, first_frequency: int
    ) -> list[int] | None:
        """How many times the query's one term occurs in each paragraph, from FTS5's bm25() of
        it and its length (`rows`), given the first one's frequency. bm25() is
        -IDF * tf (k1 + 1) / (tf + norm) with FTS5's own IDF (from its exact count), which the
        first paragraph tells; each tf follows. None unless every tf comes out a whole number
        of at least one."""
        if not rows or first_frequency < 1:
            return None

        def norm(length: int) -> float:
            return K1 * (1 - B + B * length / self.average_length)

        score, length = rows[0]
        weight = -score * (first_frequency + norm(length)) / (first_frequency * (K1 + 1))
        if not weight > 0:
            return None
        out = []
        for score, length in rows:
            share = -score / (weight * (K1 + 1))  # tf / (tf + norm)
            if not 0 < share < 1:
                return None
            tf = share * norm(length) / (1 - share)
            whole = round(tf)
            if whole < 1 or abs(tf - whole) > 1e-3:
                return None
            out.append(whole)
        return out


def _occurrences(words: list[str], tokens: tuple[str, ...], prefix: bool) -> int:
    n = len(tokens)
    found = 0
    for start in range(len(words) - n + 1):
        if words[start : start + n - 1] != list(tokens[:-1]):
            continue
        last = words[start + n - 1]
        if last == tokens[-1] or (prefix and last.startswith(tokens[-1])):
            found += 1
    return found


def _overlaps_itself(tokens: tuple[str, ...]) -> bool:
    """Whether two instances of the phrase can overlap ("a b a" in "a b a b a")."""
    return any(tokens[-k:] == tokens[:k] for k in range(1, len(tokens)))
