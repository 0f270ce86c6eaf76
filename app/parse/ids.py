"""Statement ids: what appears in a statement's URL, derived from what is known of it."""

from __future__ import annotations

import re

from app.parse.statement import ParsedStatement


def symbol_to_id(symbol: str) -> str:
    """URL form of a document symbol: S/PRST/2023/6 -> S-PRST-2023-6."""
    return re.sub(r"[^A-Za-z0-9.]+", "-", symbol).strip("-")


def derived_id(parsed: ParsedStatement) -> str:
    """The id a statement gets: its symbol when known, otherwise its meeting, else its date."""
    if parsed.symbol:
        return symbol_to_id(parsed.symbol)
    if parsed.meeting_number:
        return f"meeting-{parsed.meeting_number}"
    assert parsed.date is not None
    return f"statement-{parsed.date.isoformat()}"
