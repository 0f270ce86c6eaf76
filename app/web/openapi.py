"""The OpenAPI document says what the archive answers when something goes wrong.

FastAPI documents its own 422 shape; the archive answers errors its own way (`app.app`): under
`/api/` and for the downloads read by programs (feeds, exports, citations, sitemaps) one JSON
shape, `Problem` (status, detail, problems), for every 4xx and the 503; on pages an HTML page.
This puts that shape (or HTML) on every documented error and adds the errors each operation
may answer: 404 where a path names something (or a page past the last), 422 where it takes
parameters, 503 always; and where they occur the redirects (301 to a statement's current id,
302 from a meeting to its statement, 303 from a symbol typed in the search box) and the
search's 400 (a query too broad or too expensive). Schemathesis checks the live server against
it (tests/test_live.py).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from app.web.problems import answers_json
from app.web.schemas import Problem

PROBLEM = {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
HTML = {"text/html": {"schema": {"type": "string"}}}
ERRORS = {
    "404": "Nothing at this address",
    "422": "A parameter was not understood (`problems` says which, and what it must be)",
    "503": "The archive cannot be read right now",
}

PAGED = ("/statements", "/search")
"""Listings that answer 404 for a page past their last."""
REDIRECTS = [
    ("{statement_id}", "301", "An old id, or the id in other capitals: the same path under "
     "the statement's current id"),
    ("/meetings/{number}", "302", "The statement made at that meeting, when there is one"),
    ("/search", "303", "A statement symbol typed in the box: that statement"),
]  # fmt: skip
REFUSED = (
    "The search is too broad or too expensive to answer (the detail says why and how to narrow it)"
)


def _document(schema: dict[str, Any]) -> dict[str, Any]:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    for path, operations in schema.get("paths", {}).items():
        # A path ending `.{fmt}` names downloads (feeds, exports, citation files).
        content = PROBLEM if answers_json(path) or path.endswith(".{fmt}") else HTML
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERRORS.items():
                if status == "404" and "{" not in path and path not in PAGED:
                    continue
                if status == "422" and not operation.get("parameters"):
                    continue
                responses.setdefault(status, {"description": description})
            for where, status, description in REDIRECTS:
                if where in path if where.startswith("{") else where == path:
                    responses.setdefault(status, {"description": description})
            if path in ("/search", "/api/search"):
                responses.setdefault("400", {"description": REFUSED})
            for status, answer in responses.items():
                if status[0] == "4" or status == "503":
                    answer["content"] = content
    return schema


def document_errors(app: FastAPI) -> None:
    """Make `app`'s OpenAPI document give every error in the shape it is answered (built
    once, when /openapi.json is first asked for)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _document(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
