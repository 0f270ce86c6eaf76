"""Turn one statement file's text into a `ParsedStatement`.

The parser knows nothing of storage or HTTP. It works in three passes:

1. `clean_lines`: undo markdown (headings, rules, escapes, links), drop trailing
   spaces and mark page breaks;
2. the header (symbol, distribution date, original language, title) and the
   introductory sentence ("At the 9497th meeting ... on behalf of the Council:");
3. the body, split into the statement's own paragraphs (`app/paragraphs.py`): in
   quoted statements a paragraph opens with an opening quotation mark, and everything
   up to the next one belongs to it, so blank lines left by a page break inside a
   sentence are joined rather than starting a new paragraph.

Nothing is corrected: the words are archived as they stand. The exception is damage done by
PDF extraction: a hyphen pdftotext dropped where it glued two lines together is put back when
the statement itself vouches for it, or marked for the ingest to decide (`app.parse.seams`),
and words split apart are joined at ingest (`app.parse.repair`). A paragraph keeps its printed
form beside the repaired one, and the source file stays as it was.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from app.parse.paragraphs import (
    PAGE_BREAK,
    Line,
    annex,
    join_lines,
    remove_furniture,
    split_paragraphs,
)
from app.parse.repair import MARKS, SEAM_HYPHEN, strip_marks
from app.parse.text import parse_date, strip_emphasis, unmarkdown_inline

# S/PRST/2010/12 (a reissue prints S/PRST/2010/12*), older statements S/20554, and
# corrigenda S/PRST/2000/27/Corr.1.
SYMBOL_RE = re.compile(
    r"(?<![\w/])(S/PRST/\d{4}/\d+|S/\d{4,6})(?:/(Corr\.\s?\d+))?(?![\w/])\*?", re.IGNORECASE
)
TRAILER_SYMBOL_RE = re.compile(r"^Document symbol:\s*(\S+)", re.IGNORECASE | re.MULTILINE)
RULE_RE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,}|`{3,})\s*$")
HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s+")
TITLE_RE = re.compile(
    r"^(statement by the president of the security council"
    r"|note by the president of the security council)\b",
    re.IGNORECASE,
)
INTRO_START_RE = re.compile(
    r"^(?:At (?:the|its) \d+\s*(?:st|nd|rd|th)\b"
    r"|On \d{1,2} \w+ \d{4}\b"
    r"|(?:After|Following) (?:the )?consultations\b)",
    re.IGNORECASE,
)
MEETING_RE = re.compile(
    r"\bAt (?:the|its) (\d+)\s*(?:st|nd|rd|th)?(?:\s*\([^)]*\))? meeting\b[^,:]*?,?\s*"
    r"(?:held\s+)?on\s+"
    r"(\d{1,2}\s+\w+\s+\d{4})",
    re.IGNORECASE,
)
AGENDA_RE = re.compile(
    r"\b(?:item|topic)\s+(?:entitled\s+)?[\"“](?P<item>.+?)\s*[\"”]", re.IGNORECASE | re.DOTALL
)
ORIGINAL_RE = re.compile(r"\bOriginal:\s*([A-Za-z]+)", re.IGNORECASE)
DISTR_RE = re.compile(r"^Distr\.?:?\s*(?:General|GENERAL|Limited|LIMITED)?\s*$", re.IGNORECASE)
DATE_LINE_RE = re.compile(r"\d{1,2}\s+[A-Za-z]+\s+\d{4}")


MAX_PARAGRAPHS = 10_000
"""Paragraphs one statement may have: what the ingest accepts and what paragraph URLs reach."""


class ParseError(ValueError):
    """A statement file that cannot be archived, with the reason and, where known, the line."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        self.reason = reason
        self.line = line
        super().__init__(f"line {line}: {reason}" if line else reason)


@dataclass
class ParsedParagraph:
    number: int
    text: str
    """As archived, with *emphasis* marks."""
    plain: str
    """The same words without markup."""
    printed: str | None = None
    """The text as extracted, when it differs from `text` (a repair); None when it does not."""


