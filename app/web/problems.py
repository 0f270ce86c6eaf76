"""Values in an address that a page cannot use (`?year_from=abc`), explained in words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

LABELS = {
    "q": "Search",
    "year_from": "From year",
    "year_to": "To year",
    "year": "Year",
    "agenda": "Agenda item",
    "sort": "Sort",
    "page": "Page",
    "kind": "Kind",
    "limit": "Limit",
    "number": "Number",
}


@dataclass(frozen=True)
class Unusable:
    name: str
    in_query: bool
    """A query parameter (which the page can do without), not part of the path."""
    explanation: str


def _why(error: dict[str, Any]) -> str:
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "is not a whole number"
    if kind == "greater_than_equal":
        return f"is below {ctx.get('ge')}, the lowest it can be"
    if kind == "less_than_equal":
        return f"is above {ctx.get('le')}, the highest it can be"
    if kind == "string_too_long":
        return f"is longer than {ctx.get('max_length')} characters"
    message = str(error.get("msg", "cannot be used"))
    return message.replace("Input should be", "should be")


def unusable_values(errors: Sequence[Any]) -> list[Unusable]:
    """FastAPI's validation errors as a reader would want them: which value, and why."""
    found = []
    for error in errors:
        where, *rest = error.get("loc") or ("query",)
        name = str(rest[0]) if rest else "?"
        label = LABELS.get(name, name)
        value = error.get("input")
        shown = f" “{value}”" if isinstance(value, str | int | float) and str(value) else ""
        found.append(Unusable(name, where == "query", f"{label}:{shown} {_why(error)}."))
    return found
