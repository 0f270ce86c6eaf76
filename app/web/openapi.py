"""The OpenAPI document says what the archive really answers, errors included.

FastAPI documents each route's success and a 422 in its own shape; the archive answers errors
its own way (`app.web.app`): under `/api/` (and `/healthz`) a JSON object with a `detail`, on
pages an HTML page. This adds, to every operation, the errors it may answer in the form it
answers them: 404 (nothing there), 422 (a parameter not understood), 503 (the archive cannot be
read), and where they occur the redirects (301 to a statement's current id, 302 from a meeting
to its statement, 303 from a symbol typed in the search box) and the search's 400 (a query too
broad or too expensive). Schemathesis checks the live server against it (tests/test_schema_live.py).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from app.web.schemas import Problem, Problems

HTML = {"text/html": {"schema": {"type": "string"}}}


def _json(model: type[Problem] | type[Problems]) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}


def _errors(json: bool) -> dict[str, dict[str, Any]]:
    if json:
        problem, problems = _json(Problem), _json(Problems)
    else:
        problem = problems = HTML
    return {
        "404": {"description": "Nothing at this address", "content": problem},
        "422": {"description": "A parameter was not understood", "content": problems},
        "503": {"description": "The archive cannot be read right now", "content": problem},
    }


REDIRECTS = [
    (
        "{statement_id}",
        "301",
        "An old id, or the id in other capitals: the same path under the statement's current id",
    ),
    ("/meetings/{number}", "302", "The statement made at that meeting, when there is one"),
    ("/search", "303", "A statement symbol typed in the box: that statement"),
]


def _document(schema: dict[str, Any]) -> dict[str, Any]:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (Problem, Problems):
        components[model.__name__] = model.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    for path, operations in schema.get("paths", {}).items():
        json = path.startswith("/api/") or path == "/healthz"
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, answer in _errors(json).items():
                if status == "422" and "parameters" not in operation:
                    continue  # nothing to misunderstand
                documented = responses.setdefault(status, answer)
                documented["content"] = answer["content"]
            for where, status, description in REDIRECTS:
                if where in path if where.startswith("{") else where == path:
                    responses.setdefault(status, {"description": description})
            if path == "/search":
                responses.setdefault(
                    "400",
                    {
                        "description": "The query is too broad or too expensive to answer (the "
                        "page says why and how to narrow it)",
                        "content": HTML,
                    },
                )
    return schema


def document_errors(app: FastAPI) -> None:
    """Make `app`'s OpenAPI document list the errors each operation answers, as it answers
    them (built once, on first request of /openapi.json)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _document(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
