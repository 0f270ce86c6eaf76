"""Runs of words shared by two paragraphs: the hashes that find them and the exact measure.

Pure functions over text; nothing here knows SQL (`app.language.reuse` keeps the index).

- **Fingerprints**: every paragraph's folded words are cut into overlapping `SHINGLE`-word
  shingles, each hashed to 64 bits, and *winnowed* (Schleimer, Wilkerson & Aiken, "Winnowing:
  local algorithms for document fingerprinting", 2003): of every `WINDOW` consecutive shingle
  hashes the smallest is kept. Any run of at least `GUARANTEED_RUN` (= `MIN_SHARED`) words two
  paragraphs share gives both at least one common fingerprint, while about 2/(WINDOW+1) of the
  shingles are kept.
- **The exact measure**: on each side, the words lying in a run of at least `MIN_RUN` words
  that the other paragraph also contains (every MIN_RUN-gram compared, so reordered or merged
  sentences count too). Two paragraphs are the same agreed language when they share
  `MIN_SHARED` words making up `MIN_COVERAGE` of one of them, or the whole shorter one.
"""

from __future__ import annotations

import hashlib
import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_

from app.parse.text import fold

MIN_RUN = 7
"""The exact measure counts words in shared runs at least this long."""
MIN_SHARED = 12
"""Words two paragraphs must share to be the same agreed language..."""
MIN_COVERAGE = 0.25
"""... and the share of one of the two paragraphs those words must make up."""
SHINGLE = 5
WINDOW = 8
GUARANTEED_RUN = SHINGLE + WINDOW - 1
"""Any shared run this long (= MIN_SHARED) is sure to make the two paragraphs candidates."""

WORD_RE = re.compile(r"\w+")
_word_hashes: dict[str, int] = {}


def words(text: str) -> list[str]:
    """The folded words of `text` (case, accents, punctuation and *emphasis* marks ignored)."""
    # fold() walks every character; plain ASCII (most text) only needs casefold.
    folded = text.casefold() if text.isascii() else fold(text)
    return WORD_RE.findall(folded.replace("_", " "))


def _word_hash(word: str) -> int:
    value = _word_hashes.get(word)
    if value is None:
        digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
        value = _word_hashes[word] = int.from_bytes(digest, "big", signed=True)
        if len(_word_hashes) > 500_000:  # a vocabulary, not a leak: start afresh
            _word_hashes.clear()
    return value


def _word_hash_list(tokens: Sequence[str]) -> list[int]:
    hashes = list(map(_word_hashes.get, tokens))
    if None in hashes:
        hashes = [_word_hash(t) for t in tokens]
    return hashes  # type: ignore[return-value]


def _ngram_hashes(w: list[int], n: int) -> list[int]:
    """The hash of every run of `n` consecutive word hashes, in order.

    Each word is hashed with BLAKE2b; a run's hash is Python's hash of the tuple of its words'
    hashes, computed in C. Integer and tuple hashing involve no per-process randomisation, so
    the values are the same in every process; `SCHEME` lets a database notice if another Python
    computes them differently."""
    return list(map(hash, zip(*(w[k:] for k in range(n)), strict=False)))


def winnow(shingles: list[int]) -> set[int]:
    """Of every WINDOW consecutive shingle hashes the smallest."""
    if len(shingles) > WINDOW:
        return set(map(min, *(shingles[k:] for k in range(WINDOW))))
    return set(shingles)


def shingles(tokens: Sequence[str]) -> list[int]:
    """The hash of every SHINGLE-word run of a word sequence, in order: the fingerprints are
    chosen among them (the smallest of every WINDOW consecutive ones)."""
    return _ngram_hashes(_word_hash_list(tokens), SHINGLE)


def fingerprints(tokens: Sequence[str]) -> set[int]:
    """Winnowed shingle hashes of a word sequence: any shared run of GUARANTEED_RUN words
    shares one."""
    return winnow(shingles(tokens))


def _grams(w: list[int]) -> array[int]:
    """Every MIN_RUN-word n-gram's hash, in order, truncated to 32 bits (a false match between
    two paragraphs' few dozen n-grams is then a one-in-a-million event)."""
    return array("I", [h & 0xFFFFFFFF for h in _ngram_hashes(w, MIN_RUN)])


SCHEME = f"{SHINGLE}/{WINDOW}/{MIN_RUN}:" + ",".join(
    str(h) for h in sorted(fingerprints(words("The Security Council reaffirms its commitment")))
)
"""How this Python computes stored hashes: if a database was analysed under another scheme,
its fingerprints and n-grams cannot be compared with new ones, and the analysis starts over."""