@dataclass
class ParsedStatement:
    symbol: str | None
    title: str
    meeting_number: int | None
    meeting_date: dt.date | None
    agenda_item: str | None
    distribution_date: dt.date | None
    original_language: str | None
    intro: str | None
    paragraphs: list[ParsedParagraph] = field(default_factory=list)
    footnotes: str | None = None

    @property
    def date(self) -> dt.date | None:
        """The statement's date: its meeting's, else the one its intro names, else issue date."""
        if self.meeting_date:
            return self.meeting_date
        intro_date = parse_date(self.intro or "")
        return intro_date or self.distribution_date


@dataclass
class ParsedCorrigendum:
    """A corrigendum (S/PRST/2000/27/Corr.1): not a statement, but a note on the one it
    corrects, which it may withdraw."""

    symbol: str
    corrects: str
    date: dt.date | None
    text: str


def decode(raw: bytes) -> str:
    """Decode a statement file's bytes: UTF-8 (with or without BOM) and no NUL bytes."""
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        raise ParseError(f"the file holds a NUL byte at offset {offset}; not text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})"
        ) from exc
    return text


def clean_lines(text: str) -> list[Line]:
    """Undo markdown, normalise line ends and spaces, and mark page breaks with PAGE_BREAK."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    if any(mark in text for mark in MARKS):  # private-use characters parsing uses as marks
        text = strip_marks(text)
    out: list[Line] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        if PAGE_BREAK in raw:
            while raw.startswith(PAGE_BREAK):
                out.append(Line(number, PAGE_BREAK))
                raw = raw[1:]
            raw = raw.replace(PAGE_BREAK, " ")
        line = raw.rstrip()
        # Only a line opening with one of these characters can be a rule or a heading.
        first = line.lstrip()[:1]
        if first in ("-", "*", "_", "`") and RULE_RE.match(line):
            out.append(Line(number, ""))
            continue
        if first == "#":
            line = HEADING_RE.sub("", line)
        out.append(Line(number, unmarkdown_inline(line).strip()))
    return out


def _find_intro(lines: list[Line]) -> tuple[int, int] | None:
    """Index of the intro's first line and of the line just after it (after its colon)."""
    for i, line in enumerate(lines):
        if not INTRO_START_RE.match(line.text):
            continue
        for j in range(i, min(i + 15, len(lines))):
            if lines[j].text.endswith(":"):
                return i, j + 1
    for j, line in enumerate(lines):
        if re.search(r"on behalf of the (?:Security )?Council:$", line.text):
            start = j
            while start > 0 and lines[start - 1].text not in ("", PAGE_BREAK):
                start -= 1
            return start, j + 1
    return None


@dataclass
class Header:
    symbol: str | None = None
    distribution_date: dt.date | None = None
    original_language: str | None = None
    title: str | None = None
    corrects: str | None = None


def _header(lines: list[Line]) -> Header:
    symbol = corrects = None
    distribution_date = None
    original_language = None
    title = None
    for i, line in enumerate(lines):
        text = line.text
        if symbol is None and (m := SYMBOL_RE.fullmatch(text.strip())):
            symbol = m.group(1).upper()
            if m.group(2):
                corrects = symbol
                symbol = f"{symbol}/{m.group(2).replace(' ', '')}"
        if distribution_date is None and (DISTR_RE.match(text) or text.lower().startswith("distr")):
            for follow in lines[i : i + 4]:
                if d := parse_date(follow.text):
                    distribution_date = d
                    break
        if original_language is None and (m := ORIGINAL_RE.search(text)):
            original_language = m.group(1).capitalize()
        elif original_language is None and re.fullmatch(r"ORIGINAL:?", text, re.IGNORECASE):
            following = [x.text for x in lines[i + 1 : i + 3] if x.text]
            if following:
                original_language = following[0].capitalize()
        if title is None and TITLE_RE.match(text):
            title = text
    return Header(symbol, distribution_date, original_language, title, corrects)


# Spaces that line breaks and kerning put inside an agenda item's words and symbols:
# "Non -proliferation/ Democratic", "( S/2010/507)".
AGENDA_SPACING_RE = re.compile(r"(?<=\w) (?=-\w)|(?<=\w[/-]) (?=\w)|(?<=\() | (?=\))")


