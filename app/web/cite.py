"""Citing a statement or one of its paragraphs: the house style, and what reference managers
read (RIS, BibTeX and CSL-JSON downloads; Highwire Press `citation_*` meta tags for their
browser connectors and for Google Scholar).

Every format says the same of one `Reference`: a report (the item type Zotero, EndNote and
Mendeley use for an issued, numbered document) whose author is the Security Council, whose
number is the statement's symbol and whose publisher is the United Nations, dated, with the
archive's permanent link. A paragraph's reference is the statement's with ", paragraph N"
after its title and the paragraph's link, so a saved paragraph cites itself.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from app.store.models import Statement
from app.web.templating import citation

AUTHOR = "United Nations Security Council"
PUBLISHER = "United Nations"
PLACE = "New York"
LANGUAGE = "en"

MEDIA_TYPES = {
    "ris": "application/x-research-info-systems",
    "bib": "application/x-bibtex",
    "json": "application/vnd.citationstyles.csl+json",
}
"""The download formats, by the file extension their address ends with."""

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_KEY_RE = re.compile(r"[^A-Za-z0-9_.:-]+")


def _line(text: str | None) -> str:
    """One line of text: control characters gone, runs of whitespace one space."""
    return " ".join(_CONTROL_RE.sub(" ", text or "").split())


@dataclass(frozen=True)
class Reference:
    """What any citation of a statement, or of one of its paragraphs, says."""

    key: str
    """A citation key: the statement's id, with `-p9` for a paragraph."""
    title: str
    genre: str
    """"Statement by the President of the Security Council"."""
    symbol: str | None
    date: dt.date
    url: str
    """The permanent link, on the archive's public address."""
    house: str
    """The archive's own citation: S/PRST/2012/16, para. 9 (25 April 2012)."""
    paragraph: int | None = None
    text: str | None = None
    """The paragraph's words, for a paragraph (its abstract)."""
    agenda_item: str | None = None
    meeting: int | None = None

    def meta_tags(self) -> list[tuple[str, str]]:
        """The Highwire Press tags of this reference (`highwire`)."""
        return highwire(self)


def reference(
    statement: Statement,
    *,
    topic: str,
    base_url: str,
    paragraph: int | None = None,
    text: str | None = None,
) -> Reference:
    """The reference of `statement` (or its paragraph `paragraph`, whose plain `text` is
    given): titled by what it is about (`topic`, as its page's heading names it)."""
    title = _line(topic) or statement.title
    url = f"{base_url}/statements/{statement.id}"
    if paragraph is not None:
        title = f"{title}, paragraph {paragraph}"
        url += f"#p{paragraph}"
    return Reference(
        key=_KEY_RE.sub("-", statement.id) + (f"-p{paragraph}" if paragraph else ""),
        title=title,
        genre=_line(statement.title),
        symbol=statement.symbol,
        date=statement.date,
        url=url,
        house=citation(statement, paragraph),
        paragraph=paragraph,
        text=_line(text) or None,
        agenda_item=_line(statement.agenda_item) or None,
        meeting=statement.meeting_number,
    )


def _note(ref: Reference) -> str:
    meeting = (
        f"; made at the {ref.meeting}th meeting of the Security Council" if ref.meeting else ""
    )
    return f"Cite as: {ref.house}{meeting}."


# --- RIS --------------------------------------------------------------------------------------


def ris(ref: Reference) -> str:
    """The reference as RIS (one record, CRLF line ends, as EndNote writes them)."""
    tags: list[tuple[str, str | None]] = [
        ("TY", "RPRT"),
        ("TI", ref.title),
        ("AU", AUTHOR),
        ("PY", str(ref.date.year)),
        ("DA", ref.date.strftime("%Y/%m/%d/")),
        ("M3", ref.genre),
        ("SN", ref.symbol),  # a report's number
        ("PB", PUBLISHER),
        ("CY", PLACE),
        ("UR", ref.url),
        ("LA", LANGUAGE),
        ("KW", ref.agenda_item),
        ("AB", ref.text),
        ("N1", _note(ref)),
    ]
    lines = [f"{tag}  - {_line(value)}" for tag, value in tags if value]
    return "\r\n".join([*lines, "ER  - ", ""])


