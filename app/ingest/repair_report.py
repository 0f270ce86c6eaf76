"""What repair did to an archive, for a person to read (`archive repairs`): every word repaired
from extraction damage, with the printed form and its context, and every word that still looks
damaged (a stray letter, a lower-case word neither the lexicon nor the archive knows). Reading
both lists is how the precision (wrong repairs) and the recall (damage left) of
`app.parse.repair` are measured on real statements."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from app.parse.lexicon import Evidence
from app.parse.repair import Repair, repairs_between, suspects
from app.search.services import search_index

CONTEXT = 30
"""Characters of context shown either side of a word."""


@dataclass(frozen=True)
class Finding:
    statement: str
    """The statement's id."""
    paragraph: int
    printed: str
    repaired: str | None
    """None for a word that still looks damaged."""
    context: str


@dataclass
class RepairReport:
    paragraphs: int = 0
    repaired: list[Finding] = field(default_factory=list)
    suspects: list[Finding] = field(default_factory=list)

    def lines(self) -> Iterator[str]:
        for f in self.repaired:
            where = f"{f.statement} p{f.paragraph}"
            yield f"REPAIRED {where}: {f.printed!r} -> {f.repaired!r}  …{f.context}…"
        for f in self.suspects:
            yield f"SUSPECT  {f.statement} p{f.paragraph}: {f.printed!r}  …{f.context}…"
        yield (
            f"{len(self.repaired)} words repaired in "
            f"{len({(f.statement, f.paragraph) for f in self.repaired})} of {self.paragraphs} "
            f"paragraphs; {len(self.suspects)} words still look damaged"
        )


def _around(text: str, start: int, end: int) -> str:
    return " ".join(text[max(0, start - CONTEXT) : end + CONTEXT].split())


def repair_report(engine: Engine) -> RepairReport:
    """Every repair made in the archive, and every word that still looks damaged."""
    report = RepairReport()
    with engine.connect() as conn:
        index = search_index(conn)
        evidence = Evidence(index.vocabulary(conn))
        rows = conn.exec_driver_sql(
            "SELECT s.id, p.number, p.text, p.printed FROM paragraph p "
            "JOIN statement s ON s.pk = p.statement_pk ORDER BY s.date, s.pk, p.number"
        ).all()
    for sid, number, text, printed in rows:
        report.paragraphs += 1
        fixes: list[Repair] = repairs_between(printed, text)
        report.repaired += [
            Finding(sid, number, r.printed, r.repaired, _around(text, r.start, r.end))
            for r in fixes
        ]
        for word in suspects(text, evidence):
            at = text.find(word)
            report.suspects.append(
                Finding(sid, number, word, None, _around(text, at, at + len(word)))
            )
    return report
