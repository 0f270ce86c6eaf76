"""Progress of long commands, shown on a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable

Progress = Callable[[str, int, int], None]
"""Called with a stage name, how much of it is done, and its total."""


def print_progress(stage: str, done: int, total: int) -> None:
    """A one-line progress bar per stage on stderr, for runs large enough to need one."""
    if total < 50 or not sys.stderr.isatty():
        return
    step = max(1, total // 200)
    if done % step and done != total:
        return
    width = 30
    filled = width * done // total
    sys.stderr.write(f"\r{stage:>8} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()
