"""Matched words marked in a paragraph's text, for engines that do not mark them themselves.

FTS5 marks matches with `highlight()`/`snippet()`; PostgreSQL's `ts_headline` reads text with
its own parser (hyphenated words become three tokens), so for it the marks are made here, the
way the index reads text: words are the runs of letters and digits, folded (case and accents
ignored), and a phrase is marked where its words follow each other.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.parse.text import fold
from app.search.results import CLOSE, OPEN

WORD_RE = re.compile(r"[^\W_]+")


def _spans(text: str, phrases: Sequence[tuple[tuple[str, ...], bool]]) -> list[tuple[int, int]]:
    """(start, end) of every occurrence of each phrase (folded words, last one a prefix?)."""
    words = [(m.start(), m.end(), fold(m.group())) for m in WORD_RE.finditer(text)]
    found: list[tuple[int, int]] = []
    for tokens, prefix in phrases:
        n = len(tokens)
        if not n:
            continue
        for i in range(len(words) - n + 1):
            window = words[i : i + n]
            head_ok = all(w[2] == t for w, t in zip(window[:-1], tokens[:-1], strict=True))
            last = window[-1][2]
            last_ok = last.startswith(tokens[-1]) if prefix else last == tokens[-1]
            if head_ok and last_ok:
                found.append((window[0][0], window[-1][1]))
    found.sort()
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mark(text: str, phrases: Sequence[tuple[tuple[str, ...], bool]]) -> str:
    """`text` with each occurrence of the phrases between OPEN and CLOSE."""
    out, at = [], 0
    for start, end in _spans(text, phrases):
        out += [text[at:start], OPEN, text[start:end], CLOSE]
        at = end
    out.append(text[at:])
    return "".join(out)


def excerpt(text: str, phrases: Sequence[tuple[tuple[str, ...], bool]], *, tokens: int) -> str:
    """About `tokens` words of `text` around its first match, marked, with … where cut."""
    words = list(WORD_RE.finditer(text))
    spans = _spans(text, phrases)
    if len(words) <= tokens:
        return mark(text, phrases)
    first = spans[0][0] if spans else 0
    index = next((i for i, w in enumerate(words) if w.end() > first), 0)
    begin = max(0, min(index - tokens // 4, len(words) - tokens))
    end = begin + tokens
    start_at = words[begin].start() if begin else 0
    end_at = words[end - 1].end() if end < len(words) else len(text)
    piece = mark(text[start_at:end_at], phrases)
    return ("…" if begin else "") + piece + ("…" if end < len(words) else "")
