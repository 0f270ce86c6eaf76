"""The statement page's per-paragraph HTML, built in Python rather than by Jinja macros.

A statement page repeats one section per paragraph (its text, its agreed-language note, its
copy actions). As Jinja macros, three calls a paragraph, they were the larger part of the
template's cost: each call builds a context and a call frame for a dozen short strings (issue
20, BENCHMARKS.md). These functions give the very same markup, byte for byte (pages of 300
statements of a 10,000-statement archive and of every statement of ../shared/corpus compared
before and after), and the templates call them where they called the macros (they are Jinja
globals), so the markup has one home.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from app.language.precedents import Related, ReuseNote
from app.store.models import Statement
from app.store.queries import ParagraphText
from app.web.templating import citation, long_date, paragraph_parts, templates, with_repairs


def para_ref(r: Related) -> Markup:
    """A link to a related paragraph: "S/PRST/1995/242, para. 16"."""
    sid = escape(r.statement.id)
    name = escape(r.statement.symbol or r.statement.id)
    number = r.paragraph.number
    return Markup(f'<a href="/statements/{sid}#p{number}">{name}, para. {number}</a>')


def compare_link(statement: Statement, number: int, r: Related, label: str = "compare") -> Markup:
    """A link to the word-level comparison of paragraph `number` with a related one."""
    return Markup(
        f'<a class="compare-link" href="/statements/{escape(statement.id)}/paragraphs/'
        f'{number}/compare/{escape(r.statement.id)}/{r.paragraph.number}">{escape(label)}</a>'
    )


def reuse_note(note: ReuseNote | None, statement: Statement, number: int) -> str:
    """One quiet line under a paragraph: where this language is first found in the archive
    (which holds only part of the statements: never "first agreed" outright), a comparison,
    and how widely it is used."""
    if not note:
        return "\n"
    if note.origin:
        refs = " and ".join(
            f"{para_ref(r)} ({compare_link(statement, number, r, 'what changed')})"
            for r in note.origins
        )
        where = (
            f"First in this archive in\n  {refs}, {escape(long_date(note.origin.statement.date))}"
        )
    else:
        later = note.later[0]
        where = (
            f"Used again in {para_ref(later)} "
            f"({compare_link(statement, number, later, 'what changed')}), "
            f"{escape(long_date(later.statement.date))}"
        )
    return (
        f'\n\n<p class="reuse-note">{where}\n'
        f'  · <a href="/statements/{escape(statement.id)}/paragraphs/{number}#related">'
        f"in {note.statements} statements</a>\n</p>\n"
    )


def copy_actions(statement: Statement, number: int, class_: str = "para-actions") -> Markup:
    """Copy link and Copy citation. Without JavaScript both are links to the paragraph page,
    which shows the permalink and the citation; with it, they copy (static/app.js)."""
    sid = escape(statement.id)
    page = f"/statements/{sid}/paragraphs/{number}"
    return Markup(
        f'\n<p class="{escape(class_)}">\n'
        f'  <a class="copy-link" href="{page}" data-copy-url="/statements/{sid}#p{number}">'
        "Copy link</a>\n"
        f'  <a class="copy-citation" href="{page}#citation" '
        f'data-copy-text="{escape(citation(statement, number))}">Copy citation</a>\n</p>'
    )


def paragraph_section(
    p: ParagraphText,
    statement: Statement,
    marked: Markup | None = None,
    note: ReuseNote | None = None,
) -> Markup:
    """One paragraph of a statement page: its number (a permalink), its text with its lettered
    items (marked with a search's terms, or with its repairs), its note and its actions."""
    n = p.number
    lead, items = paragraph_parts(marked or with_repairs(p))
    listed = (
        '<ol class="items">'
        + "".join(f'<li id="p{n}-{escape(label)}">{item}</li>' for label, item in items)
        + "</ol>"
        if items
        else ""
    )
    return Markup(
        f'<section class="paragraph{" matched" if marked else ""}" id="p{n}" '
        f'aria-label="Paragraph {n}">\n'
        f'  <a class="para-number" href="#p{n}" title="Link to paragraph {n}">{n}</a>\n'
        '  <div class="para-body">\n    \n'
        f'    <p class="para-text">{lead}</p>\n'
        f"    {listed}\n"
        f"    {reuse_note(note, statement, n)}\n"
        f"    {copy_actions(statement, n)}\n"
        "  </div>\n</section>"
    )


templates.env.globals.update(
    paragraph_section=paragraph_section,
    copy_actions=copy_actions,
    para_ref=para_ref,
    compare_link=compare_link,
)
