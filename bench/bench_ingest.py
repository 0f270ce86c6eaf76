"""Ingest benchmark: files/s, paragraphs/s, peak memory and database size per corpus size.

Each size runs `archive ingest` end to end (parse, write, index) in a fresh process on a fresh
database, the way an operator would, and reads the child's peak RSS from the kernel.

    python bench/bench_ingest.py [--sizes 1000,10000] [--out bench/out]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate_corpus import generate  # noqa: E402


@dataclass
class IngestFigures:
    statements: int
    paragraphs: int
    seconds: float
    write_seconds: float
    """Parsing, writing and indexing the text (one transaction)."""
    analysis_seconds: float
    """Citations and agreed language of the new paragraphs."""
    peak_rss_mb: float
    db_mb: float

    @property
    def files_per_s(self) -> float:
        return self.statements / self.seconds

    @property
    def paragraphs_per_s(self) -> float:
        return self.paragraphs / self.seconds

    @property
    def text_paragraphs_per_s(self) -> float:
        return self.paragraphs / self.write_seconds

    @property
    def analysis_paragraphs_per_s(self) -> float:
        return self.paragraphs / self.analysis_seconds if self.analysis_seconds else 0.0


def corpus_for(size: int, out: Path, seed: int = 1, first: int = 0) -> Path:
    """The synthetic corpus of `size` statements, generated once and reused."""
    folder = out / (f"corpus-{size}" if not first else f"corpus-{size}-from-{first}")
    marker = folder / ".complete"
    if not marker.exists():
        generate(folder, size, seed, first)
        marker.write_text(str(seed))
    return folder


# The child runs the ingest exactly as `archive ingest` does, and reports its own timings.
CHILD = """
import json, sys
from pathlib import Path
from app.store.engine import make_engine, migrate
from app.ingest.pipeline import ingest
db = Path(sys.argv[1])
migrate(db)
engine = make_engine(db)
report = ingest(engine, [Path(sys.argv[2])])
engine.dispose()
print(json.dumps({"seconds": report.seconds, "write": report.write_seconds,
                  "analysis": report.analysis_seconds, "failed": len(report.failed)}))
"""


def run_ingest(corpus: Path, db: Path) -> IngestFigures:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(db), str(corpus)],
        check=True,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    wall = time.perf_counter() - started
    timings = json.loads(child.stdout.strip().splitlines()[-1])
    # ru_maxrss of children is the largest child so far: the sizes run in increasing order.
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    conn = sqlite3.connect(db)
    statements, paragraphs = conn.execute(
        "SELECT (SELECT count(*) FROM statement), (SELECT count(*) FROM paragraph)"
    ).fetchone()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return IngestFigures(
        statements=statements,
        paragraphs=paragraphs,
        seconds=wall,
        write_seconds=timings["write"],
        analysis_seconds=timings["analysis"],
        peak_rss_mb=peak / 1024,
        db_mb=os.path.getsize(db) / 1e6,
    )


def format_table(rows: list[IngestFigures]) -> str:
    lines = [
        f"{'statements':>10} {'paragraphs':>11} {'seconds':>8} {'files/s':>8} {'paras/s':>8} "
        f"{'text s':>7} {'text p/s':>9} {'analysis s':>10} {'anal. p/s':>9} "
        f"{'peak MB':>8} {'db MB':>7}"
    ]
    for r in rows:
        lines.append(
            f"{r.statements:>10,} {r.paragraphs:>11,} {r.seconds:>8.1f} {r.files_per_s:>8,.0f} "
            f"{r.paragraphs_per_s:>8,.0f} {r.write_seconds:>7.1f} {r.text_paragraphs_per_s:>9,.0f} "
            f"{r.analysis_seconds:>10.1f} {r.analysis_paragraphs_per_s:>9,.0f} "
            f"{r.peak_rss_mb:>8.0f} {r.db_mb:>7.0f}"
        )
    lines.append(
        "seconds: `archive ingest` end to end in a fresh process on a fresh database; text: "
        "parse, write and index (one transaction); analysis: citations and agreed language; "
        "peak MB: the largest process of the run (peak RSS)."
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000", help="comma-separated statement counts")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        corpus = corpus_for(size, args.out)
        rows.append(run_ingest(corpus, args.out / f"ingest-{size}.db"))
    print(format_table(rows))


if __name__ == "__main__":
    main()
