"""A statement's body split into the statement's own paragraphs: the numbering that README
'Identity' describes and permalinks (`#p5`, `#p5-a`) rely on.

Quoted statements open each paragraph with a quotation mark; statements printed without
quotation marks end a paragraph at a visibly short line. Lettered items and dash bullets are
items of their paragraph; a statement that numbers its paragraphs ("1.", "2.", ...) keeps its
own numbers; footnotes and an annex are notes, not paragraphs; page furniture is dropped.
Every rule describes a kind of line, never a particular file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from app.parse.furniture import is_furniture, is_trailer, strip_glued_furniture
from app.parse.seams import GLUED, mark_line_end_seams
from app.parse.text import CLOSE_QUOTES, OPEN_QUOTES

PAGE_BREAK = "\f"
"""A page's edge (a form feed, or furniture that was dropped): never a paragraph break."""
FOOTNOTE_RE = re.compile(r"^([*†‡§]|\d{1,2}\))\s+\S")
FOOTNOTE_MARKS = ("*", "†", "‡")
"""A footnote's mark, when printed alone on its line."""
# A lettered or numbered item of a paragraph's list: (a) ... (l), (i) ... (x), with or
# without its own opening quotation mark.
ITEM_RE = re.compile(r"^[\"“]?\(([a-z]{1,2}|[ivx]{1,5})\)\s+\S")
INLINE_ITEM_RE = re.compile(r"(;\s+(?:and|or))\s+(?=\((?:[a-z]{1,2}|[ivx]{1,5})\)\s)")
# A dash bullet: "– undertakes to ...;" (en dash, em dash, hyphen or bullet, then a space).
DASH_ITEM_RE = re.compile(r"^[\"“]?[–—•-]\s+\S")
ITEM_STARTS = '"“(–—•-'
"""The characters an item's line can open with: most lines cannot be items at all."""
# A point the statement numbers itself: "1. Operational demining should be ..."
NUMBERED_RE = re.compile(r"^[\"“]?(\d{1,2})\.\s+\S")
ANNEX_RE = re.compile(r"^(?:Annex|ANNEX)(?:\s+[IVX\d]+)?$")
# A sentence with the Council as its subject opens most of a statement's paragraphs.
COUNCIL_SUBJECTS = ("The Security Council", "The Council", "The members of the Security Council")
SENTENCE_END = ".:;!?" + CLOSE_QUOTES + "’)"
SHORT = 0.8
"""A line shorter than this share of a full line is visibly short: a paragraph's last."""
PAGE_WIDTH = 100
"""Text with full lines longer than this was not wrapped to a printed page's width."""


@dataclass
class Line:
    number: int
    """1-based line number in the source file, for error messages."""
    text: str


def join_lines(lines: list[str]) -> str:
    """Lines joined with single spaces; a line break is kept only where an item starts."""
    pieces = " ".join(lines).split("\n")
    return "\n".join(" ".join(piece.split()) for piece in pieces).strip()


def remove_furniture(body: list[Line]) -> list[Line]:
    """The body without page furniture and without a web page's trailing metadata block or
    an annex. A dropped line leaves a PAGE_BREAK, so a paragraph broken across pages joins
    up again."""
    out: list[Line] = []
    mark: tuple[int, str] | None = None  # a footnote's mark alone on its line: where, which
    for line in body:
        if is_trailer(line.text) or ANNEX_RE.match(line.text):
            break
        if mark is not None and line.text:
            at, sign = mark
            mark = None
            if line.text[0].isupper() and not is_furniture(line.text):
                # "*", then "Reissued for technical reasons."
                out[at] = Line(out[at].number, f"{sign} {line.text}")
                continue
        if line.text in FOOTNOTE_MARKS:
            # The 1990s layout prints a footnote's mark on a line of its own; a barcode's
            # stars stand beside its digits, a footnote's before a sentence.
            mark = (len(out), line.text)
            out.append(Line(line.number, PAGE_BREAK))
            continue
        if line.text != PAGE_BREAK and is_furniture(line.text):
            out.append(Line(line.number, PAGE_BREAK))
            continue
        out.append(Line(line.number, strip_glued_furniture(line.text)))
    return out


