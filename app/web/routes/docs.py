"""`/docs`: the API's interactive description (Swagger UI), served from the archive itself.

Swagger UI's files come from the `fastapi-offline` package and are served under
`/static/swagger-ui/`; the page that starts it loads `static/docs.js` rather than an inline
script, so the docs need no CDN and no network, and only their styles need `'unsafe-inline'`.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.web.templating import templates

SWAGGER_UI_DIR = Path(str(files("fastapi_offline") / "static"))
"""swagger-ui-bundle.js and swagger-ui.css, as the package ships them."""
SWAGGER_UI_URL = "/static/swagger-ui"

router = APIRouter()


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def docs_page(request: Request) -> Response:
    return templates.TemplateResponse(
        request, "docs.html", {"assets": SWAGGER_UI_URL, "openapi_url": request.app.openapi_url}
    )
