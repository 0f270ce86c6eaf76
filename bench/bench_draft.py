"""Draft check benchmark: how long a draft of about 1,000 words takes to check (p50 / p95).

Drafts are made from the archive as drafters make them: paragraphs of random statements,
lightly edited (a word dropped, inserted or replaced, two words swapped; quoted or numbered),
mixed with paragraphs of new wording (an archived paragraph's words shuffled: the archive's
vocabulary, none of its runs), to about `--words` words. Every draft differs; the same --seed
gives the same drafts. Measured:

- in-process: `app.web.drafts.check`, what `POST /api/draft` runs (the analysis and its phrase
  searches), on one warm connection, the search's per-query caches cleared before each draft
  so that no phrase of it is already counted;
- over HTTP: `POST /draft` (the HTML page) against `archive serve` as `make run` starts it.

With `--recall N`, it also checks the answer on N drafts against the truth: every run of 7
words of each draft phrase-searched in the whole archive (slow), a word being agreed language
when one of its runs is found. It prints the share of those words the check marks (recall) and
the share of the words it marks that are (precision).

    python bench/bench_draft.py --db PATH [--drafts 30] [--words 1000] [--seed 1] [--no-http]
                                [--recall N]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_search import percentile  # noqa: E402
from bench.serve import serving  # noqa: E402


def _edit(words: list[str], rng: random.Random, vocabulary: list[str]) -> list[str]:
    """One light edit, as a drafter makes them."""
    words = list(words)
    at = rng.randrange(3, len(words)) if len(words) > 4 else len(words) - 1
    kind = rng.choice(["drop", "insert", "replace", "swap"])
    if kind == "drop" and len(words) > 8:
        del words[at]
    elif kind == "insert":
        words.insert(at, rng.choice(vocabulary))
    elif kind == "replace":
        words[at] = rng.choice(vocabulary)
    elif at + 1 < len(words):
        words[at], words[at + 1] = words[at + 1], words[at]
    return words


def make_draft(conn: sqlite3.Connection, rng: random.Random, target: int) -> str:
    """A draft of about `target` words from the archive's paragraphs (see the docstring)."""
    top = conn.execute("SELECT max(id) FROM paragraph").fetchone()[0]
    paragraphs: list[str] = []
    total = 0
    while total < target:
        row = conn.execute(
            "SELECT plain FROM paragraph WHERE id >= ? ORDER BY id LIMIT 1", (rng.randint(1, top),)
        ).fetchone()
        if row is None or len(row[0].split()) < 12:
            continue
        words = row[0].split()
        if len(words) > 160:  # a long paragraph: a drafter takes a part of it
            start = rng.randrange(0, len(words) - 120)
            words = words[start : start + 120]
        if rng.random() < 0.25:
            rng.shuffle(words)  # new wording
        else:
            for _ in range(rng.randint(0, 3)):
                words = _edit(words, rng, words)
        text = " ".join(words)
        style = rng.random()
        if style < 0.3:
            text = f"“{text}”"
        elif style < 0.5:
            text = f"{len(paragraphs) + 1}. {text}"
        paragraphs.append(text)
        total += len(words)
    return "\n\n".join(paragraphs)


def in_process(db: Path, drafts: list[str]) -> tuple[list[float], list[tuple[int, int, float]]]:
    """Milliseconds per draft, and (paragraphs, phrase searches, agreed share) of each."""
    from sqlmodel import Session

    from app.search.services import search_service
    from app.store.engine import make_engine
    from app.web import drafts as web_drafts

    engine = make_engine(db, readonly=True)
    times, shapes = [], []
    with Session(engine) as session:
        service = search_service(engine)
        service.prepare(session)
        web_drafts.check(session, drafts[0])  # warm: the connection, caches of the archive
        for text in drafts:
            service.clear_caches(timelines=False)
            started = time.perf_counter()
            report = web_drafts.check(session, text)
            times.append((time.perf_counter() - started) * 1000)
            shapes.append((len(report.paragraphs), report.searches, report.share))
    engine.dispose()
    return times, shapes


