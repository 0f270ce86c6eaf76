"""Search benchmark: /api/search in-process and over HTTP, beside the raw FTS5 floor and Datasette.

For each query class it runs the same words three ways on the same database file:
- ours: `/api/search` through the ASGI app in-process, and over HTTP from `archive serve`;
- floor: the same FTS5 work (match, bm25 rank, limit 20, snippet, count) through sqlite3;
- peer: Datasette serving the same file, queried through its full-text `_search` JSON API.

    python bench/bench_search.py [--db bench/out/ingest-1000.db] [--repeat 30]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.serve import free_port, serving  # noqa: E402

QUERY_CLASSES: list[tuple[str, dict[str, str], str]] = [
    # name, /api/search params, the FTS5 expression our parser produces (for floor and peer)
    ("rare phrase", {"q": '"Paris Pact Initiative"'}, '"paris pact initiative"'),
    (
        "common phrase",
        {"q": '"international peace and security"'},
        '"international peace and security"',
    ),
    ("very common word", {"q": "council"}, '"council"'),
    ("prefix", {"q": "organi*"}, '"organi"*'),
    (
        "phrase + year filter",
        {"q": '"border management"', "year_from": "2000", "year_to": "2010"},
        '"border management"',
    ),
    ("sorted by date", {"q": '"small arms"', "sort": "newest"}, '"small arms"'),
]


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]

    return at(0.50), at(0.95), at(0.99)


def timed(call: Callable[[], object], repeat: int) -> list[float]:
    call()  # warm
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        out.append((time.perf_counter() - started) * 1000)
    return out


def floor_call(db: Path, expression: str) -> Callable[[], object]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, check_same_thread=False)

    def run() -> object:
        rows = conn.execute(
            "SELECT rowid, snippet(paragraph_fts, 0, '<mark>', '</mark>', '…', 48) "
            "FROM paragraph_fts WHERE paragraph_fts MATCH ? ORDER BY rank LIMIT 20",
            (expression,),
        ).fetchall()
        count = conn.execute(
            "SELECT count(*) FROM paragraph_fts WHERE paragraph_fts MATCH ?", (expression,)
        ).fetchone()
        return rows, count

    return run


def http_call(url: str) -> Callable[[], object]:
    def run() -> object:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.read()

    return run


def in_process_calls(db: Path, params_list: list[dict[str, str]], repeat: int) -> list[list[float]]:
    import httpx2 as httpx

    from app.main import create_app

    app = create_app(db)

    async def measure() -> list[list[float]]:
        results = []
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                for params in params_list:
                    await client.get("/api/search", params=params)
                    samples = []
                    for _ in range(repeat):
                        started = time.perf_counter()
                        r = await client.get("/api/search", params=params)
                        samples.append((time.perf_counter() - started) * 1000)
                        assert r.status_code == 200, r.text
                    results.append(samples)
        return results

    return asyncio.run(measure())


def start_datasette(db: Path) -> tuple[subprocess.Popen[bytes], str, str]:
    """Datasette on the same file, told which FTS table indexes `paragraph`."""
    meta = {
        "databases": {
            db.stem: {"tables": {"paragraph": {"fts_table": "paragraph_fts", "fts_pk": "id"}}}
        }
    }
    meta_file = Path(tempfile.mkstemp(suffix=".json")[1])
    meta_file.write_text(json.dumps(meta))
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "datasette",
            "serve",
            "-i",
            str(db),
            "--port",
            str(port),
            "--metadata",
            str(meta_file),
            "--setting",
            "sql_time_limit_ms",
            "30000",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    return proc, base, db.stem


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "out" / "ingest-1000.db")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    db = args.db
    conn = sqlite3.connect(db)
    paragraphs = conn.execute("SELECT count(*) FROM paragraph").fetchone()[0]
    conn.close()
    print(f"search latency on {db.name} ({paragraphs:,} paragraphs), {args.repeat} runs each, ms")

    ours_in = in_process_calls(db, [p for _, p, _ in QUERY_CLASSES], args.repeat)
    ours_http, floor, peer = [], [], []
    with serving(db) as (base, _pid):
        for _, params, _ in QUERY_CLASSES:
            ours_http.append(
                timed(http_call(f"{base}/api/search?{urlencode(params)}"), args.repeat)
            )
    for _, _, expression in QUERY_CLASSES:
        floor.append(timed(floor_call(db, expression), args.repeat))
    proc, ds, name = start_datasette(db)
    try:
        for _, _, expression in QUERY_CLASSES:
            query = urlencode({"_search": expression, "_searchmode": "raw", "_size": 20})
            peer.append(timed(http_call(f"{ds}/{name}/paragraph.json?{query}"), args.repeat))
    finally:
        proc.terminate()

    print(
        f"{'query class':<22} {'ours in-proc p50/p95':>21} {'ours HTTP p50/p95':>18} "
        f"{'floor p50/p95':>14} {'datasette p50/p95':>18} "
        f"{'HTTP/floor p95':>15} {'datasette/ours':>15}"
    )
    for i, (name_, _, _) in enumerate(QUERY_CLASSES):
        a, h, f, d = (percentiles(x) for x in (ours_in[i], ours_http[i], floor[i], peer[i]))
        print(
            f"{name_:<22} {a[0]:>10.1f}/{a[1]:<10.1f} {h[0]:>8.1f}/{h[1]:<9.1f} "
            f"{f[0]:>6.1f}/{f[1]:<7.1f} {d[0]:>8.1f}/{d[1]:<9.1f} {h[1] / f[1]:>14.1f}x "
            f"{statistics.median(peer[i]) / statistics.median(ours_http[i]):>14.2f}x"
        )


if __name__ == "__main__":
    main()
