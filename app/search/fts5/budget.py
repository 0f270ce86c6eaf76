"""What one search may cost: a budget of processor time, enforced inside SQLite.

Most searches take a few milliseconds of the server's processor, but what a query asks for
multiplies: each word of an OR, each prefix and each year of the history is another pass over
the index, and a hostile query (`a* OR b* OR ... OR z*`) once took 13 to 22 seconds. A `Budget`
watches the search's connection with SQLite's progress handler, called every `STEPS` virtual
machine instructions, which interrupts the statement running once the search has spent
`SECONDS` of processor time in its thread (or `WALL_SECONDS` on the clock, for a search that
waits on the disk rather than computes). The search then ends with `SearchRefused` and the
reader is told to narrow it.

Processor time, not the clock: under load a request waits for its turn at the interpreter, and
a search that costs 30 ms must not be refused because 60 others ran meanwhile. The budget's own
accounting (`spent`) is what the pages report in a `Server-Timing` header and what the tests
bound.

What one instruction may hide: FTS5 builds the whole list of a prefix search (a prefix standing
for more words than the engine expands) in one step, so the engine refuses short prefixes of
that kind before it starts (`app.search.fts5.engine`).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

from sqlalchemy.exc import DBAPIError

from app.search.results import SearchRefused

SECONDS = 0.5
"""Processor time one search may spend (ordinary searches take 5 to 40 ms; BENCHMARKS.md)."""
WALL_SECONDS = 20.0
"""Time on the clock one search may take: a backstop for one that waits on the disk rather than
computes. Generous, since under load the clock also counts the turns a search waits for the
interpreter and for a processor an ingest shares (3 s refused an ordinary search so)."""
STEPS = 2_000
"""SQLite instructions between two looks at the clock (a look costs about a microsecond)."""

TOO_EXPENSIVE = (
    "This search is too expensive to answer: it needed more than {seconds:g} s of the server's "
    "time. Narrow it: fewer words joined by OR, longer beginnings before a *, a phrase in "
    "quotation marks, or a period of years."
)


class Budget:
    """The processor time one search may spend, from its creation on."""

    def __init__(self, seconds: float | None = None, wall_seconds: float | None = None) -> None:
        # The module's figures read now, not when the class was defined: tests change them.
        self.seconds = SECONDS if seconds is None else seconds
        self.wall_seconds = WALL_SECONDS if wall_seconds is None else wall_seconds
        self._cpu = time.thread_time()
        self._wall = time.perf_counter()
        self._excused = 0.0
        self._excused_wall = 0.0
        self._paused = False

    @property
    def spent(self) -> float:
        """Processor seconds spent on the search so far (work `paused` for excluded)."""
        return time.thread_time() - self._cpu - self._excused

    def exceeded(self) -> bool:
        if self._paused:
            return False
        wall = time.perf_counter() - self._wall - self._excused_wall
        # A thread spends no more processor time than the clock shows pass, so until the clock
        # has passed `seconds` the processor clock (a system call, where the wall clock is
        # not) need not be read: SQLite asks at every STEPS instructions.
        return wall > self.wall_seconds or (wall > self.seconds and self.spent > self.seconds)

    def refusal(self) -> SearchRefused:
        return SearchRefused(TOO_EXPENSIVE.format(seconds=self.seconds), cost=self.spent)

    def check(self) -> None:
        """Raise the refusal when the budget is spent (between two statements)."""
        if self.exceeded():
            raise self.refusal()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Work not charged to this search: what is built once for every search of the
        archive's version (its timeline), which a search may happen to build first."""
        cpu, wall = time.thread_time(), time.perf_counter()
        was, self._paused = self._paused, True
        try:
            yield
        finally:
            self._paused = was
            self._excused += time.thread_time() - cpu
            self._excused_wall += time.perf_counter() - wall

    def watching(self, conn: sqlite3.Connection) -> _Watch:
        """A context in which SQLite interrupts whatever `conn` runs once the budget is spent;
        an interrupted statement surfaces as this budget's `SearchRefused`."""
        return _Watch(self, conn)


class _Watch:
    def __init__(self, budget: Budget, conn: sqlite3.Connection) -> None:
        self._budget = budget
        self._conn = conn

    def _tick(self) -> int:
        return 1 if self._budget.exceeded() else 0

    def __enter__(self) -> Budget:
        if isinstance(self._conn, sqlite3.Connection):
            self._conn.set_progress_handler(self._tick, STEPS)
        return self._budget

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        if isinstance(self._conn, sqlite3.Connection):
            self._conn.set_progress_handler(None, STEPS)
        if isinstance(exc, SearchRefused):  # refused on the way: say what it had cost
            exc.cost = max(exc.cost, self._budget.spent)
            return
        cause = exc.orig if isinstance(exc, DBAPIError) else exc
        interrupted = isinstance(cause, sqlite3.OperationalError) and "interrupted" in str(cause)
        if interrupted and self._budget.exceeded():
            raise self._budget.refusal() from exc
