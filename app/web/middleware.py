"""HTTP middleware: security headers, one log line per request, HEAD answered like GET, ETag and
Cache-Control with 304s, and the page cache for the reading pages.

A plain ASGI middleware (not Starlette's `BaseHTTPMiddleware`, which costs a task and a stream
per request): it sees the response's messages go by and only holds a body back when it needs it
whole, to hash it for the ETag.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.logs import printable
from app.store.interfaces import Version
from app.web.pagecache import CachedPage, Key, PageCache

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
# The API's interactive docs (Swagger UI, served from /static/swagger-ui) set inline styles.
DOCS_PATHS = ("/docs",)
DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)

CACHE_SECONDS = 300
"""The archive changes only at ingest: pages may be reused for a few minutes, and revalidated
with their ETag after that."""

CACHED_PAGES = re.compile(r"/|/(?:api/)?statements(?:/[^/]+(?:/paragraphs/\d+)?)?")
"""Paths whose 200 answers the page cache keeps: home, browse, statement and paragraph pages and
the statements API. They depend on the database and the URL only. (Search is left
out: its benchmarks measure the search itself.)"""

_SECURITY = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
FAILED = "Something went wrong on the archive's side; it has been logged. Please try again."
FAILED_JSON = json.dumps({"detail": FAILED}).encode()
FAILED_HTML = (
    '<!doctype html><html lang="en"><meta charset="utf-8"><title>Error 500 · PRST Archive</title>'
    f'<p>{FAILED}</p><p><a href="/">Back to the archive</a></p></html>'
).encode()
_DOCS_CSP = DOCS_CSP.encode()
_CACHE_CONTROL = (b"cache-control", f"public, max-age={CACHE_SECONDS}".encode())


def _etag(body: bytes) -> bytes:
    return b'"' + hashlib.blake2b(body, digest_size=12).hexdigest().encode() + b'"'


def _header(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    for key, value in headers:
        if key == name:
            return value
    return None


def _matches(if_none_match: bytes | None, etag: bytes) -> bool:
    """Whether an If-None-Match header names this ETag (weak comparison, as RFC 9110 asks)."""
    if not if_none_match:
        return False
    tags = [t.strip().removeprefix(b"W/") for t in if_none_match.split(b",")]
    return etag in tags or b"*" in tags


def _relative_location(host: bytes | None, name: bytes, value: bytes) -> tuple[bytes, bytes]:
    """A redirect's Location without the address a client sent in its Host header (Starlette
    builds one from it when it adds or removes a trailing slash): only the path, so a redirect
    never sends a reader, or a cache, to a host of a client's choosing."""
    if name.lower() != b"location" or not host:
        return name, value
    for scheme in (b"http://", b"https://"):
        if value.lower().startswith(scheme + host.lower()):
            rest = value[len(scheme) + len(host) :]
            if rest[:1] in (b"/", b"?", b""):
                return name, rest if rest.startswith(b"/") else b"/" + rest
    return name, value


class _HeadDone(Exception):
    """Raised into the app once a HEAD answer is complete, so it stops producing the body."""


class ArchiveMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        exchange = _Exchange(scope, send)
        try:
            if not await exchange.from_cache():
                # Every page answers HEAD as it answers GET, without the body (link checkers,
                # crawlers and `curl -I` rely on it).
                inner = {**scope, "method": "GET"} if exchange.head else scope
                await self.app(inner, receive, exchange.send)
        except _HeadDone:
            pass
        except Exception:
            if exchange.responded:
                raise  # the answer has begun: only closing the connection can end it
            # Answered here, with the security headers, rather than by the server's bare
            # "Internal Server Error"; the traceback goes to the log, never to the reader.
            log.exception("unexpected error on %s", printable(scope["path"]))
            await exchange.fail()
        finally:
            log.info(
                "%s %s %d %.1fms",
                printable(scope["method"]),
                printable(scope["path"]),
                exchange.status,
                (time.perf_counter() - exchange.started) * 1000,
            )


