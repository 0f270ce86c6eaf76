"""SQLite and PostgreSQL side by side: ingest, search and pages on the same corpus, one run.

For each size, the same generated corpus (bench/generate_corpus.py) is ingested with
`archive ingest` into a fresh SQLite file and into a fresh PostgreSQL database (a server started
for the run from Debian's binaries, fsync on and synchronous_commit off: the durability class
of SQLite's WAL with synchronous=NORMAL), then each archive is served by `archive serve` on a
loopback port and measured over HTTP: search per query class (never-seen queries, then warm),
and a statement page rendered from the database (page cache off).

    python bench/bench_engines.py --sizes 10000 [--repeat 30] [--seconds 10]
        [--engines sqlite,postgresql]

Each size's figures are printed as a line of JSON as soon as an engine is done, and the table of
both engines at the end (`--engines` measures one of them only: its column alone).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_ingest import CHILD, corpus_for  # noqa: E402
from bench.bench_search import QUERY_CLASSES  # noqa: E402
from bench.serve import rss_mb, serving, wrk  # noqa: E402
from tests import pgcluster  # noqa: E402

NEVER_SEEN_WORDS = ["security", "council", "international", "peace", "states", "support"]


def ingest(archive: str, corpus: Path) -> dict[str, float]:
    """`archive ingest` of `corpus` in a fresh process; its timings and its peak RSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, "-c", CHILD.replace("Path(sys.argv[1])", "sys.argv[1]"), archive,
         str(corpus)],
        check=True, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    wall = time.perf_counter() - started
    timings = json.loads(child.stdout.strip().splitlines()[-1])
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "seconds": wall,
        "write": timings["write"],
        "analysis": timings["analysis"],
        "peak_mb": max(peak, before) / 1024,
    }


def _get(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def _pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def search_figures(base: str, repeat: int, rng: random.Random) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for name, params, _ in QUERY_CLASSES:
        url = f"{base}/api/search?{urlencode(params)}"
        _get(url)  # warm
        warm = [_get(url) for _ in range(repeat)]
        out[name] = {"p50": statistics.median(warm), "p95": _pct(warm, 95)}
    # Never seen before: a new pair of common words each time (no cache can hold them).
    fresh = []
    for i in range(repeat):
        a, b = rng.sample(NEVER_SEEN_WORDS, 2)
        fresh.append(_get(f"{base}/api/search?{urlencode({'q': f'{a} {b} -x{i}q'})}"))
    out["never seen (two common words)"] = {
        "p50": statistics.median(fresh),
        "p95": _pct(fresh, 95),
    }
    return out


def page_figures(archive: str, seconds: int) -> dict[str, float]:
    os.environ["ARCHIVE_PAGE_CACHE_MB"] = "0"
    try:
        with serving(archive) as (base, pid):  # type: ignore[arg-type]
            ids = json.loads(urllib.request.urlopen(f"{base}/api/statements?limit=100").read())
            paths = [f"/statements/{item['id']}" for item in ids["items"]]
            result = wrk(base, paths, seconds=seconds, connections=16)
            return {
                "req_s": result.rps,
                "p99_ms": result.p99_ms,
                "errors": result.errors + result.non_2xx,
                "rss_mb": rss_mb(pid),
            }
    finally:
        os.environ.pop("ARCHIVE_PAGE_CACHE_MB", None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000", help="comma-separated statement counts")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page run")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--engines", default="sqlite,postgresql", help="which to measure")
    args = parser.parse_args()
    engines = set(args.engines.split(","))
    args.out.mkdir(parents=True, exist_ok=True)
    server = pgcluster.start_primary(
        settings={"fsync": "on", "synchronous_commit": "off", "full_page_writes": "on",
                  "shared_buffers": "'1GB'", "maintenance_work_mem": "'512MB'"}
    )  # fmt: skip
    report: dict[str, object] = {}
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            corpus = corpus_for(size, args.out)
            lite = args.out / f"engines-{size}.db"
            for suffix in ("", "-wal", "-shm") if "sqlite" in engines else ():
                Path(f"{lite}{suffix}").unlink(missing_ok=True)
            server.admin(f"DROP DATABASE IF EXISTS engines_{size} WITH (FORCE)")
            pg = server.url(f"engines_{size}")
            row: dict[str, object] = {}
            for name, archive in (("sqlite", str(lite)), ("postgresql", pg)):
                if name not in engines:
                    continue
                figures: dict[str, object] = {"ingest": ingest(archive, corpus)}
                # Printed at once: the ingest of a large corpus is the longest part of the run.
                print(f"{size} {name} ingest: {json.dumps(figures['ingest'])}", flush=True)
                if name == "sqlite":
                    figures["db_mb"] = lite.stat().st_size / 1e6
                else:
                    figures["db_mb"] = (
                        int(server.psql(f"SELECT pg_database_size('engines_{size}')")) / 1e6
                    )
                with serving(archive) as (base, _):  # type: ignore[arg-type]
                    figures["search"] = search_figures(base, args.repeat, random.Random(size))
                figures["pages"] = page_figures(archive, args.seconds)
                row[name] = figures
                print(f"{size} {name}: {json.dumps(figures)}", flush=True)
            report[str(size)] = row
    finally:
        server.stop()
        pgcluster.remove(server.folder)
    (args.out / "engines.json").write_text(json.dumps(report, indent=1))
    print(format_report(report))


def format_report(report: dict[str, object]) -> str:
    lines = []
    for size, row in report.items():
        assert isinstance(row, dict)
        lines.append(f"\n### {int(size):,} statements\n")
        columns = [row[name] for name in ("sqlite", "postgresql") if name in row]
        titles = [{"sqlite": "SQLite", "postgresql": "PostgreSQL"}[name] for name in row]
        lines.append(f"| | {' | '.join(titles)} |\n| --- |{' --- |' * len(titles)}")

        cells: list[tuple[str, list[str]]] = [
            (label, [f"{c['ingest'][key]:,.1f}" for c in columns])
            for label, key in (
                ("ingest end to end (s)", "seconds"),
                ("text (s)", "write"),
                ("analysis (s)", "analysis"),
                ("ingest peak RSS (MB)", "peak_mb"),
            )
        ]
        cells.append(("database (MB)", [f"{c['db_mb']:,.0f}" for c in columns]))
        # Runs of different checkouts may measure different query classes: each one's row.
        for name in dict.fromkeys(name for c in columns for name in c["search"]):
            timings = [c["search"].get(name) for c in columns]
            cells.append(
                (
                    f"search {name}: p50 / p95 (ms)",
                    [f"{t['p50']:.1f} / {t['p95']:.1f}" if t else "–" for t in timings],
                )
            )
        cells.append(
            (
                "statement page rendered (req/s, p99 ms)",
                [f"{c['pages']['req_s']:,.0f}, {c['pages']['p99_ms']:.0f}" for c in columns],
            )
        )
        lines.extend(f"| {label} | {' | '.join(values)} |" for label, values in cells)
    return "\n".join(lines)


if __name__ == "__main__":
    main()
