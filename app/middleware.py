"""HTTP middleware: security headers on every response and one log line per request."""

from __future__ import annotations

import hashlib
import logging
import time

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import Response

log = logging.getLogger("archive.http")

# No inline script or style anywhere: scripts and stylesheets come from /static only.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# FastAPI's interactive docs load their script and styles from a CDN.
DOCS_PATHS = ("/docs", "/redoc")
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https:; "
    "frame-ancestors 'none'"
)


CACHE_SECONDS = 300
"""The archive changes only at ingest: pages may be reused for a few minutes, and revalidated
with their ETag after that."""


def _etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


class SecurityHeadersMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        started = time.perf_counter()
        head = request.method == "HEAD"
        if head:
            # Every page answers HEAD as it answers GET, without the body (link checkers,
            # crawlers and `curl -I` rely on it).
            request.scope["method"] = "GET"
        response = await call_next(request)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            response = await self._cacheable(request, response)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.url.path.startswith(DOCS_PATHS):
            response.headers["Content-Security-Policy"] = DOCS_CSP
        if head:
            request.scope["method"] = "HEAD"
            response = Response(status_code=response.status_code, headers=dict(response.headers))
        log.info(
            "%s %s %d %.1fms",
            request.method,
            request.url.path,
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response

    @staticmethod
    async def _cacheable(request: Request, response: Response) -> Response:
        """Add an ETag (a hash of the body) and Cache-Control; answer 304 when it matches."""
        if "etag" in response.headers or request.url.path.startswith("/data/"):
            response.headers.setdefault("Cache-Control", f"public, max-age={CACHE_SECONDS}")
            return response
        body = b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[attr-defined]
        etag = _etag(body)
        headers = dict(response.headers)
        headers.pop("content-length", None)
        headers["ETag"] = etag
        headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
        if etag in request.headers.get("if-none-match", ""):
            return Response(
                status_code=304, headers={"ETag": etag, "Cache-Control": headers["Cache-Control"]}
            )
        return Response(body, status_code=200, headers=headers, media_type=response.media_type)
