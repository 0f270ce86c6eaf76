"""Documents a paragraph cites: Council resolutions, presidential statements, other UN document
symbols and named conventions. Pure functions over text; nothing here knows SQL or HTTP.

Texts come as the parser archived them or straight from markdown files, so every finder first
undoes links (`[2482 \\(2019\\)](#)`), backslash escapes and *emphasis* marks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.parse.text import fold, unmarkdown_inline

RESOLUTION = "resolution"
PRST = "prst"
DOCUMENT = "document"
CONVENTION = "convention"
KIND_LABELS = {
    RESOLUTION: "Security Council resolution",
    PRST: "Presidential statement",
    DOCUMENT: "UN document",
    CONVENTION: "Convention",
}

_ITEM = r"(\d{1,4})\s*\(\s*(\d{4})\s*\)"
# A list may date its items: "resolutions 1265 (1999) of 17 September 1999 and 1296 (2000)".
_DATED = r"(?:\s+of\s+\d{1,2}\s+[A-Za-z]+\s+\d{4})?"
_SEP = r"\s*(?:,\s*(?:and\s+|as\s+well\s+as\s+)?|and\s+|as\s+well\s+as\s+)\s*"
RESOLUTION_LIST_RE = re.compile(
    rf"\b(?:resolutions?|S/RES/)\s*(?:{_ITEM}{_DATED})(?:{_SEP}(?:{_ITEM}{_DATED}))*",
    re.IGNORECASE,
)
RESOLUTION_ITEM_RE = re.compile(_ITEM)
# Someone else's resolutions are not the Council's: "General Assembly resolution 60/288".
OTHER_BODY_RE = re.compile(
    r"(?:General\s+Assembly|Human\s+Rights\s+Council|Economic\s+and\s+Social\s+Council)"
    r"(?:\s+\w+){0,2}\s*$",
    re.IGNORECASE,
)
PRST_RE = re.compile(r"\bS/PRST/(\d{4})/(\d{1,3})\b")
SYMBOL_RE = re.compile(
    r"\b(?:S|A|E|ST)/(?:[A-Z]+[A-Z0-9.]*/)*\d+(?:/[A-Za-z0-9.]*\d[A-Za-z0-9.]*)*\b"
)

# Conventions the Council cites most, matched whatever the capitals, with their proper names.
KNOWN_CONVENTIONS: list[tuple[str, str]] = [
    (
        "United Nations Convention against Transnational Organized Crime",
        r"United Nations Convention against Transnational Organi[sz]ed Crime",
    ),
    (
        "United Nations Convention against Illicit Traffic in Narcotic Drugs and Psychotropic "
        "Substances",
        r"United Nations Convention against Illicit Traffic in Narcotic Drugs and Psychotropic"
        r" Substances",
    ),
    (
        "United Nations Convention against Corruption",
        r"United Nations Convention against Corruption",
    ),
    ("Single Convention on Narcotic Drugs", r"Single Convention on Narcotic Drugs"),
    ("Convention on Psychotropic Substances", r"Convention on Psychotropic Substances"),
    (
        "United Nations Convention on the Law of the Sea",
        r"United Nations Convention on the Law of the Sea",
    ),
    ("Convention on the Rights of the Child", r"Convention on the Rights of the Child"),
    (
        "Convention on the Elimination of All Forms of Discrimination against Women",
        r"Convention on the Elimination of All Forms of Discrimination against Women",
    ),
    (
        "Convention on the Prevention and Punishment of the Crime of Genocide",
        r"Convention on the Prevention and Punishment of the Crime of Genocide",
    ),
    (
        "Convention relating to the Status of Refugees",
        r"Convention relating to the Status of Refugees",
    ),
    (
        "International Convention for the Suppression of the Financing of Terrorism",
        r"International Convention for the Suppression of the Financing of Terrorism",
    ),
    (
        "International Convention for the Suppression of Terrorist Bombings",
        r"International Convention for the Suppression of Terrorist Bombings",
    ),
    ("Geneva Conventions", r"Geneva Conventions"),
]
KNOWN_CONVENTION_RES = [
    (
        name,
        name.split()[-1].lower(),  # a word the text must hold before the pattern is tried
        re.compile(r"\b" + pattern.replace(" ", r"\s+") + r"\b", re.IGNORECASE),
    )
    for name, pattern in KNOWN_CONVENTIONS
]
_CAP = r"[A-Z][\w'’-]*"
_LINK = r"(?:of|the|and|in|on|against|for|to|all|their|with)"
GENERIC_CONVENTION_RE = re.compile(
    rf"\b(?:(?:United\s+Nations|International|Single|Inter-American|African|European)\s+)?"
    rf"Convention\s+(?:on|against|for|relating\s+to|concerning)\s+(?:the\s+)?{_CAP}"
    rf"(?:\s+(?:{_LINK}\s+)*{_CAP})*"
)


@dataclass(frozen=True)
class Citation:
    """One document cited, identified by (kind, key)."""

    kind: str
    key: str
    """resolution: its number ("2482"); prst and document: the symbol; convention: its name."""
    label: str
    """How to name it: "resolution 2482 (2019)", "S/PRST/2012/16", the convention's name."""
    year: int | None = None


