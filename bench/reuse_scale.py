"""Benchmark (not a test): agreed-language detection on synthetic corpora of growing size.

The corpus imitates negotiated texts: statements of 12 paragraphs, each paragraph 2-4 sentences
built from the seeds' vocabulary; about a third of the sentences re-agree (copy, sometimes with
one word changed) a sentence of an earlier paragraph, and every paragraph opens with a formula
("The Security Council ..."). Each size runs in its own process on a fresh database, so peak RSS
is that size's own. Timed: `analysis.analyse` over every paragraph (deriving each paragraph's
fingerprints and n-grams in this one process, then candidates, confirmation and storage: a full
rebuild), then the incremental cost of one more statement.

    .venv/bin/python bench/reuse_scale.py              # 10k, 30k, 100k paragraphs
    .venv/bin/python bench/reuse_scale.py 10000 300000
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text

from app.core.config import SEEDS_DIR
from app.ingest import analysis
from app.store.engine import make_engine, migrate

PARAGRAPHS_PER_STATEMENT = 12
FORMULAS = [
    "The Security Council",
    "The Security Council reaffirms",
    "The Security Council calls on all Member States to",
    "The Security Council expresses its deep concern",
]


def vocabulary() -> list[str]:
    words: list[str] = []
    for path in sorted(SEEDS_DIR.glob("*.txt")):
        words += re.findall(r"[A-Za-z][a-z-]+", path.read_text(encoding="utf-8"))
    return words


def corpus(paragraphs: int, seed: int = 6) -> list[str]:
    """`paragraphs` synthetic paragraphs with local reuse (drafters copy recent precedent)."""
    rng = random.Random(seed)
    vocab = vocabulary()
    sentences: list[str] = []
    out = []
    for _ in range(paragraphs):
        parts = [rng.choice(FORMULAS)]
        for _ in range(rng.randint(2, 4)):
            if sentences and rng.random() < 0.35:
                # Reuse: mostly recent precedent, sometimes old.
                pool = sentences[-5000:] if rng.random() < 0.8 else sentences
                words = rng.choice(pool).split()
                if rng.random() < 0.5:
                    words[rng.randrange(len(words))] = rng.choice(vocab)
                sentence = " ".join(words)
            else:
                sentence = " ".join(rng.choice(vocab) for _ in range(rng.randint(10, 28)))
            sentences.append(sentence)
            parts.append(sentence + ".")
        out.append(" ".join(parts))
    return out


def load(db: Path, texts: list[str]) -> list[int]:
    """Statements and paragraphs written straight to a fresh database; returns paragraph ids."""
    migrate(db)
    engine = make_engine(db)
    now = dt.datetime.now()
    with engine.begin() as conn:
        for start in range(0, len(texts), PARAGRAPHS_PER_STATEMENT):
            n = start // PARAGRAPHS_PER_STATEMENT
            day = dt.date(1994, 1, 1) + dt.timedelta(days=n // 3)
            pk = conn.execute(
                text(
                    "INSERT INTO statement (id, title, date, year, source_name, source_zlib,"
                    " content_hash, created_at, updated_at) VALUES (:id, 't', :d, :y, 's', :z,"
                    " '', :now, :now)"
                ),
                {"id": f"bench-{n}", "d": day, "y": day.year, "now": now, "z": zlib.compress(b"")},
            ).lastrowid
            conn.execute(
                text("INSERT INTO paragraph (statement_pk, number, text) VALUES (:pk, :n, :t)"),
                [
                    {"pk": pk, "n": i + 1, "t": t}
                    for i, t in enumerate(texts[start : start + PARAGRAPHS_PER_STATEMENT])
                ],
            )
        ids = list(conn.execute(text("SELECT id FROM paragraph ORDER BY id")).scalars())
    engine.dispose()
    return ids


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(size: int) -> str:
    texts = corpus(size + PARAGRAPHS_PER_STATEMENT)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.db"
        ids = load(db, texts)
        bulk, extra = ids[:size], ids[size:]
        engine = make_engine(db)
        with engine.begin() as conn:
            # Keep the last statement out of the full run, to time it as an incremental ingest.
            conn.execute(text("SELECT 1"))
        before = rss_mb()
        with engine.begin() as conn:
            started = time.perf_counter()
            pairs = analysis.analyse(conn, bulk).reuse_pairs
            seconds = time.perf_counter() - started
        peak = rss_mb()
        with engine.begin() as conn:
            started = time.perf_counter()
            analysis.analyse(conn, extra)
            incremental = time.perf_counter() - started
            fps = conn.execute(text("SELECT count(*) FROM reuse_fingerprint")).scalar_one()
        engine.dispose()
        db_mb = db.stat().st_size / 2**20
    return (
        f"{size:>9,} {fps:>12,} {pairs:>9,} {seconds:>9.1f} {1e6 * seconds / size:>9.0f}"
        f" {peak:>9.0f} {peak - before:>9.0f} {1000 * incremental:>9.0f} {db_mb:>8.0f}"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "sizes", nargs="*", type=int, default=[10_000, 30_000, 100_000], help="paragraph counts"
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(run_one(args.one), flush=True)
        return 0
    sizes = args.sizes
    print(
        f"{'paras':>9} {'fingerprts':>12} {'pairs':>9} {'seconds':>9} {'us/para':>9}"
        f" {'peakRSS':>9} {'+RSS MB':>9} {'+12 ms':>9} {'db MB':>8}"
    )
    for size in sizes:
        result = subprocess.run(
            [sys.executable, __file__, "--one", str(size)], capture_output=True, text=True
        )
        if result.returncode:
            print(result.stderr, file=sys.stderr)
            return result.returncode
        print(result.stdout.strip(), flush=True)
    print(
        "seconds: full analysis of every paragraph (features derived in one process, candidate"
        " join, exact confirmation, storing pairs); +12 ms: one more 12-paragraph statement"
        " afterwards;"
        " peakRSS: process peak in MB (+RSS: growth during the run)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