def over_http(db: Path, drafts: list[str]) -> list[float]:
    """Milliseconds per `POST /draft` (the page), the server warmed by one draft first."""
    times = []
    with serving(db) as (base, _pid):

        def post(text: str) -> None:
            body = urlencode({"text": text}).encode()
            request = urllib.request.Request(f"{base}/draft", data=body, method="POST")
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()

        post(drafts[0])
        for text in drafts:
            started = time.perf_counter()
            post(text)
            times.append((time.perf_counter() - started) * 1000)
    return times


def recall(db: Path, drafts: list[str]) -> tuple[float, float]:
    """(recall, precision) of the agreed words the check marks, against phrase searches of
    every 7-word run of the drafts (see the docstring)."""
    from sqlmodel import Session

    from app.language.draft_check import check_draft
    from app.language.shingles import MIN_RUN
    from app.store.engine import make_engine

    engine = make_engine(db, readonly=True)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    found = missed = wrong = 0
    with Session(engine) as session:
        for text in drafts:
            for c in check_draft(session, text).paragraphs:
                if not c.compared:
                    continue
                p = c.paragraph
                words = [p.text[t.start : t.end].lower() for t in p.tokens]
                truth = [False] * len(words)
                for i in range(len(words) - MIN_RUN + 1):
                    phrase = '"' + " ".join(words[i : i + MIN_RUN]) + '"'
                    sql = "SELECT 1 FROM paragraph_fts WHERE paragraph_fts MATCH ? LIMIT 1"
                    if conn.execute(sql, (phrase,)).fetchone():
                        truth[i : i + MIN_RUN] = [True] * MIN_RUN
                for marked, true in zip(c.agreed[p.skip :], truth[p.skip :], strict=True):
                    found += marked and true
                    missed += true and not marked
                    wrong += marked and not true
    conn.close()
    engine.dispose()
    return found / max(1, found + missed), found / max(1, found + wrong)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "out" / "ingest-1000.db")
    parser.add_argument("--drafts", type=int, default=30)
    parser.add_argument("--words", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--recall", type=int, default=0, metavar="N", help="check N drafts")
    args = parser.parse_args()
    conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    paragraphs = conn.execute("SELECT count(*) FROM paragraph").fetchone()[0]
    rng = random.Random(args.seed)
    drafts = [make_draft(conn, rng, args.words) for _ in range(args.drafts)]
    conn.close()
    words = statistics.mean(len(d.split()) for d in drafts)
    print(
        f"draft check on {args.db.name} ({paragraphs:,} paragraphs): {args.drafts} drafts of "
        f"{words:,.0f} words on average; p50 / p95 in ms",
        flush=True,
    )
    times, shapes = in_process(args.db, drafts)
    print(
        f"in-process (app.web.drafts.check): {percentile(times, 0.5):,.0f} / "
        f"{percentile(times, 0.95):,.0f} ms (max {max(times):,.0f}); "
        f"{statistics.mean(s[0] for s in shapes):.0f} paragraphs, "
        f"{statistics.mean(s[1] for s in shapes):.1f} phrase searches, "
        f"{statistics.mean(s[2] for s in shapes):.0%} agreed on average",
        flush=True,
    )
    if args.recall:
        found, right = recall(args.db, drafts[: args.recall])
        print(
            f"against phrase searches of every 7-word run of {args.recall} drafts: "
            f"recall {found:.1%}, precision {right:.1%}",
            flush=True,
        )
    if not args.no_http:
        http = over_http(args.db, drafts)
        print(
            f"over HTTP (POST /draft, the page): {percentile(http, 0.5):,.0f} / "
            f"{percentile(http, 0.95):,.0f} ms (max {max(http):,.0f})"
        )


if __name__ == "__main__":
    main()
