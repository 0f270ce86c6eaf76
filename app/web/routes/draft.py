"""Check a draft: the form (`GET /draft`), its answer (`POST /draft`) and `POST /api/draft`.

Confidential by design: the draft comes in a POST body only (a draft put in the address is
refused, so it never reaches a log, a history or a Referer), it is never stored or logged, and
every answer that holds any of it says `Cache-Control: no-store`, so no cache keeps it.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute

from app.language.draft import MAX_CHARS, MAX_WORDS, DraftError
from app.language.reuse import MAX_DF
from app.web import drafts
from app.web.deps import SessionDep
from app.web.drafts import DraftIn, DraftOut, DraftUnavailable
from app.web.problems import problem
from app.web.templating import templates

MAX_BODY = 3 * 1024 * 1024
"""Bytes a request may send: the longest draft checked, percent-encoded as a form sends it,
fits (non-Latin text takes up to nine bytes a character)."""
NO_STORE = {"Cache-Control": "no-store"}
TOO_LARGE = (
    f"The draft is too long: the archive checks up to {MAX_WORDS:,} words "
    f"({MAX_CHARS:,} characters) at a time. Check it in parts."
)
REFUSED = "refused"


class _TooLarge(HTTPException):
    def __init__(self) -> None:
        super().__init__(status_code=413, detail=TOO_LARGE)


class _BoundedRequest(Request):
    """A request whose body is read up to MAX_BODY bytes, and refused beyond."""

    async def stream(self) -> AsyncGenerator[bytes, None]:
        declared = self.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY:
            raise _TooLarge
        read = 0
        async for chunk in super().stream():
            read += len(chunk)
            if read > MAX_BODY:
                raise _TooLarge
            yield chunk


class DraftRoute(APIRoute):
    """Reads the body within MAX_BODY, and answers a larger one as any overlong draft is (the
    page with its message, or JSON), not with a bare 413."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def bounded(request: Request) -> Response:
            try:
                return await handler(_BoundedRequest(request.scope, request.receive))
            except _TooLarge:
                if request.url.path.startswith("/api/"):
                    return problem(413, TOO_LARGE, headers=NO_STORE)
                return _page(request, error=TOO_LARGE, status_code=413)

        return bounded


router = APIRouter(route_class=DraftRoute)


def _page(
    request: Request,
    *,
    text: str = "",
    report: drafts.DraftReport | None = None,
    error: str | None = None,
    refused: bool = False,
    status_code: int = 200,
) -> Response:
    return templates.TemplateResponse(
        request,
        "draft.html",
        {
            "text": text,
            "report": report,
            "error": error,
            "refused": refused,
            "max_words": MAX_WORDS,
            "max_df": MAX_DF,
            "search_url": drafts.search_url,
            "place_url": drafts.place_url,
        },
        status_code=status_code,
        headers=NO_STORE,
    )


@router.get("/draft", response_class=HTMLResponse)
def draft_form(request: Request) -> Response:
    """The form. Anything in the address is refused (a draft must never travel in a URL): the
    answer sends the browser to the bare form, saying why."""
    query = request.url.query
    if query and query != REFUSED:
        return RedirectResponse(f"/draft?{REFUSED}", status_code=303, headers=NO_STORE)
    return _page(request, refused=query == REFUSED)


@router.post(
    "/draft",
    response_class=HTMLResponse,
    responses={400: {"description": "An empty draft, or one over the limits (the form says)"}},
    # The draft is the form's one field: its limit is the body's.
    form_limits={"max_part_size": MAX_BODY, "max_fields": 10},
)
def draft_page(
    request: Request,
    session: SessionDep,
    text: Annotated[str, Form(description="The draft")] = "",
) -> Response:
    """The draft checked, paragraph by paragraph, under the form holding it (to edit and check
    again)."""
    try:
        report = drafts.check(session, text)
    except DraftError as exc:
        shown = text if len(text) <= MAX_CHARS else ""
        return _page(request, text=shown, error=str(exc), status_code=400)
    except DraftUnavailable as exc:
        return _page(request, text=text, error=str(exc), status_code=exc.status)
    return _page(request, text=text, report=report)


@router.post(
    "/api/draft",
    response_model=DraftOut,
    responses={
        400: {"description": "An empty draft, or one over the limits"},
        413: {"description": "A request body over the limits"},
    },
)
def draft_api(body: DraftIn, session: SessionDep) -> Response:
    """Check a draft: for each paragraph, its closest precedents in the archive, how much of
    it is agreed language (runs of at least 7 words an archived paragraph shares, with their
    first and latest use), a word-level comparison with the closest precedent, and the
    language that is new. Never stored, logged or cached."""
    try:
        report = drafts.check(session, body.text)
    except DraftError as exc:
        return problem(400, str(exc), headers=NO_STORE)
    except DraftUnavailable as exc:
        return problem(exc.status, str(exc), headers=NO_STORE)
    return JSONResponse(drafts.to_json(report).model_dump(mode="json"), headers=NO_STORE)