class _Exchange:
    """One request and its response as they pass through the middleware."""

    def __init__(self, scope: Scope, send: Send) -> None:
        self.started = time.perf_counter()
        self.scope = scope
        self._send = send
        self.head = scope["method"] == "HEAD"
        self.get = scope["method"] in ("GET", "HEAD")
        self.path: str = scope["path"]
        self.if_none_match = _header(scope["headers"], b"if-none-match")
        self.host = _header(scope["headers"], b"host")
        self.status = 500  # until the app says otherwise
        self.responded = False
        self._start: Message | None = None
        self._chunks: list[bytes] = []
        self._key: Key | None = None
        self._version: Version | None = None
        self._cache: PageCache | None = None
        if self.get and CACHED_PAGES.fullmatch(self.path):
            app = scope.get("app")
            cache = getattr(app.state, "pages", None) if app is not None else None
            if cache is not None and cache.enabled:
                self._cache = cache

    async def from_cache(self) -> bool:
        """Answer from the page cache if it holds this page; whether it did."""
        if self._cache is None:
            return False
        self._version = self._cache.version.current()
        if self._version is None:
            return False
        headers = self.scope["headers"]
        # Not the Host header: pages name the archive by its configured address, and a client
        # sending many Hosts must not fill the cache with copies.
        self._key = (
            self.scope.get("root_path", ""),
            self.path,
            self.scope.get("query_string", b""),
            b"gzip" in (_header(headers, b"accept-encoding") or b""),
        )
        page = self._cache.get(self._key, self._version)
        if page is None:
            return False
        body = b"" if self.head else page.body
        await self._answer(page.status, list(page.headers), body, page.etag)
        return True

    async def send(self, message: Message) -> None:
        """The app's messages, with headers added; a whole body held back to hash it."""
        kind = message["type"]
        if kind == "http.response.start":
            self.status = message["status"]
            headers = list(message.get("headers", []))
            if 300 <= self.status < 400:
                headers = [_relative_location(self.host, k, v) for k, v in headers]
            names = {k.lower() for k, _ in headers}
            headers += [(k, v) for k, v in _SECURITY if k not in names]
            if self.path.startswith(DOCS_PATHS):
                headers = [(k, v) for k, v in headers if k.lower() != b"content-security-policy"]
                headers.append((b"content-security-policy", _DOCS_CSP))
            if self.get and self.status == 200:
                if b"etag" in names or b"cache-control" in names or self.path.startswith("/data/"):
                    # Files and downloads, and answers that set their own caching (/healthz):
                    # their own validators, or none; streamed as they come.
                    if b"cache-control" not in names:
                        headers.append(_CACHE_CONTROL)
                else:
                    self._start = {**message, "headers": headers}
                    return
            self.responded = True
            await self._send({**message, "headers": headers})
        elif kind == "http.response.body" and self._start is not None:
            self._chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                await self._finish()
        elif kind == "http.response.body" and self.head:
            await self._send({"type": "http.response.body", "body": b"", "more_body": False})
            if message.get("more_body", False):
                raise _HeadDone  # a download: stop reading it
        else:
            await self._send(message)

    async def fail(self) -> None:
        """Answer 500, saying only that something went wrong (JSON under /api/)."""
        if self.path.startswith("/api/"):
            body, kind = FAILED_JSON, b"application/json"
        else:
            body, kind = FAILED_HTML, b"text/html; charset=utf-8"
        headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode())]
        await self._answer(500, [*headers, *_SECURITY], body, b"")

    async def _finish(self) -> None:
        """The whole body is here: its ETag, then the answer (and a copy for the cache)."""
        assert self._start is not None
        body = b"".join(self._chunks)
        etag = _etag(body)
        headers = [*self._start["headers"], (b"etag", etag), _CACHE_CONTROL]
        if self._cache is not None and self._key is not None and self._version is not None:
            page = CachedPage.of(self.status, headers, body, etag)
            self._cache.put(self._key, self._version, page)
        await self._answer(self.status, headers, body, etag)

    async def _answer(
        self, status: int, headers: list[tuple[bytes, bytes]], body: bytes, etag: bytes
    ) -> None:
        self.responded = True
        if status == 200 and _matches(self.if_none_match, etag):
            self.status = 304
            keep = [(b"etag", etag), _CACHE_CONTROL, *_SECURITY]
            await self._send({"type": "http.response.start", "status": 304, "headers": keep})
            await self._send({"type": "http.response.body", "body": b""})
            return
        self.status = status
        await self._send({"type": "http.response.start", "status": status, "headers": headers})
        await self._send({"type": "http.response.body", "body": b"" if self.head else body})
