"""Ingest benchmark: files/s, paragraphs/s, peak memory and database size per corpus size.

Each size runs `archive ingest` end to end (parse, write, index) in a fresh process on a fresh
database, the way an operator would, and reads the peak RSS of the ingest process and of the
largest of its worker processes, and the processor time of both, from the kernel. Beside it,
the *floor*: the same files read and parsed on every core, their paragraphs written to one
table and indexed by one FTS5 'rebuild', in one transaction.

    python bench/bench_ingest.py [--sizes 1000,10000] [--out bench/out] [--before DIR]

`--before DIR` runs the ingest of another checkout of the project (e.g. `git worktree add DIR
main`) on the same corpus too, right before ours, and prints its row first.
"""

from __future__ import annotations

import argparse
import json
import os
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
    label: str
    statements: int
    paragraphs: int
    seconds: float
    write_seconds: float
    """Parsing, writing and indexing the text (one transaction)."""
    analysis_seconds: float
    """Citations and agreed language of the new paragraphs."""
    peak_rss_mb: float
    """The ingest process's peak RSS."""
    worker_rss_mb: float
    """The largest worker process's peak RSS."""
    cpu_seconds: float
    """Processor time of the ingest process and its workers."""
    db_mb: float
    load: str
    """The machine's load averages when the run ended (`/proc/loadavg`)."""

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


# The child runs the ingest exactly as `archive ingest` does, and reports its own timings and
# the peak RSS of itself and of its largest worker process (ru_maxrss of its children).
CHILD = """
import json, resource, sys
from pathlib import Path
from app.store.engine import make_engine, migrate
from app.ingest.pipeline import ingest
db = Path(sys.argv[1])
migrate(db)
engine = make_engine(db)
report = ingest(engine, [Path(sys.argv[2])])
engine.dispose()
me = resource.getrusage(resource.RUSAGE_SELF)
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": report.seconds, "write": report.write_seconds,
                  "analysis": report.analysis_seconds, "failed": len(report.failed),
                  "rss_kb": me.ru_maxrss, "worker_rss_kb": kids.ru_maxrss,
                  "cpu": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime}))
"""

# The floor: the same files read and parsed on every core (the archive's own parser), their
# paragraphs written to one table with executemany and indexed by one FTS5 'rebuild'.
FLOOR = """
import json, os, resource, sqlite3, sys, time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from app.ingest.prepare import find_statement_files, read_statement_file
from app.parse.statement import ParsedStatement, decode, parse_document

def parse(path):
    document = parse_document(decode(read_statement_file(path)))
    if not isinstance(document, ParsedStatement):
        return []
    return [(p.number, p.plain) for p in document.paragraphs]

started = time.perf_counter()
paths = [f.path for f in find_statement_files([Path(sys.argv[2])]) if not f.refused]
conn = sqlite3.connect(sys.argv[1])
conn.execute("PRAGMA journal_mode=WAL")
conn.execute("PRAGMA synchronous=NORMAL")
conn.execute("CREATE TABLE paragraph (id INTEGER PRIMARY KEY, file INTEGER, number INTEGER,"
             " plain TEXT)")
conn.execute("CREATE VIRTUAL TABLE paragraph_fts USING fts5(plain, content='paragraph',"
             " content_rowid='id', tokenize='unicode61 remove_diacritics 2')")
with ProcessPoolExecutor(min(os.cpu_count() or 1, 8)) as pool:
    rows = (
        (index, number, plain)
        for index, paragraphs in enumerate(pool.map(parse, paths, chunksize=32))
        for number, plain in paragraphs
    )
    conn.executemany("INSERT INTO paragraph (file, number, plain) VALUES (?, ?, ?)", rows)
conn.execute("INSERT INTO paragraph_fts (paragraph_fts) VALUES ('rebuild')")
conn.commit()
seconds = time.perf_counter() - started
conn.close()
me = resource.getrusage(resource.RUSAGE_SELF)
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": seconds, "write": seconds, "analysis": 0.0, "failed": 0,
                  "rss_kb": me.ru_maxrss, "worker_rss_kb": kids.ru_maxrss,
                  "cpu": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime}))
"""


