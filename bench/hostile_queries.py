"""Hostile searches against `archive serve`: each must be answered, within the search budget,
with a clear message when it is refused; and /healthz must stay quick while eight of each run
at once.

For each query of `HOSTILE` it prints the answer's status, the server's processor time for
the search as the budget accounts it (the `Server-Timing` header), the time on the clock, the
slowest /healthz while eight copies ran concurrently, and the start of the message. Runs over
../shared/corpus when it is there, else over a generated corpus.

    python bench/hostile_queries.py [--db PATH] [--statements 1000]
"""

from __future__ import annotations

import argparse
import json
import re
import string
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.serve import COMMON_WORDS, CORPUS, archive, serving  # noqa: E402

COMMON = COMMON_WORDS[:30]

HOSTILE: list[tuple[str, str]] = [
    ("prefix flood, OR", " OR ".join(f"{c}*" for c in string.ascii_lowercase)),
    ("prefix flood, AND", " ".join(f"{c}*" for c in string.ascii_lowercase)),
    ("two-letter prefixes", " OR ".join(f"{a}{b}*" for a in "aeiou" for b in "nrst")),
    ("broad 3-letter prefixes", "con* pro* pre* dis*"),
    ("one broad prefix, common words", "con* " + " ".join(COMMON[:8])),
    ("98 exclusions", "peace " + " ".join(f"-x{i}" for i in range(98))),
    ("30 exclusions", "peace " + " ".join(f"-{w}" for w in COMMON[1:31])),
    ("30 common words OR-ed", " OR ".join(COMMON[:30])),
    ("5,000 characters of OR", " OR ".join(COMMON * 40)[:5000]),
    ("huge phrase (69 words)", '"' + ("the security council " * 23).strip() + '"'),
    ("5,000 characters of one phrase", ('"' + "the security council " * 250)[:4999] + '"'),
    ("many phrases of prefixes", " OR ".join(f'"{a}* {a}{a}*"' for a in "abcdefghij")),
    ("operators only", "NEAR( AND OR NOT " * 250),
    ("unicode and controls", "😀\x00\x1b[31m±" * 500),
]  # fmt: skip
"""(name, query) of the searches an attacker (or a careless script) sends."""

TIMING_RE = re.compile(r"search;dur=([\d.]+)")


def ask(base: str, path: str, timeout: float = 60) -> tuple[int, dict[str, str], bytes, float]:
    """GET base+path: status, headers, body and seconds on the clock."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(base + path, timeout=timeout) as r:
            status, headers, body = r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        status, headers, body = e.code, dict(e.headers), e.read()
    return status, headers, body, time.perf_counter() - started


def server_ms(headers: dict[str, str]) -> float | None:
    m = TIMING_RE.search(headers.get("Server-Timing") or headers.get("server-timing") or "")
    return float(m.group(1)) if m else None


def under_load(base: str, path: str, copies: int = 8) -> float:
    """The slowest /healthz (seconds) while `copies` of `path` run at once."""
    done = threading.Event()
    slowest = 0.0

    def hammer() -> None:
        while not done.is_set():
            ask(base, path)

    threads = [threading.Thread(target=hammer, daemon=True) for _ in range(copies)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    for _ in range(5):
        slowest = max(slowest, ask(base, "/healthz")[3])
        time.sleep(0.1)
    done.set()
    for t in threads:
        t.join()
    return slowest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an archive to use (default: ingest a corpus)")
    parser.add_argument("--statements", type=int, default=1000, help="generated corpus size")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    db = args.db
    if db is None:
        from bench.bench_ingest import corpus_for

        source = CORPUS if CORPUS.is_dir() else corpus_for(args.statements, args.out)
        db = args.out / "hostile.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        archive(db, "ingest", str(source), check=True, capture_output=True)
    failed = False
    with serving(db) as (base, _pid):
        print(f"hostile searches on {db} ({json.loads(ask(base, '/healthz')[2])})")
        print("| query | API | server ms | clock ms | page | /healthz under 8 at once | answer |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
        for name, q in HOSTILE:
            api = f"/api/search?{urlencode({'q': q})}"
            status, headers, body, seconds = ask(base, api)
            page_status = ask(base, f"/search?{urlencode({'q': q})}")[0]
            health = under_load(base, api)
            ms = server_ms(headers)
            answer = json.loads(body)
            said = (
                answer.get("detail")
                or "; ".join(answer.get("notes") or [])
                or (f"{answer.get('total_paragraphs', 0):,} paragraphs")
            )
            failed |= status >= 500 or page_status >= 500 or ms is None or ms >= 1000
            print(
                f"| {name} | {status} | {ms if ms is not None else '-'} | {seconds * 1000:.0f} "
                f"| {page_status} | {health * 1000:.0f} ms | {said[:90]} |"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
