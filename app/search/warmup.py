"""Keeps search ready in the background: what it builds once per version of the archive (the
timeline, about two seconds at 1.5 million paragraphs) is built when the server starts and
soon after each ingest commits, not by the first visitor who searches."""

from __future__ import annotations

import logging
import threading

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from app.search.services import search_service

log = logging.getLogger(__name__)

INTERVAL = 5.0
"""Seconds between looks at the archive's version (a file stat and a 96-byte read)."""


class Warmup:
    """A daemon thread that prepares search for each new version of the archive."""

    def __init__(self, engine: Engine, interval: float = INTERVAL) -> None:
        self._engine = engine
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="search-warmup", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self._interval + 5)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with Session(self._engine) as session:
                    search_service(self._engine).prepare(session)
            except SQLAlchemyError as exc:  # no archive yet, or it is being replaced: later
                log.debug("search warm-up skipped: %s", exc)
            self._stop.wait(self._interval)
