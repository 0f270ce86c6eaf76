"""Page benchmark: requests/s and p99 of the statement, paragraph and browse pages (and the
statements JSON API), served by `archive serve` as `make run` serves it, under wrk on loopback.

Each page kind cycles through many distinct URLs of real ids drawn at random (seeded), so the
figures are not one hot page. The server is started twice:
- "rendered": with the page cache off (ARCHIVE_PAGE_CACHE_MB=0): every request queries the
  database and renders its template (archive-wide counts, such as statements per year, are
  still worked out once per database version);
- "cached": as `make run` starts it, once the page cache holds the URLs: one request to each,
  then a first wrk run that is not counted (each worker keeps its own cache, and fills it from
  the requests it happens to get).
wrk asks for no compression, so answers are the pages' full size. The serving process's memory
(server and workers, resident) is taken after each run; the largest is printed. wrk runs on the
same machine, so it takes part of the CPU the server would have.

    python bench/bench_pages.py --db PATH [--workers N] [--seconds S] [--connections C]
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.serve import WrkResult, rss_mb, serving, wrk  # noqa: E402

PAGE_SIZE = 25  # app.routes.pages.PAGE_SIZE; not imported so the script runs without the app


def url_sets(db: Path, rng: random.Random, size: int) -> dict[str, list[str]]:
    """Distinct URLs of each page kind, of real statements and paragraphs, in random order."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    ids = [row[0] for row in conn.execute("SELECT id FROM statement")]
    total = len(ids)
    years = [row[0] for row in conn.execute("SELECT DISTINCT year FROM statement")]
    picked = rng.sample(ids, min(size, total))
    paragraphs = []
    for sid in picked:
        (count,) = conn.execute(
            "SELECT count(*) FROM paragraph p JOIN statement s ON s.pk = p.statement_pk "
            "WHERE s.id = ?",
            (sid,),
        ).fetchone()
        paragraphs.append(f"/statements/{sid}/paragraphs/{rng.randint(1, max(1, count))}")
    conn.close()
    last_page = max(1, -(-total // PAGE_SIZE))
    browse = ["/statements"] + [
        f"/statements?page={rng.randint(2, last_page)}"
        if rng.random() < 0.5 or not years
        else f"/statements?year={rng.choice(years)}"
        for _ in range(size - 1)
    ]
    return {
        "statement": [f"/statements/{sid}" for sid in picked],
        "paragraph": paragraphs,
        "browse": list(dict.fromkeys(browse)),
        "api statement": [f"/api/statements/{sid}" for sid in picked],
    }


def prime(base: str, paths: list[str]) -> None:
    """Request every URL once (a few at a time), so that the page cache holds them."""

    def get(path: str) -> None:
        with urllib.request.urlopen(base + path, timeout=60) as response:
            response.read()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(get, paths))


def measure(
    db: Path, urls: dict[str, list[str]], args: argparse.Namespace, *, cache: bool
) -> tuple[dict[str, WrkResult], float]:
    """wrk over each page kind against a fresh server; the results and the peak RSS (MB)."""
    if cache:
        os.environ.pop("ARCHIVE_PAGE_CACHE_MB", None)
    else:
        os.environ["ARCHIVE_PAGE_CACHE_MB"] = "0"
    results = {}
    peak = 0.0
    with serving(db, args.workers) as (base, pid):
        for kind, paths in urls.items():
            run = {"seconds": args.seconds, "connections": args.connections}
            if cache:
                prime(base, paths)
                wrk(base, paths, threads=args.threads, **run)
            results[kind] = wrk(base, paths, threads=args.threads, **run)
            peak = max(peak, rss_mb(pid))
    os.environ.pop("ARCHIVE_PAGE_CACHE_MB", None)
    return results, peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="an ingested archive")
    parser.add_argument(
        "--workers", type=int, help="uvicorn workers (default: what `make run` starts)"
    )
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--urls", type=int, default=2000, help="distinct URLs per page kind")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not args.db.is_file():
        parser.error(f"{args.db}: no such database")

    urls = url_sets(args.db, random.Random(args.seed), args.urls)
    rendered, peak_rendered = measure(args.db, urls, args, cache=False)
    cached, peak_cached = measure(args.db, urls, args, cache=True)

    conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    (paragraphs,) = conn.execute("SELECT count(*) FROM paragraph").fetchone()
    conn.close()
    print(
        f"pages: {args.db.name} ({args.db.stat().st_size / 1e6:,.0f} MB, {paragraphs:,} "
        f"paragraphs), workers {args.workers or 'as make run'}, wrk {args.threads} thread(s) "
        f"x {args.connections} connections x {args.seconds} s per row"
    )
    print("| page | URLs | rendered req/s | p99 | cached req/s | p99 | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for kind, paths in urls.items():
        r, c = rendered[kind], cached[kind]
        errors = r.errors + r.non_2xx + c.errors + c.non_2xx
        print(
            f"| {kind} | {len(paths):,} | {r.rps:,.0f} | {r.p99_ms:.1f} ms "
            f"| {c.rps:,.0f} | {c.p99_ms:.1f} ms | {errors} |"
        )
    print(
        f"serving process RSS (server and workers): peak {peak_rendered:.0f} MB rendering, "
        f"{peak_cached:.0f} MB cached"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