@dataclass(frozen=True)
class Features:
    """What agreed-language detection needs of one paragraph, computed once from its text (by
    the ingest's parsing processes) and stored: its fingerprints, and its n-grams for the exact
    comparison with any candidate."""

    words: int
    prints: bytes
    grams: bytes

    @classmethod
    def of(cls, plain: str) -> Features:
        tokens = words(plain)
        w = _word_hash_list(tokens)
        prints = array("q", sorted(winnow(_ngram_hashes(w, SHINGLE))))
        return cls(len(tokens), prints.tobytes(), _grams(w).tobytes())


class Shingled:
    """A paragraph's MIN_RUN-word n-grams in order, ready for exact comparison (compact: many
    are kept in memory at once; what comparing needs is worked out on first use and not
    pickled)."""

    __slots__ = ("_masks", "grams", "statement_pk", "words")

    def __init__(self, grams: array[int], statement_pk: int = 0) -> None:
        self.grams = grams
        self.words = len(grams) + MIN_RUN - 1 if grams else 0
        self.statement_pk = statement_pk
        self._masks: dict[int, int] | None = None

    def __getstate__(self) -> tuple[array[int], int, int]:
        return self.grams, self.words, self.statement_pk

    def __setstate__(self, state: tuple[array[int], int, int]) -> None:
        self.grams, self.words, self.statement_pk = state
        self._masks = None

    @classmethod
    def of_words(cls, tokens: Sequence[str]) -> Shingled:
        shingled = cls(_grams(_word_hash_list(tokens)))
        shingled.words = len(tokens)
        return shingled

    @classmethod
    def of_blob(cls, blob: bytes, words: int, statement_pk: int) -> Shingled:
        shingled = cls(array("I", blob), statement_pk)
        shingled.words = words
        return shingled

    def masks(self, *, keep: bool = False) -> dict[int, int]:
        """Each distinct n-gram with a bit set for every place it starts at; kept for the next
        call if `keep` (for a paragraph compared with many: it costs memory)."""
        if self._masks is not None:
            return self._masks
        masks: dict[int, int] = {}
        for place, gram in enumerate(self.grams):
            masks[gram] = masks.get(gram, 0) | (1 << place)
        if keep:
            self._masks = masks
        return masks

    @staticmethod
    def covered_by(masks: dict[int, int], shared: set[int]) -> int:
        """How many words of the paragraph of `masks` lie in a run of at least MIN_RUN words
        made of `shared` n-grams."""
        if not shared:
            return 0
        # A bit for each place a shared n-gram starts (every place, if it occurs twice) ...
        starts = reduce(or_, map(masks.__getitem__, shared), 0)
        # ... each spread over the MIN_RUN (= 7) words from it: 1 + 2 + 3 shifts, then counted.
        starts |= starts << 1
        starts |= starts << 2
        starts |= starts << 3
        return starts.bit_count()


@dataclass(frozen=True)
class Overlap:
    """Shared language between two word sequences a and b."""

    a_shared: int
    """Words of a lying in runs of at least MIN_RUN words that b also contains."""
    b_shared: int
    a_words: int
    b_words: int

    @property
    def shared(self) -> int:
        """Words shared, counted on the side that shares fewer (a repeated run counts once)."""
        return min(self.a_shared, self.b_shared)

    @property
    def a_coverage(self) -> float:
        return self.a_shared / self.a_words if self.a_words else 0.0

    @property
    def b_coverage(self) -> float:
        return self.b_shared / self.b_words if self.b_words else 0.0

    @property
    def similarity(self) -> float:
        """Share of both paragraphs' words in shared runs: 1.0 for identical paragraphs."""
        total = self.a_words + self.b_words
        return (self.a_shared + self.b_shared) / total if total else 0.0

    @property
    def is_reuse(self) -> bool:
        """The same agreed language: the whole of the shorter paragraph, or at least MIN_SHARED
        words making up MIN_COVERAGE of one of the two (two paragraphs that merely share a
        formula or two are not the same language)."""
        shorter = min(self.a_words, self.b_words)
        if self.shared >= MIN_RUN and self.shared == shorter:
            return True
        return self.shared >= MIN_SHARED and max(self.a_coverage, self.b_coverage) >= MIN_COVERAGE


def compare(a: Shingled, b: Shingled, *, keep_second: bool = False) -> Overlap:
    """The exact shared-run measure between two shingled paragraphs; `keep_second` keeps what
    `b` needs for the next comparison (when it is compared with many, one after the other)."""
    a_masks, b_masks = a.masks(), b.masks(keep=keep_second)
    shared = a_masks.keys() & b_masks.keys()
    return Overlap(
        Shingled.covered_by(a_masks, shared), Shingled.covered_by(b_masks, shared), a.words, b.words
    )


def overlap(a: Sequence[str], b: Sequence[str]) -> Overlap:
    """The exact shared-run measure between two word sequences."""
    return compare(Shingled.of_words(a), Shingled.of_words(b))
