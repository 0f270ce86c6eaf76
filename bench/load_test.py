"""Bounded load test: a mix of search, statement and paragraph requests against `archive serve`
(started as `make run` starts it) while an ingest writes to the same database.

Exits 1 if any request failed (socket error or a non-2xx/3xx answer); prints the p99.

    python bench/load_test.py [--seconds 20] [--connections 16] [--statements 1000]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_ingest import corpus_for  # noqa: E402
from bench.serve import archive, serving, wrk  # noqa: E402

QUERIES = [
    '"organized criminal groups and networks"',
    "border management",
    "trafficking -drugs",
    "organi*",
    '"international peace and security"',
    "piracy OR terrorism",
    "cross-border",
]


def request_mix(db: Path, rng: random.Random, size: int = 300) -> list[str]:
    """Searches (40%), statement pages (30%) and paragraph pages (30%) of real ids."""
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT s.id, count(p.id) FROM statement s JOIN paragraph p ON p.statement_pk = s.pk "
        "GROUP BY s.pk"
    ).fetchall()
    conn.close()
    paths = []
    for _ in range(size):
        kind = rng.random()
        sid, paragraphs = rng.choice(rows)
        if kind < 0.4:
            paths.append("/search?q=" + quote(rng.choice(QUERIES)))
        elif kind < 0.7:
            paths.append(f"/statements/{sid}")
        else:
            paths.append(f"/statements/{sid}/paragraphs/{rng.randint(1, paragraphs)}")
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--statements", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    db = args.out / "load.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    archive(
        db,
        "ingest",
        str(corpus_for(args.statements, args.out)),
        check=True,
        stderr=subprocess.DEVNULL,
    )
    more = corpus_for(args.statements // 2, args.out, seed=2, first=args.statements)

    ingest_result: dict[str, int] = {}

    def ingest_meanwhile() -> None:
        done = archive(db, "ingest", str(more), stderr=subprocess.DEVNULL)
        ingest_result["returncode"] = done.returncode

    server_log = args.out / "load-server.log"
    with serving(db, log=server_log) as (base, _pid):
        writer = threading.Thread(target=ingest_meanwhile)
        writer.start()
        result = wrk(
            base,
            request_mix(db, random.Random(5)),
            seconds=args.seconds,
            connections=args.connections,
            timeout=10,  # slower is slow, and the p99 says so; a failure is no answer at all
        )
        writer.join()

    print(
        f"load test: {result.requests:,} requests in {result.seconds:.1f} s "
        f"({result.rps:,.0f}/s) with {args.connections} connections while ingesting "
        f"{args.statements // 2} statements (exit {ingest_result.get('returncode')}); "
        f"p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms; "
        f"failed: {result.errors} socket errors, {result.non_2xx} non-2xx/3xx"
    )
    failed = result.errors or result.non_2xx or ingest_result.get("returncode") != 0
    if failed:
        print(f"the server's log, one line per request: {server_log}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
