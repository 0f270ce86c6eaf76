"""The composition root: builds the FastAPI app (database, routers, static files, error pages)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match, Route

from app.core.config import STATIC_DIR, Archive, Settings, archive_location
from app.core.logs import printable
from app.search.results import SearchRefused
from app.search.warmup import Warmup
from app.store.engine import make_engine
from app.store.services import watch_version
from app.web import fragments  # noqa: F401  (registers the page fragments with the templates)
from app.web.deps import open_readers
from app.web.middleware import ArchiveMiddleware
from app.web.openapi import document_errors
from app.web.pagecache import PageCache
from app.web.problems import answers_json, problem, unusable_values
from app.web.routes import (
    agenda,
    api,
    citations,
    cite,
    crawlers,
    data,
    docs,
    draft,
    exports,
    feeds,
    health,
    pages,
    reuse,
    search,
)
from app.web.schemas import UNREADABLE
from app.web.templating import templates

log = logging.getLogger(__name__)


def _wants_json(request: Request) -> bool:
    return answers_json(request.url.path)


def _allowed(request: Request) -> str:
    """Every method the address answers: Starlette's 405 names only those of the first route
    whose path matches (GET of /draft, not its POST)."""
    methods: set[str] = set()
    for route in _every_route(request.app.router.routes):
        answers = isinstance(route, Route) and route.matches(request.scope)[0] != Match.NONE
        if answers and isinstance(route, Route) and route.methods:
            methods |= route.methods
    return ", ".join(sorted(methods))


def _every_route(routes: Iterable[BaseRoute]) -> Iterator[BaseRoute]:
    """The routes of the app, those of the routers it includes among them (FastAPI keeps an
    included router whole, as `original_router`)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _every_route(inner.routes)
        else:
            yield route


def create_app(archive: Archive | None = None) -> FastAPI:
    """Build the app over `archive` (default: settings, reading from ARCHIVE_READ_DB when set),
    opened read-only."""
    settings = Settings.from_env()
    path = archive_location(archive) if archive is not None else settings.read_archive

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        open_readers(app, make_engine(path, readonly=True))
        app.state.db_path = path
        app.state.public_url = settings.public_url
        version = watch_version(app.state.engine, path)
        app.state.pages = PageCache(version, settings.page_cache_mb * 1024 * 1024)
        warmup = Warmup(app.state.engine)
        warmup.start()
        yield
        warmup.stop()
        version.close()
        app.state.engine.dispose()

    app = FastAPI(
        title="Security Council presidential statements archive",
        description="Browse and search the statements by the President of the UN Security Council.",
        lifespan=lifespan,
        docs_url=None,  # app.web.routes.docs serves /docs without a CDN
        redoc_url=None,
    )
    # Mounted before /static, which would otherwise claim its paths.
    app.mount(docs.SWAGGER_UI_URL, StaticFiles(directory=docs.SWAGGER_UI_DIR), name="swagger-ui")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # Outermost last: the ETag and the page cache see the compressed body, so a cached page
    # is compressed once.
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)
    app.add_middleware(ArchiveMiddleware)
    app.include_router(health.router)
    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(data.router)
    app.include_router(search.router)
    app.include_router(docs.router)
    # Before the pages of resolutions and agenda items, whose {number} and {slug} would
    # otherwise claim /resolutions/1373.atom and /agenda/{slug}.atom.
    for router in (feeds.router, exports.router, cite.router, crawlers.router):  # issue 18
        app.include_router(router)
    for router in (reuse.router, citations.router, agenda.router):  # issue 6
        app.include_router(router)
    app.include_router(draft.router)  # issue 17
    document_errors(app)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 405:
            exc.headers = {**(exc.headers or {}), "Allow": _allowed(request)}
        if _wants_json(request):
            return problem(exc.status_code, str(exc.detail), headers=exc.headers)
        template = "errors/404.html" if exc.status_code == 404 else "errors/error.html"
        return templates.TemplateResponse(
            request,
            template,
            {"status": exc.status_code, "detail": exc.detail},
            status_code=exc.status_code,
            headers=exc.headers,  # a 405 says which methods are allowed (Allow)
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request):
            problems = [
                f"{'.'.join(str(p) for p in err['loc'][1:])}: {err['msg']}" for err in exc.errors()
            ]
            return problem(422, "Some of what the address asks for could not be used.", problems)
        # A page keeps what the reader asked: it says, in words, which value it could not use,
        # and offers the same page without it (the search and its other filters kept).
        bad = unusable_values(exc.errors())
        retry = request.url.remove_query_params([b.name for b in bad if b.in_query])
        return templates.TemplateResponse(
            request,
            "errors/error.html",
            {
                "status": 422,
                "detail": "Some of what the address asks for could not be used:",
                "problems": [b.explanation for b in bad],
                "q": request.query_params.get("q", ""),
                "retry": f"{retry.path}?{retry.query}" if any(b.in_query for b in bad) else None,
            },
            status_code=422,
        )

    @app.exception_handler(SearchRefused)
    async def search_refused(request: Request, exc: SearchRefused) -> Response:
        # A search too broad or too expensive (the results page and the statement page say so
        # in the page; feeds, exports and the API here): 400, the reason, what it cost.
        headers = search.server_timing(exc.cost)
        if _wants_json(request):
            return problem(400, exc.reason, headers=headers)
        return templates.TemplateResponse(
            request,
            "errors/error.html",
            {"status": 400, "detail": exc.reason},
            status_code=400,
            headers=headers,
        )

    @app.exception_handler(SQLAlchemyError)
    async def database_error(request: Request, exc: SQLAlchemyError) -> Response:
        log.error("database error on %s: %s", printable(request.url.path), exc)
        detail = UNREADABLE
        if _wants_json(request):
            return problem(503, detail)
        return templates.TemplateResponse(
            request, "errors/error.html", {"status": 503, "detail": detail}, status_code=503
        )

    return app
