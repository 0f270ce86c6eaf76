"""Importing a catalogue of statements (symbol, year, date, meeting record, topic), so the
archive knows which statements exist even before it holds their texts."""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.store.models import CatalogueEntry
from app.store.services import mark_changed

REQUIRED = {"symbol", "year"}


class CatalogueError(ValueError):
    """A catalogue file that cannot be read, with the line and the reason."""


@dataclass
class CatalogueReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


def _symbol(raw: str) -> str:
    # The Library lists pre-1994 statements as "S/12247 (PRST)"; the document symbol is S/12247.
    return re.sub(r"\s*\(PRST\)\s*$", "", raw.strip(), flags=re.IGNORECASE)


def import_catalogue(engine: Engine, path: Path) -> CatalogueReport:
    """Add or update catalogue entries from a CSV file, in one transaction."""
    report = CatalogueReport()
    try:
        fh = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise CatalogueError(f"{path}: {exc.strerror}") from exc
    with fh, Session(engine) as session:
        reader = csv.DictReader(fh)
        missing = REQUIRED - set(reader.fieldnames or [])
        if missing:
            raise CatalogueError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        for line, row in enumerate(reader, start=2):
            symbol = _symbol(row.get("symbol") or "")
            if not symbol:
                raise CatalogueError(f"{path}, line {line}: no symbol")
            try:
                year = int(row["year"])
                date = dt.date.fromisoformat(row["date"]) if row.get("date") else None
            except ValueError as exc:
                raise CatalogueError(f"{path}, line {line}: {exc}") from exc
            values: dict[str, Any] = {
                "year": year,
                "date": date,
                "meeting_record": (row.get("meeting_record") or "").strip() or None,
                "topic": (row.get("topic") or "").strip() or None,
            }
            entry = session.get(CatalogueEntry, symbol)
            if entry is None:
                session.add(CatalogueEntry(symbol=symbol, **values))
                report.added += 1
            elif any(getattr(entry, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(entry, key, value)
                session.add(entry)
                report.updated += 1
            else:
                report.unchanged += 1
        mark_changed(session.connection())
        session.commit()
    return report