def run_ingest(
    corpus: Path, db: Path, *, code: Path = ROOT, script: str = CHILD, label: str = "ours"
) -> IngestFigures:
    """Run `script` (the ingest, or the floor) in a fresh process with `code`'s `app` on a
    fresh database `db`."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, "-c", script, str(db), str(corpus.resolve())],
        check=True,
        cwd=code,
        env={**os.environ, "PYTHONPATH": str(code)},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    wall = time.perf_counter() - started
    timings = json.loads(child.stdout.strip().splitlines()[-1])
    conn = sqlite3.connect(db)
    paragraphs = conn.execute("SELECT count(*) FROM paragraph").fetchone()[0]
    statements = (
        conn.execute("SELECT count(*) FROM statement").fetchone()[0]
        if script is CHILD
        else conn.execute("SELECT count(DISTINCT file) FROM paragraph").fetchone()[0]
    )
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return IngestFigures(
        label=label,
        statements=statements,
        paragraphs=paragraphs,
        seconds=wall,
        write_seconds=timings["write"],
        analysis_seconds=timings["analysis"],
        peak_rss_mb=timings["rss_kb"] / 1024,
        worker_rss_mb=timings["worker_rss_kb"] / 1024,
        cpu_seconds=timings["cpu"],
        db_mb=os.path.getsize(db) / 1e6,
        load=" ".join(Path("/proc/loadavg").read_text().split()[:3]),
    )


def run_floor(corpus: Path, db: Path) -> IngestFigures:
    """The floor on the same corpus."""
    return run_ingest(corpus, db, script=FLOOR, label="floor")


def format_table(rows: list[IngestFigures]) -> str:
    lines = [
        f"{'':<7} {'statements':>10} {'paragraphs':>11} {'seconds':>8} {'files/s':>8} "
        f"{'paras/s':>8} {'text s':>7} {'text p/s':>9} {'analysis s':>10} {'anal. p/s':>9} "
        f"{'cpu s':>7} {'peak MB':>8} {'worker MB':>9} {'db MB':>7}  load"
    ]
    for r in rows:
        lines.append(
            f"{r.label:<7} {r.statements:>10,} {r.paragraphs:>11,} {r.seconds:>8.1f} "
            f"{r.files_per_s:>8,.0f} {r.paragraphs_per_s:>8,.0f} {r.write_seconds:>7.1f} "
            f"{r.text_paragraphs_per_s:>9,.0f} {r.analysis_seconds:>10.1f} "
            f"{r.analysis_paragraphs_per_s:>9,.0f} {r.cpu_seconds:>7.1f} {r.peak_rss_mb:>8.0f} "
            f"{r.worker_rss_mb:>9.0f} {r.db_mb:>7.0f}  {r.load}"
        )
    lines.append(
        "seconds: `archive ingest` end to end in a fresh process on a fresh database; text: "
        "parse, write and index (one transaction); analysis: citations and agreed language; "
        "cpu: processor seconds of the ingest and its workers; peak MB: the ingest process's "
        "peak RSS; worker MB: the largest worker's; load: load averages at the end of the run. "
        "floor: the same files parsed on every core, one table, one FTS5 rebuild."
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000", help="comma-separated statement counts")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--corpus", type=Path, help="a folder of statements instead of --sizes")
    parser.add_argument("--before", type=Path, help="another checkout whose ingest runs too")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    corpora = (
        [(args.corpus.name, args.corpus)]
        if args.corpus
        else [(str(size), corpus_for(size, args.out)) for size in map(int, args.sizes.split(","))]
    )
    rows = []
    for name, corpus in corpora:
        rows.append(run_floor(corpus, args.out / f"floor-{name}.db"))
        if args.before:
            db = args.out / f"ingest-before-{name}.db"
            rows.append(run_ingest(corpus, db, code=args.before.resolve(), label="before"))
        rows.append(run_ingest(corpus, args.out / f"ingest-{name}.db"))
        print(format_table(rows[-3 if args.before else -2 :]), flush=True)
    print(format_table(rows))


if __name__ == "__main__":
    main()
