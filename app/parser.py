"""Turn one statement file's text into a `ParsedStatement`.

The parser knows nothing of storage or HTTP. It works in three passes:

1. `clean_lines`: undo markdown (headings, rules, escapes, links), drop trailing
   spaces and mark page breaks;
2. the header (symbol, distribution date, original language, title) and the
   introductory sentence ("At the 9497th meeting ... on behalf of the Council:");
3. the body, split into the statement's own paragraphs: in quoted statements a
   paragraph opens with an opening quotation mark, and everything up to the next
   one belongs to it, so blank lines left by a page break inside a sentence are
   joined rather than starting a new paragraph.

Nothing is corrected: the words are archived as they stand.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from app.textutil import (
    CLOSE_QUOTES,
    OPEN_QUOTES,
    parse_date,
    strip_emphasis,
    unmarkdown_inline,
)

SYMBOL_RE = re.compile(r"\bS/PRST/(\d{4})/(\d+)\b")
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
    r"\bAt (?:the|its) (\d+)\s*(?:st|nd|rd|th)? meeting\b[^,]*,\s*held on ([^,]+\d{4})",
    re.IGNORECASE,
)
AGENDA_RE = re.compile(
    r"\bitem\s+(?:entitled\s+)?[\"“](?P<item>.+?)[\"”](?=\s*(?:[,;:]|and\b|$))",
    re.IGNORECASE | re.DOTALL,
)
ORIGINAL_RE = re.compile(r"\bOriginal:\s*([A-Za-z]+)", re.IGNORECASE)
DISTR_RE = re.compile(r"^Distr\.?:?\s*(?:General|GENERAL|Limited|LIMITED)?\s*$", re.IGNORECASE)
PAGE_BREAK = "\f"


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
class Line:
    number: int
    """1-based line number in the source file, for error messages."""
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
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out: list[Line] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        while raw.startswith(PAGE_BREAK):
            out.append(Line(number, PAGE_BREAK))
            raw = raw[1:]
        line = raw.replace(PAGE_BREAK, " ").replace("\u00a0", " ").rstrip()
        if RULE_RE.match(line):
            out.append(Line(number, ""))
            continue
        line = HEADING_RE.sub("", line)
        out.append(Line(number, unmarkdown_inline(line).strip()))
    return out


def _join(lines: list[str]) -> str:
    return re.sub(r"\s+", " ", " ".join(lines)).strip()


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


def _header(lines: list[Line]) -> Header:
    symbol = None
    distribution_date = None
    original_language = None
    title = None
    for i, line in enumerate(lines):
        text = line.text
        if symbol is None and (m := SYMBOL_RE.search(text)):
            symbol = f"S/PRST/{m.group(1)}/{m.group(2)}"
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
    return Header(symbol, distribution_date, original_language, title)


def _starts_paragraph(text: str, previous: str | None) -> bool:
    """A line opening with a quotation mark starts a paragraph unless it continues a sentence."""
    if not text or text[0] not in OPEN_QUOTES:
        return False
    if previous is None:
        return True
    return previous[-1] in ".:;!?" + CLOSE_QUOTES + "’)"


def split_paragraphs(body: list[Line]) -> list[str]:
    """The statement's paragraphs, each with its lines joined and its opening quote removed."""
    content = [line for line in body if line.text and line.text != PAGE_BREAK]
    if not content:
        return []
    quoted = any(line.text[0] in OPEN_QUOTES for line in content)
    groups: list[list[str]] = []
    previous: str | None = None
    blank_before = True
    for line in body:
        text = line.text
        if text in ("", PAGE_BREAK):
            blank_before = True
            continue
        if quoted:
            new = _starts_paragraph(text, previous) or not groups
        else:
            new = not groups or (blank_before and previous is not None and previous[-1] in ".:;")
        if new:
            groups.append([text])
        else:
            groups[-1].append(text)
        previous = text
        blank_before = False
    paragraphs = []
    for group in groups:
        text = _join(group)
        if quoted and text[:1] in OPEN_QUOTES:
            text = text[1:].lstrip()
        paragraphs.append(text)
    if quoted and paragraphs and paragraphs[-1][-1:] in CLOSE_QUOTES:
        paragraphs[-1] = paragraphs[-1][:-1].rstrip()
    return [p for p in paragraphs if p]


def parse_statement(text: str) -> ParsedStatement:
    """Parse a statement's text; raises ParseError with a reason a person can act on."""
    lines = clean_lines(text)
    found = _find_intro(lines)
    if found is None:
        raise ParseError(
            "no introductory sentence found (expected a line such as 'At the 9497th meeting of "
            "the Security Council, held on ...' ending with ':')"
        )
    intro_start, body_start = found
    header = _header(lines[:intro_start])
    intro = _join([line.text for line in lines[intro_start:body_start]])

    meeting_number = meeting_date = None
    if m := MEETING_RE.search(intro):
        meeting_number = int(m.group(1))
        meeting_date = parse_date(m.group(2))
    agenda = AGENDA_RE.search(intro)
    agenda_item = _join([agenda.group("item")]) if agenda else None

    paragraphs = split_paragraphs(lines[body_start:])
    if not paragraphs:
        raise ParseError(
            "the statement has no paragraphs after its introductory sentence",
            lines[body_start - 1].number,
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
        paragraphs=[
            ParsedParagraph(number=n, text=p, plain=strip_emphasis(p))
            for n, p in enumerate(paragraphs, start=1)
        ],
    )
    if statement.date is None:
        raise ParseError("no date found: neither a meeting date nor a date of issue")
    return statement
