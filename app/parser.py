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

from app.furniture import is_furniture, is_trailer, strip_glued_furniture
from app.textutil import (
    CLOSE_QUOTES,
    OPEN_QUOTES,
    parse_date,
    strip_emphasis,
    unmarkdown_inline,
)

# S/PRST/2010/12 (a reissue prints S/PRST/2010/12*), older statements S/20554, and
# corrigenda S/PRST/2000/27/Corr.1.
SYMBOL_RE = re.compile(
    r"(?<![\w/])(S/PRST/\d{4}/\d+|S/\d{4,6})(?:/(Corr\.\s?\d+))?(?![\w/])\*?", re.IGNORECASE
)
TRAILER_SYMBOL_RE = re.compile(r"^Document symbol:\s*(\S+)", re.IGNORECASE | re.MULTILINE)
FOOTNOTE_RE = re.compile(r"^([*†‡§]|\d{1,2}\))\s+\S")
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
PAGE_BREAK = "\f"
# A lettered or numbered item of a paragraph's list: (a) ... (l), (i) ... (x), with or
# without its own opening quotation mark.
ITEM_RE = re.compile(r"^[\"“]?\(([a-z]{1,2}|[ivx]{1,5})\)\s+\S")
INLINE_ITEM_RE = re.compile(r"(;\s+(?:and|or))\s+(?=\((?:[a-z]{1,2}|[ivx]{1,5})\)\s)")
ANNEX_RE = re.compile(r"^(?:Annex|ANNEX)(?:\s+[IVX\d]+)?$")
DATE_LINE_RE = re.compile(r"\d{1,2}\s+[A-Za-z]+\s+\d{4}")


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
class ParsedCorrigendum:
    """A corrigendum (S/PRST/2000/27/Corr.1): not a statement, but a note on the one it
    corrects, which it may withdraw."""

    symbol: str
    corrects: str
    date: dt.date | None
    text: str


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
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
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


def _join(lines: list[str]) -> str:
    """Lines joined with single spaces; a line break is kept only where an item starts."""
    pieces = " ".join(lines).split("\n")
    return "\n".join(" ".join(piece.split()) for piece in pieces).strip()


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


def _starts_paragraph(text: str, previous: str | None, width: int) -> bool:
    """A line opening with a quotation mark starts a paragraph unless it continues a sentence:
    the line before ends a sentence, or is visibly short (a paragraph whose full stop is
    missing). A single quotation mark after a colon opens a quoted passage of its own."""
    if not text:
        return False
    if text[0] == "‘":
        return previous is not None and previous.endswith(":")
    if text[0] not in OPEN_QUOTES:
        return False
    if previous is None:
        return True
    if previous[-1] in ".:;!?" + CLOSE_QUOTES + "’)":
        return True
    return text[1:2].isupper() and len(previous) < 0.8 * width


def remove_furniture(body: list[Line]) -> list[Line]:
    """The body without page furniture and without a web page's trailing metadata block.

    A dropped line leaves a blank, so a paragraph broken across pages joins up again."""
    out: list[Line] = []
    for line in body:
        if is_trailer(line.text) or ANNEX_RE.match(line.text):
            break
        if line.text != PAGE_BREAK and is_furniture(line.text):
            out.append(Line(line.number, ""))
            continue
        out.append(Line(line.number, strip_glued_furniture(line.text)))
    return out


def _opens_paragraph_unquoted(text: str, previous: str | None, width: int) -> bool:
    """In statements printed without quotation marks, a paragraph starts after a line that ends
    a sentence and is visibly short (justified text fills the line), or with the Council as
    subject."""
    if previous is None:
        return True
    if previous[-1] not in ".:;" or not text[:1].isupper():
        return False
    return len(previous) < 0.8 * width or text.startswith(("The Security Council", "The Council"))


def split_paragraphs(body: list[Line]) -> tuple[list[str], list[str]]:
    """The statement's paragraphs, each with its lines joined and its opening quote removed,
    and its footnotes (lines opening with *, †... placed among the paragraphs)."""
    body = remove_furniture(body)
    content = [line for line in body if line.text and line.text != PAGE_BREAK]
    if not content:
        return [], []
    # Statements in the quoted style open their first paragraph with a quotation mark; a
    # wrapped line that happens to start with a quoted title does not make a file quoted.
    quoted = content[0].text[0] in OPEN_QUOTES
    width = max(len(line.text) for line in content)
    groups: list[list[str]] = []
    footnotes: list[list[str]] = []
    in_footnote = False
    previous: str | None = None
    blank_before = True
    for line in body:
        text = line.text
        if text in ("", PAGE_BREAK):
            blank_before = True
            in_footnote = False
            continue
        if FOOTNOTE_RE.match(text) and previous is not None:
            footnotes.append([text])
            in_footnote = True
            continue
        if in_footnote and not (quoted and _starts_paragraph(text, previous, width)):
            footnotes[-1].append(text)
            continue
        in_footnote = False
        if groups and previous is not None and previous[-1] in ":;." and ITEM_RE.match(text):
            # Lettered items belong to their paragraph (permalinks p5-a, p5-b...).
            groups[-1].append("\n" + text.lstrip(OPEN_QUOTES))
            previous = text
            blank_before = False
            continue
        if quoted:
            new = _starts_paragraph(text, previous, width) or not groups
        elif blank_before and previous is not None and previous[-1] in ".:;":
            new = True
        else:
            new = not groups or _opens_paragraph_unquoted(text, previous, width)
        if new:
            groups.append([text])
        else:
            groups[-1].append(text)
        previous = text
        blank_before = False
    paragraphs = []
    for group in groups:
        text = _join(group)
        if "\n(" in text:
            # "...; and (d) accelerating": the last item often starts mid-line.
            text = INLINE_ITEM_RE.sub(r"\1\n", text)
        if quoted and text[:1] in OPEN_QUOTES:
            text = text[1:].lstrip()
        paragraphs.append(text)
    if quoted and paragraphs and paragraphs[-1][-1:] in CLOSE_QUOTES:
        paragraphs[-1] = paragraphs[-1][:-1].rstrip()
    notes = [_join(note).rstrip('”"').rstrip() for note in footnotes]
    return [p for p in paragraphs if p], notes


def _annex(body: list[Line]) -> str | None:
    """An annex printed after the statement (not the Council's statement itself), as text."""
    for i, line in enumerate(body):
        if ANNEX_RE.match(line.text):
            rest = [x.text for x in body[i:] if x.text and x.text != PAGE_BREAK]
            kept = [t for t in rest if not is_furniture(t) and not is_trailer(t)]
            return _join(kept) if len(kept) > 1 else None
    return None


def parse_statement(text: str, lines: list[Line] | None = None) -> ParsedStatement:
    """Parse a statement's text (`lines`: its `clean_lines`, when the caller has them);
    raises ParseError with a reason a person can act on."""
    lines = lines if lines is not None else clean_lines(text)
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

    paragraphs, footnotes = split_paragraphs(lines[body_start:])
    annex = _annex(lines[body_start:])
    if annex:
        footnotes.append(annex)
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
        footnotes="\n".join(footnotes) or None,
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
            header.symbol, header.corrects, header.distribution_date, _join(body)
        )
    return parse_statement(text, lines)