@dataclass(frozen=True)
class Found:
    """A citation and where it sits in the text that was searched."""

    start: int
    end: int
    citation: Citation


def clean(text: str) -> str:
    """Text with markdown links, backslash escapes and *emphasis* marks undone."""
    text = unmarkdown_inline(text).replace("*", "").replace("\u00a0", " ")
    return text


def convention_key(name: str) -> str:
    """A convention's grouping key: its words folded and single-spaced."""
    return " ".join(fold(name).split())


def _resolutions(text: str) -> list[Found]:
    found = []
    for m in RESOLUTION_LIST_RE.finditer(text):
        if OTHER_BODY_RE.search(text[max(0, m.start() - 40) : m.start()]):
            continue
        for item in RESOLUTION_ITEM_RE.finditer(text, m.start(), m.end()):
            number, year = int(item.group(1)), int(item.group(2))
            label = f"resolution {number} ({year})"
            found.append(
                Found(item.start(), item.end(), Citation(RESOLUTION, str(number), label, year))
            )
    return found


def _symbols(text: str) -> list[Found]:
    found = []
    for m in SYMBOL_RE.finditer(text):
        symbol = m.group(0).rstrip(".")
        if symbol.startswith("S/RES/"):
            continue  # counted as a resolution
        if prst := PRST_RE.fullmatch(symbol):
            citation = Citation(PRST, symbol, symbol, int(prst.group(1)))
        else:
            citation = Citation(DOCUMENT, symbol, symbol)
        found.append(Found(m.start(), m.start() + len(symbol), citation))
    return found


def _conventions(text: str) -> list[Found]:
    found: list[Found] = []
    taken: list[tuple[int, int]] = []
    lower = text.lower()
    for name, needle, pattern in KNOWN_CONVENTION_RES:
        if needle not in lower:
            continue
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append(
                Found(m.start(), m.end(), Citation(CONVENTION, convention_key(name), name))
            )
    for m in GENERIC_CONVENTION_RE.finditer(text):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        name = " ".join(m.group(0).split())
        found.append(Found(m.start(), m.end(), Citation(CONVENTION, convention_key(name), name)))
    return found


def find_citations(text: str) -> list[Found]:
    """Every citation in `text` (searched as given, no cleaning) with its position, in order."""
    # Each finder runs only where its key word occurs: most paragraphs cite nothing, and the
    # regular expressions cost far more than these substring tests.
    lower = text.lower()
    found: list[Found] = []
    if "resolution" in lower or "s/res/" in lower:
        found += _resolutions(text)
    if "/" in text:
        found += _symbols(text)
    if "convention" in lower:
        found += _conventions(text)
    return sorted(found, key=lambda f: (f.start, -f.end))


def extract_citations(text: str) -> list[Citation]:
    """The documents a paragraph cites, each once, in order of first mention."""
    seen: dict[tuple[str, str], Citation] = {}
    for f in find_citations(clean(text)):
        seen.setdefault((f.citation.kind, f.citation.key), f.citation)
    return list(seen.values())
