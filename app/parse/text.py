"""Small text helpers shared by the parser, search and templates: markup, quotes, dates."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

OPEN_QUOTES = '"“'
CLOSE_QUOTES = '"”'

# *emphasis* as markdown writes it: no space just inside the asterisks.
EMPHASIS_RE = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![\w*])")
# [2482 \(2019\)](#) -> 2482 \(2019\) (escapes are undone afterwards); the address may hold
# parentheses of its own, one level deep ([x](javascript:alert(2)) -> x).
LINK_RE = re.compile(r"\[([^\]\n]*)\]\((?:[^()\s]|\([^()\s]*\))*\)")
ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>\"'~])")

COMBINING_RE = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")

MONTHS = {
    name: number
    for number, name in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
DATE_RE = re.compile(
    r"\b(\d{1,2})\s+(January|February|March|April|May|June|July|August|September|October"
    r"|November|December)\s+(\d{4})\b",
    re.IGNORECASE,
)


def parse_date(text: str) -> dt.date | None:
    """The first '7 December 2023'-style date in `text`, or None."""
    m = DATE_RE.search(text)
    if not m:
        return None
    try:
        return dt.date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
    except ValueError:
        return None


def unmarkdown_inline(text: str) -> str:
    """Undo markdown link syntax and backslash escapes, keeping *emphasis* marks."""
    if "](" in text:
        text = LINK_RE.sub(r"\1", text)
    if "\\" in text:
        text = ESCAPE_RE.sub(r"\1", text)
    return text


def strip_emphasis(text: str) -> str:
    """The words of `text` without *emphasis* marks: what search indexes."""
    if "*" not in text:
        return text
    return EMPHASIS_RE.sub(r"\1", text)


def fold(text: str) -> str:
    """Lower-case, accent-free form used to compare words regardless of typography."""
    if text.isascii():
        return text.lower()
    return COMBINING_RE.sub("", unicodedata.normalize("NFKD", text)).casefold()


def ordinal_number(text: str) -> int | None:
    m = re.match(r"(\d+)(?:st|nd|rd|th)?$", text.strip())
    return int(m.group(1)) if m else None
