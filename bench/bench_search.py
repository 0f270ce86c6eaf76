"""Search benchmark: ours in-process and over HTTP, beside the raw FTS5 floor and Datasette.

For each query class the same words run, on the same database file:
- ours: `/api/search` and the HTML results page `/search`, through the ASGI app in-process
  (a query seen before, and a query never seen: its cached counts and prefixes forgotten before
  each run), and over HTTP from `archive serve` as `make run` starts it;
- floor: the same FTS5 work (match, bm25 rank, limit 20, snippet, count) through sqlite3;
- peer: Datasette serving the same file, queried through its full-text `_search` JSON API.
It prints latency percentiles in milliseconds and the ratios that issue 7 sets targets on.

    python bench/bench_search.py --db PATH [--repeat 30] [--slow-repeat 10] [--no-datasette]
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

from bench.serve import free_port, rss_mb, serving, wrk  # noqa: E402

QUERY_CLASSES: list[tuple[str, dict[str, str], str]] = [
    # name, search parameters, the FTS5 expression our parser produces (for floor and peer)
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

Samples = list[float]


def percentile(samples: Samples, p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def timed(call: Callable[[], object], repeat: int, *, warm: bool = True) -> Samples:
    if warm:
        call()
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
        with urllib.request.urlopen(url, timeout=120) as response:
            return response.read()

    return run


def in_process(db: Path, repeat: int) -> dict[str, list[Samples]]:
    """Per query class: API warm, API never seen before, HTML warm; and the first search
    after start (which reads the timeline)."""
    import httpx2 as httpx

    from app.search.fts5 import engine as search
    from app.web.app import create_app

    app = create_app(db)
    out: dict[str, list[Samples]] = {
        "api": [],
        "api cold": [],
        "html": [],
        "first": [],
        "prepared": [],
    }

    def prepared() -> bool:
        from sqlmodel import Session

        with Session(app.state.engine) as session:
            return search.prepared(session)

    async def measure() -> None:
        started = time.perf_counter()
        async with app.router.lifespan_context(app):
            while hasattr(search, "prepared") and not prepared():  # absent before warm-up
                await asyncio.sleep(0.01)
            out["prepared"].append([(time.perf_counter() - started) * 1000])
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

                async def get(path: str, params: dict[str, str]) -> float:
                    started = time.perf_counter()
                    r = await client.get(path, params=params)
                    assert r.status_code == 200, r.text
                    return (time.perf_counter() - started) * 1000

                out["first"].append([await get("/api/search", QUERY_CLASSES[0][1])])
                for _, params, _ in QUERY_CLASSES:
                    cold = []
                    for _ in range(repeat):
                        if hasattr(search, "clear_caches"):  # absent before the caches existed
                            search.clear_caches(timelines=False)
                        cold.append(await get("/api/search", params))
                    out["api cold"].append(cold)
                    await get("/api/search", params)
                    out["api"].append([await get("/api/search", params) for _ in range(repeat)])
                    await get("/search", params)
                    out["html"].append([await get("/search", params) for _ in range(repeat)])

    asyncio.run(measure())
    return out


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
            "60000",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180  # a large file takes Datasette a while to open
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=5)
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.terminate()
        raise RuntimeError("Datasette did not start within three minutes")
    return proc, base, db.stem


THROUGHPUT_CONNECTIONS = 4


def throughput(base: str, path: str, seconds: int) -> float:
    """Requests/s of one search URL under a bounded load (slow answers are waited for)."""
    result = wrk(
        base, [path], seconds=seconds, connections=THROUGHPUT_CONNECTIONS, threads=1, timeout=60
    )
    return result.rps


def fmt(samples: Samples) -> str:
    return f"{percentile(samples, 0.5):.1f} / {percentile(samples, 0.95):.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "out" / "ingest-1000.db")
    parser.add_argument("--repeat", type=int, default=30, help="runs per class for ours")
    parser.add_argument(
        "--slow-repeat", type=int, default=10, help="runs per class for the floor and Datasette"
    )
    parser.add_argument("--no-datasette", action="store_true")
    parser.add_argument(
        "--wrk-seconds", type=int, default=5, help="length of each throughput run (0: none)"
    )
    args = parser.parse_args()
    db = args.db
    conn = sqlite3.connect(db)
    paragraphs = conn.execute("SELECT count(*) FROM paragraph").fetchone()[0]
    conn.close()
    print(
        f"search latency on {db.name} ({paragraphs:,} paragraphs): ours {args.repeat} runs, "
        f"floor and Datasette {args.slow_repeat} runs per class; p50 / p95 in ms",
        flush=True,
    )

    ours = in_process(db, args.repeat)
    print(
        f"search prepared (timeline built) {ours['prepared'][0][0]:.0f} ms after the server "
        f"started; the first search after that: {ours['first'][0][0]:.0f} ms"
    )
    http_api, http_html, ours_rps = [], [], []
    with serving(db) as (base, pid):
        for _, params, _ in QUERY_CLASSES:
            query = urlencode(params)
            http_call(f"{base}/api/search?{query}")()  # the server's first search
            http_api.append(timed(http_call(f"{base}/api/search?{query}"), args.repeat))
            http_html.append(timed(http_call(f"{base}/search?{query}"), args.repeat))
            if args.wrk_seconds:
                ours_rps.append(throughput(base, f"/api/search?{query}", args.wrk_seconds))
        print(f"memory of the serving process after the searches: {rss_mb(pid):.0f} MB")
    floor = [timed(floor_call(db, e), args.slow_repeat) for _, _, e in QUERY_CLASSES]
    peer: list[Samples] = []
    peer_rps: list[float] = []
    if not args.no_datasette:
        proc, ds, name = start_datasette(db)
        try:
            for _, _, expression in QUERY_CLASSES:
                query = urlencode({"_search": expression, "_searchmode": "raw", "_size": 20})
                path = f"/{name}/paragraph.json?{query}"
                peer.append(timed(http_call(ds + path), args.slow_repeat))
                if args.wrk_seconds:
                    peer_rps.append(throughput(ds, path, args.wrk_seconds))
        finally:
            proc.terminate()

    columns = [
        ("query class", 21),
        ("API in-proc", 13),
        ("API new query", 14),
        ("HTML in-proc", 13),
        ("API HTTP", 13),
        ("HTML HTTP", 13),
        ("floor", 15),
        ("Datasette", 15),
        ("API/floor", 10),
        ("new/floor", 10),
        ("HTML/floor", 11),
        ("DS/API", 7),
    ]
    print("  ".join(f"{name:>{width}}" for name, width in columns))
    for i, (name, _, _) in enumerate(QUERY_CLASSES):
        f95 = percentile(floor[i], 0.95)
        cells = [
            name,
            fmt(ours["api"][i]),
            fmt(ours["api cold"][i]),
            fmt(ours["html"][i]),
            fmt(http_api[i]),
            fmt(http_html[i]),
            fmt(floor[i]),
            fmt(peer[i]) if peer else "-",
            f"{percentile(http_api[i], 0.95) / f95:.2f}x",
            f"{percentile(ours['api cold'][i], 0.95) / f95:.2f}x",
            f"{percentile(http_html[i], 0.95) / f95:.2f}x",
            f"{statistics.median(peer[i]) / statistics.median(http_api[i]):.1f}x" if peer else "-",
        ]
        print("  ".join(f"{c:>{w}}" for c, (_, w) in zip(cells, columns, strict=True)))
    print(
        "API/floor and HTML/floor: p95 over HTTP against the floor's p95 (target at most 1.5x, "
        "and under 50 ms); new/floor: a query never seen before, in-process; DS/API: "
        "Datasette's p50 over ours over HTTP."
    )
    print(
        f"p99 of ours in ms (of {args.repeat} runs: the slowest): "
        "API in-process / API new query / HTML in-process / API HTTP / HTML HTTP"
    )
    for i, (name, _, _) in enumerate(QUERY_CLASSES):
        tails = [ours["api"][i], ours["api cold"][i], ours["html"][i], http_api[i], http_html[i]]
        print(f"{name:>21}  " + " / ".join(f"{percentile(t, 0.99):.1f}" for t in tails))
    if ours_rps:
        print(
            f"search throughput over HTTP: wrk, {THROUGHPUT_CONNECTIONS} connections x "
            f"{args.wrk_seconds} s per row, the same query repeated; requests/s"
        )
        print(f"{'query class':>21}  {'ours /api/search':>16}  {'Datasette':>10}  {'ours/DS':>8}")
        for i, (name, _, _) in enumerate(QUERY_CLASSES):
            theirs = f"{peer_rps[i]:,.1f}" if peer_rps else "-"
            ratio = f"{ours_rps[i] / peer_rps[i]:.1f}x" if peer_rps and peer_rps[i] else "-"
            print(f"{name:>21}  {ours_rps[i]:>16,.1f}  {theirs:>10}  {ratio:>8}")
        print("ours/DS: target at least 2x.")


if __name__ == "__main__":
    main()