def _tidy_agenda(item: str) -> str:
    """The agenda item as a name to group statements by: extraction's stray spaces removed, so
    the same item from two files is one item. (The introductory sentence keeps them.)"""
    return AGENDA_SPACING_RE.sub("", item)


def _paragraph(number: int, marked: str) -> ParsedParagraph:
    """A paragraph from its text with the seams marked: the hyphens the statement vouched for
    put back; the other seams stay marked for the ingest to decide (`app.parse.repair`)."""
    text = marked.replace(SEAM_HYPHEN, "-")
    printed = strip_marks(marked)
    return ParsedParagraph(number, text, strip_emphasis(text), printed if printed != text else None)


def parse_statement(text: str, lines: list[Line] | None = None) -> ParsedStatement:
    """Parse a statement's text (`lines`: its `clean_lines`, when the caller has them);
    raises ParseError with a reason a person can act on."""
    lines = lines if lines is not None else clean_lines(text)
    found = _find_intro(lines)
    if found is None:
        if all(line.text in ("", PAGE_BREAK) for line in lines):
            raise ParseError(
                "the file is empty" + (" (only blank lines and spaces)" if text else "")
            )
        raise ParseError(
            "no introductory sentence found (expected a line such as 'At the 9497th meeting of "
            "the Security Council, held on ...' ending with ':')"
        )
    intro_start, body_start = found
    header = _header(lines[:intro_start])
    intro = join_lines([line.text for line in lines[intro_start:body_start]])

    meeting_number = meeting_date = None
    if m := MEETING_RE.search(intro):
        meeting_number = int(m.group(1))
        meeting_date = parse_date(m.group(2))
    agenda = AGENDA_RE.search(intro)
    agenda_item = _tidy_agenda(join_lines([agenda.group("item")])) if agenda else None

    paragraphs, footnotes = split_paragraphs(lines[body_start:])
    if appended := annex(lines[body_start:]):
        footnotes.append(appended)
    if not paragraphs:
        raise ParseError(
            "the statement has no paragraphs after its introductory sentence",
            lines[body_start - 1].number,
        )
    if len(paragraphs) > MAX_PARAGRAPHS:
        raise ParseError(
            f"the text makes {len(paragraphs):,} paragraphs; a statement has at most "
            f"{MAX_PARAGRAPHS:,} (the longest known has fewer than a hundred)"
        )
    statement = ParsedStatement(
        symbol=header.symbol,
        title=header.title or "Statement by the President of the Security Council",
        meeting_number=meeting_number,
        meeting_date=meeting_date,
        agenda_item=agenda_item,
        distribution_date=header.distribution_date,
        original_language=header.original_language,
        intro=intro,
        paragraphs=[_paragraph(n, p) for n, p in enumerate(paragraphs, start=1)],
        footnotes=strip_marks("\n".join(footnotes).replace(SEAM_HYPHEN, "-")) or None,
    )
    if statement.symbol is None and (m := TRAILER_SYMBOL_RE.search(text)):
        statement.symbol = m.group(1).rstrip("*")
    if statement.date is None:
        raise ParseError("no date found: neither a meeting date nor a date of issue")
    return statement


def parse_document(text: str) -> ParsedStatement | ParsedCorrigendum:
    """A statement, or the corrigendum of one; raises ParseError for anything else."""
    lines = clean_lines(text)
    found = _find_intro(lines)
    header = _header(lines[: found[0]] if found else lines[:40])
    if header.corrects and header.symbol:
        body = [
            line.text
            for line in remove_furniture(lines)
            if line.text
            and line.text != PAGE_BREAK
            and not SYMBOL_RE.fullmatch(line.text)
            and not TITLE_RE.match(line.text)
            and not DISTR_RE.match(line.text)
            and not ORIGINAL_RE.search(line.text)
            and line.text.lower() not in ("united nations", "security council", "corrigendum")
            and not DATE_LINE_RE.fullmatch(line.text)
        ]
        if not body:
            raise ParseError(f"corrigendum {header.symbol} has no text")
        return ParsedCorrigendum(
            header.symbol, header.corrects, header.distribution_date, join_lines(body)
        )
    return parse_statement(text, lines)
