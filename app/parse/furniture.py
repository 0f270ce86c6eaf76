"""Page furniture: the running headers and footers that PDF text and web pages put around a
statement. None of it is the Council's text, wherever it falls (mid-sentence included), so
these lines are dropped before paragraphs are assembled; the sentence on either side of a
page break then joins up by itself.

Each rule describes a kind of line, never a particular file.
"""

from __future__ import annotations

import re

FURNITURE_PATTERNS = (
    # job number: 12-31999 (E) 250412; a reissued document's has an asterisk: 10-60352* (E);
    # a document printed twice carries two date codes: 12-31999 (E) 250412 270412
    r"^-*\d{2}-\d{4,6}\*?\s*(?:\([A-Z]\))?(?:\s+\d{6}){0,2}\s*$",
    r"^\d{6}(?:\s+\d{6})?$",  # date codes printed under the job number: 070194
    r"^\*\s?\d{6,8}\s?\*$",  # barcode: *1231999*
    r"^\*$",  # the asterisks of a barcode printed one character to a line
    r"^\d{1,3}$",  # page number: 2
    r"^Page\s+\d+$",  # 'Page 2' of the 1990s running header
    r"^(?:English|ENGLISH)$",  # language line of the running header
    r"^/\s?\.\.\.$",  # continuation mark: /...
    r"^[-_`]{3,}$|^[-—–]{2,}$",  # end marks and rules: -----, —–
    r"^S/PRST/\d{4}/\d+\*?$",  # the symbol repeated at the top of each page
    r"^S/\d{4,6}\*?$",  # the same for older S/nnnnn symbols
)
# One alternation, so a line is classified in a single pass of the regex engine.
FURNITURE_RE = re.compile("|".join(f"(?:{p})" for p in FURNITURE_PATTERNS))
LONGEST_FURNITURE = 40
"""Furniture lines are short (rules and end marks aside): longer lines are text."""
END_MARK_CHARS = "-_`—–"
# Furniture that pdftotext glued to the end of a line of text: a page number after the last
# word of a page ("...action.2/3") or a job number, after a space or not ("...with troop
# 15-23130 (E)", "...encourages troop01-23427 (E) 310101", "...Council.’” 10-43220* (E)").
GLUED_RES = [
    re.compile(r"(?<=[.;:,”\"’)])\s*[1-9]/[1-9]$"),
    re.compile(r"(?<=\S)\s*(?<!\d)\d{2}-\d{5}\*?\s*\([A-Z]\)(?:\s+\d{6}){0,2}$"),
]
# Web pages (UNISPAL) end with a metadata block that is not part of the statement.
TRAILER_RE = re.compile(r"^(?:Document symbol|Document Type|Publication Date):", re.IGNORECASE)


PAGE_OF_RE = re.compile(r"^(\d{1,2})\s*/\s*(\d{1,2})$")


def _page_of(text: str) -> bool:
    """'2/4': page 2 of 4 (a document has a few dozen pages at most; '49/75' is a resolution)."""
    m = PAGE_OF_RE.match(text)
    return m is not None and 1 <= int(m.group(1)) <= int(m.group(2)) <= 40


def is_furniture(line: str) -> bool:
    text = line.strip()
    if len(text) > LONGEST_FURNITURE:
        return not text.strip(END_MARK_CHARS)  # a long rule or end mark
    return _page_of(text) or FURNITURE_RE.match(text) is not None


def strip_glued_furniture(line: str) -> str:
    # Both rules end in a digit or ")": most lines cannot hold glued furniture at all.
    if not line or not (line[-1].isdigit() or line[-1] == ")"):
        return line
    for rule in GLUED_RES:
        line = rule.sub("", line)
    return line


def is_trailer(line: str) -> bool:
    return bool(TRAILER_RE.match(line.strip()))


OFFICIAL_MARK_RE = re.compile(r"^-*\d{2}-\d{5}\s*\([A-Z]\)", re.MULTILINE)


def looks_official(text: str) -> bool:
    """Whether a file is text extracted from the official printed document (page breaks, a
    job number), as opposed to a web page or a retyped copy."""
    return "\f" in text or bool(OFFICIAL_MARK_RE.search(text))
