"""Load test: a mix of searches never seen before, statement pages and paragraph pages against
`archive serve` (as `make run` starts it, on a free port), at several numbers of connections,
first alone and then while ingests write to the same archive.

Each run is a bounded wrk run (fixed connections and duration) against a server of its own,
over a fresh copy of the same archive, so that runs compare; /healthz is asked every half
second meanwhile. The archive is ../shared/corpus when it is there, else a generated corpus;
the ingests load generated statements, a new slice of 300 each time, one after the other for as
long as a run lasts (the same slices in every run). It prints a table (requests/s, p50, p99,
errors, timeouts, slowest /healthz) and exits 1 if any request failed or timed out, an
ingest failed, or a run with more connections served fewer requests per second than the first
(fewest connections) run of its kind.

    python bench/load_test.py [--seconds 60] [--connections 32,64,256] [--no-ingest]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate_corpus import generate  # noqa: E402
from bench.serve import COMMON_WORDS, CORPUS, WrkResult, archive, serving, wrk  # noqa: E402

TOLERANCE = 0.9
"""Throughput with more connections may be this share of the first run's (wrk's noise)."""


def never_seen_search(rng: random.Random, n: int) -> str:
    """A search no earlier request asked (its own excluded word), of the shapes people type:
    words, either of two, a phrase, a prefix."""
    a, b, c = rng.sample(COMMON_WORDS, 3)
    shape = n % 4
    q = [f"{a} {b}", f"{a} OR {b}", f'"{a} and {b}"', f"{a[:4]}* {b}"][shape]
    return (
        f"/search?q={quote(f'{q} -zq{n}')}"
        if n % 2
        else f"/api/search?q={quote(f'{q} {c} -zq{n}')}"
    )


def request_mix(db: Path, rng: random.Random, size: int) -> list[str]:
    """Never-seen searches (40%), statement pages (30%) and paragraph pages (30%) of real ids."""
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT s.id, count(p.id) FROM statement s JOIN paragraph p ON p.statement_pk = s.pk "
        "GROUP BY s.pk"
    ).fetchall()
    conn.close()
    paths = []
    for n in range(size):
        kind = rng.random()
        sid, paragraphs = rng.choice(rows)
        if kind < 0.4:
            paths.append(never_seen_search(rng, n))
        elif kind < 0.7:
            paths.append(f"/statements/{sid}")
        else:
            paths.append(f"/statements/{sid}/paragraphs/{rng.randint(1, paragraphs)}")
    return paths


class HealthWatch:
    """Asks /healthz every half second while a run lasts; keeps the slowest answer."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.slowest = 0.0
        self.failures = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> HealthWatch:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            started = time.perf_counter()
            try:
                urllib.request.urlopen(f"{self.base}/healthz", timeout=30).read()
            except (OSError, urllib.error.HTTPError):
                self.failures += 1
            self.slowest = max(self.slowest, time.perf_counter() - started)


class IngestLoop:
    """Ingests one new slice of generated statements after another into `db` until stopped."""

    def __init__(self, db: Path, work: Path, first: int, size: int = 300) -> None:
        self.db, self.work, self.next, self.size = db, work, first, size
        self.runs = 0
        self.failed: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> IngestLoop:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()  # the ingest under way finishes: a run ends between ingests

    def _run(self) -> None:
        while not self._stop.is_set():
            folder = self.work / f"slice-{self.next}"
            if not (folder / ".complete").exists():
                generate(folder, self.size, seed=self.next, first=self.next)
                (folder / ".complete").write_text("")
            self.next += self.size
            done = archive(self.db, "ingest", str(folder), capture_output=True)
            self.runs += 1
            if done.returncode != 0:
                self.failed.append(done.returncode)


@dataclass
class Run:
    connections: int
    ingesting: bool
    result: WrkResult
    slowest_health: float
    health_failures: int
    ingests: int

    @property
    def failures(self) -> int:
        return self.result.errors + self.result.non_2xx + self.health_failures


