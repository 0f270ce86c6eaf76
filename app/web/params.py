"""Query parameters shared by pages and the API, read as the pages' forms send them.

A form sends every field it has, filled or not: "Apply" on the search page asks for
`year_from=&year_to=&agenda=`. An empty value means "any", as the form's empty choice says,
and the OpenAPI document says so too (an empty string is a documented value, not an error).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query
from pydantic import BeforeValidator, Field, WithJsonSchema


def _empty_is_none(value: Any) -> Any:
    return None if value == "" else value


def _year_schema(low: int, high: int) -> WithJsonSchema:
    return WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": low, "maximum": high},
                {"type": "string", "maxLength": 0, "description": "empty: any year"},
            ]
        }
    )


EmptyMeansAny = BeforeValidator(_empty_is_none)

StatementYear = Annotated[
    Annotated[int, Field(ge=1900, le=2100)] | None,
    EmptyMeansAny,
    _year_schema(1900, 2100),
    Query(description="Only statements of this year (empty: any)"),
]
SearchYear = Annotated[
    Annotated[int, Field(ge=1946, le=2100)] | None,
    EmptyMeansAny,
    _year_schema(1946, 2100),
    Query(description="A year of the period searched (empty: no bound)"),
]
