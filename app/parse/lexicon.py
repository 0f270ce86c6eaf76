"""What repair weighs: how common a word is in English at large (the `wordfreq` lexicon) and in
the archive itself (its vocabulary, and the phrases its search index can count).

The lexicon knows the language (“order”, “impunity”, “reconciliation” are words, “ord” and
“iation” are pieces) but not the Council's own vocabulary (“subregional”, “Ombudsperson”,
acronyms) nor its house style (“long-term”, “peacebuilding”); the archive knows those, once it
holds them. Neither is ever used to change a letter: only to decide where a space or a hyphen
that extraction lost or added belongs.
"""

from __future__ import annotations

import gzip
import importlib.util
import math
from collections import Counter
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

import msgpack

UNKNOWN = -10.0
"""log10 of the probability given to a word neither source knows: a fragment."""
ARCHIVE_MIN = 3
"""A word the archive holds fewer times than this may be damage itself: not evidence."""


@cache
def english() -> dict[str, float]:
    """Word → log10 of its frequency in English: wordfreq's large English list (about 320,000
    words, lower case, from many sources of text), read straight from the data file the
    package ships (its own loader imports a tokenizer stack repair does not need). Once per
    process, in about 0.13 s."""
    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the wordfreq package is not installed")
    path = Path(spec.submodule_search_locations[0]) / "data" / "large_en.msgpack.gz"
    with gzip.open(path, "rb") as packed:
        # cBpack: a header, then lists of words, the i-th holding those of frequency 10^(-i/100)
        header, *buckets = msgpack.load(packed, raw=False)
    if header.get("format") != "cB":
        raise RuntimeError(f"{path}: not a wordfreq frequency list")
    return {word: -i / 100 for i, words in enumerate(buckets) for word in words}


def zipf(logp: float) -> float:
    """A log10 frequency on the Zipf scale (log10 per billion words: 7 for "the", 3 for
    "impunity", 0 or less for a word not seen)."""
    return logp + 9


PhraseCount = Callable[[Sequence[str], int], int]
"""How many paragraphs of the archive hold these words in a row (hyphens and case aside),
counted up to the second argument."""


class Evidence:
    """The lexicon, with the archive's vocabulary (word → occurrences) and a way to count its
    phrases when an archive is at hand (at ingest; not in the parsing processes)."""

    def __init__(self, archive: Counter[str] | None = None, phrases: PhraseCount | None = None):
        self.lexicon = english()
        self.archive = archive if archive is not None else Counter()
        self.total = max(1, sum(self.archive.values()))
        self.phrases = phrases
        self._phrases: dict[tuple[tuple[str, ...], int], int] = {}

    def english(self, word: str) -> float:
        """log10 of the word's frequency in English (UNKNOWN when the lexicon does not know it)."""
        return self.lexicon.get(word.lower(), UNKNOWN)

    def logp(self, word: str) -> float:
        """log10 of the word's frequency in the Council's language: the lexicon's, or the
        archive's when the archive uses it more (its own words), whichever is higher."""
        lower = word.lower()
        found = self.lexicon.get(lower, UNKNOWN)
        if self.archive:
            held = self.archive.get(lower, 0)
            if held >= ARCHIVE_MIN:
                found = max(found, math.log10(held / self.total))
        return found

    def held(self, word: str) -> int:
        """How often the archive holds `word`, run together as one word."""
        return self.archive.get(word.lower(), 0)

    def phrase(self, words: Sequence[str], *, at_most: int = 2) -> int | None:
        """How many paragraphs of the archive hold `words` in a row, counted up to `at_most`;
        None without an archive."""
        if self.phrases is None:
            return None
        key = (tuple(w.lower() for w in words), at_most)
        if key not in self._phrases:
            self._phrases[key] = self.phrases(key[0], at_most)
        return self._phrases[key]
