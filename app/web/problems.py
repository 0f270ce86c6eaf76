"""What went wrong, said to whoever asked: values in an address that a page cannot use
(`?year_from=abc`) explained in words, and the one shape every error of the API and of the
downloads takes (`app.web.schemas.Problem`: status, detail, problems)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi.responses import JSONResponse

from app.web.schemas import Problem

MACHINE_SUFFIXES = (".atom", ".csv", ".jsonl", ".json", ".ris", ".bib", ".xml")
"""Downloads read by programs (feeds, exports, citations, sitemaps): their errors are JSON."""


def answers_json(path: str) -> bool:
    """Whether errors at `path` are answered as a `Problem` (else as an HTML page); a citation
    file's address is one whatever format it names (`citation.xyz` is a 422 in that shape)."""
    return path.startswith("/api/") or path.endswith(MACHINE_SUFFIXES) or "/citation." in path


def problem(
    status: int,
    detail: str,
    problems: Sequence[str] = (),
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """An error as JSON, in the one shape the API documents."""
    body = Problem(status=status, detail=detail, problems=list(problems))
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


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