def _remove(db: Path) -> None:
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def prepare(out: Path, statements: int, corpus: Path | None = None) -> Path:
    """The archive every run starts from, ingested once."""
    db = out / "load-base.db"
    _remove(db)
    source = corpus or (CORPUS if CORPUS.is_dir() else out / f"corpus-{statements}")
    if source not in (corpus, CORPUS) and not (source / ".complete").exists():
        generate(source, statements, seed=1)
        (source / ".complete").write_text("1")
    archive(db, "ingest", str(source), check=True, capture_output=True)
    return db


def fresh_copy(base: Path) -> Path:
    db = base.with_name("load.db")
    _remove(db)
    shutil.copy(base, db)
    return db


def load(
    base: str,
    db: Path,
    *,
    connections: int,
    seconds: int,
    seed: int,
    ingest: IngestLoop | None = None,
) -> Run:
    """One bounded run; `ingest` (not yet started) writes to the archive while it lasts."""
    paths = request_mix(db, random.Random(seed), size=max(2000, 600 * seconds))
    with HealthWatch(base) as health:
        if ingest is not None:
            with ingest:
                result = wrk(base, paths, seconds=seconds, connections=connections, timeout=10)
        else:
            result = wrk(base, paths, seconds=seconds, connections=connections, timeout=10)
    return Run(
        connections,
        ingest is not None,
        result,
        health.slowest,
        health.failures,
        ingest.runs if ingest else 0,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", default="32,64,256")
    parser.add_argument("--corpus", type=Path, help="statements to serve (default: see above)")
    parser.add_argument("--statements", type=int, default=1000, help="generated corpus size")
    parser.add_argument("--no-ingest", action="store_true", help="skip the runs while ingesting")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    counts = [int(c) for c in args.connections.split(",")]

    base_db = prepare(args.out, args.statements, args.corpus)
    runs: list[Run] = []
    ingest_failures: list[int] = []
    logs = []
    for ingesting in (False,) if args.no_ingest else (False, True):
        for connections in counts:
            db = fresh_copy(base_db)
            log = args.out / f"load-server-{connections}{'-ingesting' if ingesting else ''}.log"
            logs.append(log)
            loop = IngestLoop(db, args.out / "load-slices", first=900_000)
            with serving(db, log=log) as (base, _pid):
                run = load(
                    base,
                    db,
                    connections=connections,
                    seconds=args.seconds,
                    seed=len(runs),
                    ingest=loop if ingesting else None,
                )
            ingest_failures += loop.failed
            runs.append(run)
            r = run.result
            print(
                f"{connections} connections{' while ingesting' if ingesting else ''}: "
                f"{r.requests:,} requests, {r.rps:,.0f}/s, p50 {r.p50_ms:.0f} ms, p99 "
                f"{r.p99_ms:.0f} ms, {r.errors} errors/timeouts, {r.non_2xx} non-2xx/3xx, "
                f"/healthz at worst {run.slowest_health * 1000:.0f} ms",
                flush=True,
            )

    print()
    served = args.corpus or ("../shared/corpus" if CORPUS.is_dir() else "generated corpus")
    print(f"archive: {base_db} ({served}); "
          f"{args.seconds} s per run; wrk timeout 10 s")  # fmt: skip
    print("| connections | ingest running | requests/s | p50 ms | p99 ms | errors + timeouts "
          "| non-2xx | slowest /healthz | ingests |")  # fmt: skip
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for run in runs:
        r = run.result
        print(
            f"| {run.connections} | {'yes' if run.ingesting else 'no'} | {r.rps:,.0f} | "
            f"{r.p50_ms:.0f} | {r.p99_ms:.0f} | {r.errors} | {r.non_2xx} | "
            f"{run.slowest_health * 1000:.0f} ms | {run.ingests or ''} |"
        )
    problems = [f"{r.connections} connections: {r.failures} failed" for r in runs if r.failures]
    problems += [f"an ingest failed (exit {code})" for code in ingest_failures]
    for ingesting in (False, True):
        mine = [r for r in runs if r.ingesting == ingesting]
        if mine:
            floor = mine[0].result.rps * TOLERANCE
            problems += [
                f"{r.connections} connections: {r.result.rps:.0f}/s, below {floor:.0f}/s"
                for r in mine[1:]
                if r.result.rps < floor
            ]
    for problem in problems:
        print(f"FAILED: {problem}")
    if problems:
        print("the servers' logs, one line per request:", *logs, sep="\n  ")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
