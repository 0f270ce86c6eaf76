"""Which paragraph a list shows of each statement: one that says what the statement is about.

A statement usually opens with language agreed many times before ("The Security Council
reaffirms its primary responsibility for the maintenance of international peace and
security"), so its first paragraph says little about it. The preview is the first paragraph
that is not language first agreed in an earlier statement of the archive and does not only
refer back (recalls, reaffirms, reiterates); failing that, the first that does not refer back;
failing that, the first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session

from app.store.sql import rows as sql_rows

REFERS_BACK = re.compile(
    r"^(?:The\s+(?:members\s+of\s+the\s+)?(?:Security\s+)?Council,?\s+)?"
    r"(?:also\s+|further\s+|once\s+again\s+|\w+ly\s+)?"
    r"(?:recalls|reaffirms|reiterates|recalling|reaffirming)\b",
    re.IGNORECASE,
)
LOOK_AT = 12
"""Paragraphs read per statement: the preview is almost always among the first few."""


@dataclass(frozen=True)
class Preview:
    number: int
    text: str


def previews(session: Session, pks: list[int]) -> dict[int, Preview]:
    """For each statement pk, the paragraph its listing shows (see the module's docstring)."""
    if not pks:
        return {}
    marks = ", ".join("?" * len(pks))
    conn = session.connection()
    rows = sql_rows(
        conn,
        f"SELECT statement_pk, id, number, plain FROM paragraph "
        f"WHERE statement_pk IN ({marks}) AND number <= ? ORDER BY statement_pk, number",
        (*pks, LOOK_AT),
    )
    # Paragraphs sharing language with a paragraph of an older statement (agreed before).
    agreed = {
        pid
        for (pid,) in sql_rows(
            conn,
            f"""
            SELECT p.id FROM paragraph p
            JOIN statement s ON s.pk = p.statement_pk
            JOIN paragraph_reuse r ON r.paragraph_id = p.id OR r.other_id = p.id
            JOIN paragraph o
              ON o.id = CASE WHEN r.paragraph_id = p.id THEN r.other_id ELSE r.paragraph_id END
            JOIN statement os ON os.pk = o.statement_pk
            WHERE p.statement_pk IN ({marks}) AND p.number <= ? AND os.date < s.date
            """,
            (*pks, LOOK_AT),
        )
    }
    by_statement: dict[int, list[tuple[int, int, str]]] = {}
    for pk, pid, number, plain in rows:
        by_statement.setdefault(pk, []).append((pid, number, plain))
    chosen = {}
    for pk, paragraphs in by_statement.items():
        new = [p for p in paragraphs if not REFERS_BACK.match(p[2])]
        pid, number, plain = (
            next((p for p in new if p[0] not in agreed), None) or (new or paragraphs)[0]
        )
        chosen[pk] = Preview(number, plain)
    return chosen
