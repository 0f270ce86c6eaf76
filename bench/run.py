"""The benchmark suite: ingest, search, the draft check and pages at each corpus size, one report.

For each size it generates the synthetic corpus once (deterministic), ingests it end to end in
a fresh process on a fresh database, then runs the search benchmark (ours in-process and over
HTTP, the raw FTS5 floor, Datasette), the draft check benchmark (1,000-word drafts, in-process
and over HTTP) and the page benchmark (wrk against `archive serve` with the workers `make run`
starts) on that database. Everything is printed and also written to
bench/out/report.md, ready to copy into BENCHMARKS.md.

    python bench/run.py                 # the quick size (1,000 statements)
    python bench/run.py --large         # 1,000, 10,000 and 100,000 statements (~1.5 M paragraphs)
    python bench/run.py --sizes 1000,10000
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_ingest import corpus_for, format_table, run_ingest  # noqa: E402

QUICK = [1000]
LARGE = [1000, 10_000, 100_000]


def _section(title: str) -> str:
    return f"\n## {title}\n"


def _run(script: str, *args: str) -> str:
    """Run one benchmark script of this folder and return what it printed."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args],
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return result.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", help="comma-separated statement counts")
    parser.add_argument("--large", action="store_true", help="1k, 10k and 100k statements")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else None
    sizes = sizes or (LARGE if args.large else QUICK)
    args.out.mkdir(parents=True, exist_ok=True)

    report = [
        f"# Benchmark run {dt.datetime.now():%Y-%m-%d %H:%M}",
        f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores",
    ]

    def emit(text: str) -> None:
        print(text, flush=True)
        report.append(text)

    ingests = []
    for size in sizes:
        corpus = corpus_for(size, args.out)
        db = args.out / f"ingest-{size}.db"
        ingests.append(run_ingest(corpus, db))
        emit(_section(f"{size:,} statements: ingest"))
        emit("```")
        emit(format_table(ingests[-1:]))
        emit("```")
        emit(_section(f"{size:,} statements: search"))
        emit("```\n" + _run("bench_search.py", "--db", str(db)).rstrip() + "\n```")
        emit(_section(f"{size:,} statements: draft check"))
        emit("```\n" + _run("bench_draft.py", "--db", str(db)).rstrip() + "\n```")
        emit(_section(f"{size:,} statements: pages"))
        emit(
            "```\n"
            + _run("bench_pages.py", "--db", str(db), "--seconds", str(args.seconds)).rstrip()
            + "\n```"
        )
    emit(_section("Ingest, all sizes"))
    emit("```")
    emit(format_table(ingests))
    emit("```")
    (args.out / "report.md").write_text("\n".join(report) + "\n", encoding="utf-8")
    print(f"\nwritten to {args.out / 'report.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
