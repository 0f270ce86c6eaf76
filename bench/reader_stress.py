"""Readers beside writers: threads searching and reading statements through the web app's
read-only engine while `archive ingest` runs again and again in another process.

Every read must succeed; an error is counted by its message. (This found the server dropping
its own SQLite locks: "database disk image is malformed", then SIGBUS; see BENCHMARKS.md.)

    python bench/reader_stress.py [--seconds 45] [--threads 6]
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlmodel import Session  # noqa: E402

from app.language import precedents  # noqa: E402
from app.search.query import parse_query  # noqa: E402
from app.search.services import search_service  # noqa: E402
from app.store import queries  # noqa: E402
from app.store.engine import make_engine  # noqa: E402
from bench.generate_corpus import generate  # noqa: E402
from bench.load_test import WORDS, fresh_copy, prepare  # noqa: E402
from bench.serve import archive  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=45)
    parser.add_argument("--threads", type=int, default=6)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    db = fresh_copy(prepare(args.out, 1000))
    engine = make_engine(db, readonly=True)
    with Session(engine) as session:
        some = [s.id for s in queries.latest_statements(session, limit=20)]
    errors: collections.Counter[str] = collections.Counter()
    reads = [0]
    ingests = [0]
    stop = threading.Event()

    def reader(k: int) -> None:
        rng = random.Random(k)
        n = 0
        while not stop.is_set():
            n += 1
            try:
                with Session(engine) as session:
                    query = parse_query(f"{rng.choice(WORDS)} {rng.choice(WORDS)} -zz{k}x{n}")
                    search_service(engine).search(session, query)
                    statement = queries.statement_by_id(session, statement_id=rng.choice(some))
                    if statement is not None:
                        precedents.reuse_notes(session, statement=statement)
                reads[0] += 1
            except Exception as exc:  # every kind of failure is what this counts
                errors[f"{type(exc).__name__}: {str(getattr(exc, 'orig', exc))[:80]}"] += 1

    def writer() -> None:
        first = 700_000
        while not stop.is_set():
            folder = args.out / "stress-slices" / f"slice-{first}"
            if not (folder / ".complete").exists():
                generate(folder, 300, seed=first, first=first)
                (folder / ".complete").write_text("")
            archive(db, "ingest", str(folder), capture_output=True)
            ingests[0] += 1
            first += 300

    threads = [threading.Thread(target=reader, args=(k,)) for k in range(args.threads)]
    threads.append(threading.Thread(target=writer))
    for thread in threads:
        thread.start()
    time.sleep(args.seconds)
    stop.set()
    for thread in threads:
        thread.join()
    engine.dispose()
    print(f"{reads[0]:,} reads by {args.threads} threads, {ingests[0]} ingests meanwhile")
    for message, times in errors.most_common():
        print(f"  {times:,} × {message}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
