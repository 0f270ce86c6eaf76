"""Repairs of PDF-extraction damage, for search only.

pdftotext splits words at kerning gaps ("internati onal", "Sec urity") and loses the hyphen of
words broken across lines or joined by a soft hyphen ("SecretaryGeneral"). That is not the
Council's wording: the archived text keeps it exactly as extracted, but the text that search
indexes (`Paragraph.plain`) gets the word back, so "international" finds the paragraph.

A repair is made only when the archive's own vocabulary vouches for it: the two pieces must be
rare and their join a word the archive uses often. Never a dictionary, never a guess.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

WORD_RE = re.compile(r"[^\W\d_]+")
# "internati onal": a word's last letters, one space, the next piece's first letters
WORD_TAIL_RE = re.compile(r"[^\W\d_]+$")
WORD_HEAD_RE = re.compile(r"^[^\W\d_]+")
# "SecretaryGeneral": lower case directly followed by an upper-case letter inside a word
CAMEL_RE = re.compile(r"\b([A-Z][a-z]{2,})([A-Z][a-z]{2,})\b")

RARE = 2
"""A piece seen this often or less in the whole archive may be a fragment."""
COMMON = 3
"""A joined word must be seen at least this often to be trusted."""


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
        if vocab[whole] <= RARE:
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


def _joins(left: str, right: str, vocab: Counter[str]) -> bool:
    """Whether two neighbouring pieces are one word that extraction split."""
    a = WORD_TAIL_RE.search(left)
    b = WORD_HEAD_RE.match(right)
    if not a or not b or a.start() == len(left) or b.end() == 0:
        return False
    a_word, b_word = a.group(0), b.group(0)
    if a.end() != len(left) or not b_word[0].islower() or min(len(a_word), len(b_word)) < 2:
        return False
    rare_piece = vocab[a_word.lower()] <= RARE or vocab[b_word.lower()] <= RARE
    return rare_piece and vocab[(a_word + b_word).lower()] >= COMMON