def _line_width(lengths: list[int]) -> int:
    """The width of a full line of the statement's text (`lengths`: its lines' lengths,
    sorted): the length that one line in ten reaches. Not the longest line: pdftotext glues
    the two halves of a hyphenated word across a line end, so a few lines run far beyond the
    page's width."""
    return lengths[(len(lengths) - 1) * 9 // 10]


def _texts(lines: list[Line]) -> list[str]:
    return [line.text for line in lines]


def _starts_paragraph(text: str, previous: str | None, width: int) -> bool:
    """A line opening with a quotation mark starts a paragraph unless it continues a sentence
    (a quoted title wrapped onto a new line): it starts one when the line before ends a
    sentence, or is visibly short (a paragraph whose full stop is missing), or when the
    Council is its subject (paragraphs that end with a comma). A single quotation mark
    after a colon opens a quoted passage of its own."""
    if not text:
        return False
    if text[0] == "‘":
        return previous is not None and previous.endswith(":")
    if text[0] not in OPEN_QUOTES:
        return False
    if previous is None or previous[-1] in SENTENCE_END:
        return True
    if not text[1:2].isupper():
        return False
    return len(previous) < SHORT * width or text.startswith(COUNCIL_SUBJECTS, 1)


def _opens_paragraph_unquoted(text: str, previous: str | None, width: int) -> bool:
    """In statements printed without quotation marks, a paragraph starts after a line that ends
    a sentence and is visibly short (justified text fills the line), or with the Council as
    subject, or with the statement's own number ("2. The Council ..."). A sentence that goes
    on with "It ..." after a full line continues the paragraph."""
    if previous is None:
        return True
    if previous[-1] not in ".:;":
        return False
    if NUMBERED_RE.match(text):
        return True
    if not text[:1].isupper():
        return False
    return len(previous) < SHORT * width or text.startswith(COUNCIL_SUBJECTS)


def _restore_hyphens(body: list[Line], width: int) -> list[Line]:
    """Printed pages (page edges, lines of a page's width): the seams where pdftotext glued
    two lines together and dropped a hyphen, marked (`app.parse.seams`)."""
    before = _texts(body)
    restored = mark_line_end_seams(before, width)
    if restored is before:
        return body
    return [
        line if text is line.text else Line(line.number, text)
        for line, text in zip(body, restored, strict=True)
    ]


def _is_item(text: str, previous: str | None) -> bool:
    """A lettered item "(a) ..." or a dash bullet "– ..." after a line that ends a clause."""
    if previous is None:
        return False
    if previous[-1] in ":;." and ITEM_RE.match(text):
        return True
    return previous[-1] in ":;.," and DASH_ITEM_RE.match(text) is not None


def split_paragraphs(body: list[Line]) -> tuple[list[str], list[str]]:
    """The statement's paragraphs, each with its lines joined and its opening quote removed
    (an item starts on a line of its own), and its footnotes (lines opening with *, †...
    placed among the paragraphs)."""
    body = remove_furniture(body)
    content = [line for line in body if line.text and line.text != PAGE_BREAK]
    if not content:
        return [], []
    # Statements in the quoted style open their first paragraph with a quotation mark; a
    # wrapped line that happens to start with a quoted title does not make a file quoted.
    quoted = content[0].text[0] in OPEN_QUOTES
    lengths = sorted(len(line.text) for line in content)
    width = _line_width(lengths)
    if lengths[-1] > GLUED * width and width <= PAGE_WIDTH and PAGE_BREAK in _texts(body):
        body = _restore_hyphens(body, width)
    groups: list[list[str]] = []
    footnotes: list[list[str]] = []
    in_footnote = False
    previous: str | None = None
    gap = False  # a blank line since the previous line of text...
    page_edge = False  # ...and whether a page ended there (not a paragraph break, then)
    for line in body:
        text = line.text
        if not text or text == PAGE_BREAK:
            gap = True
            page_edge = page_edge or text == PAGE_BREAK
            in_footnote = False
            continue
        blank_before, gap, page_edge = gap and not page_edge, False, False
        if FOOTNOTE_RE.match(text) and previous is not None:
            footnotes.append([text])
            in_footnote = True
            continue
        if in_footnote and not (quoted and _starts_paragraph(text, previous, width)):
            footnotes[-1].append(text)
            continue
        in_footnote = False
        if groups and text[0] in ITEM_STARTS and _is_item(text, previous):
            # Items belong to their paragraph (permalinks p5-a, p5-b...; p5-1, p5-2...).
            groups[-1].append("\n" + text.lstrip(OPEN_QUOTES))
        elif not groups:
            groups.append([text])
        elif quoted:
            if _starts_paragraph(text, previous, width):
                groups.append([text])
            else:
                groups[-1].append(text)
        elif (blank_before and previous is not None and previous[-1] in ".:;") or (
            _opens_paragraph_unquoted(text, previous, width)
        ):
            groups.append([text])
        else:
            groups[-1].append(text)
        previous = text
    paragraphs = []
    for group in groups:
        text = join_lines(group)
        if "\n(" in text:
            # "...; and (d) accelerating": the last item often starts mid-line.
            text = INLINE_ITEM_RE.sub(r"\1\n", text)
        if quoted and text[:1] in OPEN_QUOTES:
            text = text[1:].lstrip()
        paragraphs.append(text)
    if quoted and paragraphs and paragraphs[-1][-1:] in CLOSE_QUOTES:
        paragraphs[-1] = paragraphs[-1][:-1].rstrip()
    notes = [join_lines(note).rstrip('”"').rstrip() for note in footnotes]
    return own_numbers([p for p in paragraphs if p]), notes


def own_numbers(paragraphs: list[str]) -> list[str]:
    """The paragraphs regrouped so that a statement which numbers its paragraphs ("1.",
    "2.", ... in sequence) keeps its numbers: paragraph k is the one printed "k.", with the
    unnumbered paragraphs that follow it (they continue it); unnumbered paragraphs printed
    before "1." open paragraph 1. Applies only when the numbered part is most of the
    statement; otherwise the paragraphs are returned as they are."""
    if not any(p[:1].isdigit() for p in paragraphs):
        return paragraphs
    starts: list[int] = []
    for i, paragraph in enumerate(paragraphs):
        if (m := NUMBERED_RE.match(paragraph)) and int(m.group(1)) == len(starts) + 1:
            starts.append(i)
    numbered = [i for i, p in enumerate(paragraphs) if NUMBERED_RE.match(p)]
    if len(starts) < 2 or numbered != starts or starts[0] >= len(paragraphs) - starts[0]:
        return paragraphs
    bounds = [0, *starts[1:], len(paragraphs)]
    return [" ".join(paragraphs[begin:end]) for begin, end in pairwise(bounds)]


def annex(body: list[Line]) -> str | None:
    """An annex printed after the statement (not the Council's statement itself), as lines of
    text: its heading ("Annex", "Joint Statement": short lines that end no sentence), then
    its paragraphs."""
    start = next((i for i, line in enumerate(body) if ANNEX_RE.match(line.text)), None)
    if start is None:
        return None
    rest: list[Line] = []
    for line in body[start + 1 :]:
        if is_trailer(line.text):
            break
        if line.text and line.text != PAGE_BREAK and not is_furniture(line.text):
            rest.append(line)
    if not rest:
        return None
    width = _line_width(sorted(len(line.text) for line in rest))
    heading = [body[start].text]
    while rest and len(rest[0].text) < width / 2 and rest[0].text[-1] not in ".:;,":
        heading.append(rest.pop(0).text)
    paragraphs, notes = split_paragraphs(
        [line for line in body[start + 1 :] if rest and line.number >= rest[0].number]
    )
    return "\n".join([*heading, *paragraphs, *notes])