# --- BibTeX -----------------------------------------------------------------------------------

_TEX = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "$": r"\$",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
}
_TEX_RE = re.compile("|".join(re.escape(c) for c in _TEX))
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _tex(text: str | None) -> str:
    """Text as a BibTeX value holds it: LaTeX's special characters escaped (braces balanced
    whatever the text says)."""
    return _TEX_RE.sub(lambda m: _TEX[m.group(0)], _line(text))


def bibtex(ref: Reference) -> str:
    """The reference as one BibTeX @techreport (biblatex reads `date` too)."""
    month = _MONTHS[ref.date.month - 1]  # BibTeX's own macro, written without braces
    fields: list[tuple[str, str | None]] = [
        # Double braces: a corporate author, and a title whose capitals a style must keep.
        ("author", "{" + _tex(AUTHOR) + "}"),
        ("title", "{" + _tex(ref.title) + "}"),
        ("type", _tex(ref.genre)),
        ("number", _tex(ref.symbol) if ref.symbol else None),
        ("institution", _tex(PUBLISHER)),
        ("address", _tex(PLACE)),
        ("year", str(ref.date.year)),
        ("month", month),
        ("date", ref.date.isoformat()),
        ("url", _tex(ref.url).replace(r"\#", "#")),  # the url package takes # as it is
        ("language", "english"),
        ("keywords", _tex(ref.agenda_item) if ref.agenda_item else None),
        ("abstract", _tex(ref.text) if ref.text else None),
        ("note", _tex(_note(ref))),
    ]
    body = [
        f"  {name} = {value}" if name == "month" else f"  {name} = {{{value}}}"
        for name, value in fields
        if value
    ]
    return f"@techreport{{{ref.key},\n" + ",\n".join(body) + "\n}\n"


# --- CSL-JSON ---------------------------------------------------------------------------------


def csl(ref: Reference) -> dict[str, object]:
    """The reference as a CSL-JSON item (what citeproc processors and Zotero read)."""
    item: dict[str, object] = {
        "id": ref.key,
        "type": "report",
        "title": ref.title,
        "author": [{"literal": AUTHOR}],
        "genre": ref.genre,
        "publisher": PUBLISHER,
        "publisher-place": PLACE,
        "issued": {"date-parts": [[ref.date.year, ref.date.month, ref.date.day]]},
        "URL": ref.url,
        "language": LANGUAGE,
        "note": _note(ref),
    }
    if ref.symbol:
        item["number"] = ref.symbol
    if ref.agenda_item:
        item["keyword"] = ref.agenda_item
    if ref.text:
        item["abstract"] = ref.text
    return item


def csl_json(ref: Reference) -> str:
    """A CSL-JSON file: a list holding the one item."""
    return json.dumps([csl(ref)], ensure_ascii=False, indent=2) + "\n"


FORMATS = {"ris": ris, "bib": bibtex, "json": csl_json}
"""Each download format's writer, by extension."""


# --- Highwire Press meta tags -----------------------------------------------------------------


def highwire(ref: Reference) -> list[tuple[str, str]]:
    """`<meta name content>` pairs in the Highwire Press vocabulary (Google Scholar's inclusion
    guidelines): a technical report numbered by its symbol, so that a reference manager's
    browser connector saves the statement (or paragraph) itself, not a bare web page."""
    tags = [
        ("citation_title", ref.title),
        ("citation_author", AUTHOR),
        ("citation_publication_date", ref.date.strftime("%Y/%m/%d")),
        ("citation_date", ref.date.strftime("%Y/%m/%d")),
        ("citation_technical_report_institution", PUBLISHER),
        ("citation_technical_report_number", ref.symbol or ""),
        ("citation_publisher", PUBLISHER),
        ("citation_public_url", ref.url),
        ("citation_abstract_html_url", ref.url),
        ("citation_language", LANGUAGE),
        ("citation_keywords", ref.agenda_item or ""),
        ("citation_abstract", ref.text or ""),
    ]
    return [(name, _line(value)) for name, value in tags if value]
