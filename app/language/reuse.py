"""Agreed language: find paragraphs of other statements that share long runs of words.

Two steps, so the work grows with the number of paragraphs and not with the number of pairs
(the hashes and the measure are `app.language.shingles`; the index's storage is
`app.language.interfaces.FingerprintIndex`):

1. **Candidates** from a fingerprint index. `reuse_hash` counts how many paragraphs hold each
   fingerprint; `reuse_fingerprint` lists the first `MAX_DF` of them only. A fingerprint held
   more often is formula, not evidence of a particular precedent ("The Security Council calls
   on all Member States to ..."): like passim's max-df it proposes no candidates to later
   paragraphs, and its list stops growing. So every lookup reads at most `MAX_DF` rows per
   fingerprint.
2. **Confirmation** with the exact measure, against the paragraphs' stored n-grams. Only the
   `MAX_CANDIDATES` candidates sharing the most fingerprints with a new paragraph (the oldest
   first among equals) are confirmed, which bounds the work per paragraph: language used in
   hundreds of statements links each new use to its closest and oldest precedents. A pair is
   stored once, the lower paragraph id first.

Incremental: `update` handles only the paragraphs it is given (those of added or changed
statements); rows of deleted paragraphs go with them (ON DELETE CASCADE).
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future

from sqlalchemy import Connection

from app.core.workers import process_pool
from app.language.candidates import Candidates
from app.language.interfaces import FingerprintIndex, Row
from app.language.services import fingerprint_index
from app.language.shingles import Shingled, compare

MAX_DF = 100
MAX_CANDIDATES = 20


class _ShingledCache:
    """Stored n-grams of paragraphs by id, least recently used dropped first: a popular
    precedent is confirmed against many new paragraphs."""

    def __init__(self, conn: Connection, index: FingerprintIndex, size: int = 100_000) -> None:
        self.conn = conn
        self.index = index
        self.size = size
        self.items: OrderedDict[int, Shingled] = OrderedDict()

    def load(self, ids: Iterable[int]) -> dict[int, Shingled]:
        """The given paragraphs, shingled (those of the last call stay available too)."""
        wanted = set(ids)
        for pid in wanted & self.items.keys():
            self.items.move_to_end(pid)
        missing = sorted(wanted - self.items.keys())
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            for pid, spk, count, blob in self.index.shingled_rows(self.conn, chunk):
                self.items[pid] = Shingled.of_blob(blob, count, spk)
        excess = len(self.items) - max(self.size, len(wanted))
        for _ in range(excess):
            self.items.popitem(last=False)
        return self.items


PARALLEL_FROM = 4000
"""From this many paragraphs, candidates are confirmed in worker processes while the main
process looks up the next batch's candidates; below, the processes cost more than they save."""


def confirm(pairs: Iterable[tuple[int, int]], shingled: Mapping[int, Shingled]) -> list[Row]:
    """The candidate pairs (a < b) of different statements that are agreed language."""
    rows = []
    for a, b in pairs:
        first, second = shingled[a], shingled[b]
        if first.statement_pk == second.statement_pk:
            continue  # a statement repeating itself is not precedent
        m = compare(first, second, keep_second=True)  # the new paragraph, pairs in its order
        if m.is_reuse:
            rows.append((a, b, m.a_shared, m.b_shared, m.a_coverage, m.b_coverage, m.similarity))
    return rows


def _batches(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _candidates(
    search: Candidates, chunk: list[int], cache: _ShingledCache
) -> list[tuple[int, int]]:
    """Index a batch of new paragraphs' fingerprints and return its candidate pairs (a < b),
    shingled in `cache`."""
    pairs = search.batch(chunk)
    cache.load({p for pair in pairs for p in pair})
    return pairs


def update(conn: Connection, *, paragraph_ids: Iterable[int], batch: int = 2000) -> int:
    """Index the given (new) paragraphs, whose features are stored, and store their reuse pairs
    with every other paragraph.

    Runs on the caller's connection and transaction, `batch` paragraphs at a time in id order,
    so memory stays flat whatever the corpus size; returns the number of pairs stored. On
    large runs, worker processes confirm one batch's candidates while this process looks up
    the next batch's (which needs only the fingerprints, already indexed).
    """
    ids = sorted(set(paragraph_ids))
    index = fingerprint_index(conn)
    cache = _ShingledCache(conn, index)
    search = Candidates(conn, index, max_df=MAX_DF, max_candidates=MAX_CANDIDATES)
    workers = min(os.cpu_count() or 1, 8)
    pool = process_pool(workers) if len(ids) >= PARALLEL_FROM and workers > 1 else None
    in_flight: list[Future[list[Row]]] = []
    stored = 0

    def store(rows: list[Row]) -> None:
        nonlocal stored
        if rows:
            index.store_pairs(conn, sorted(rows))  # in key order: the B-tree is written in place
            stored += len(rows)

    try:
        for chunk in _batches(ids, batch):
            pairs = _candidates(search, chunk, cache)
            if pool is None:
                store(confirm(pairs, cache.items))
                continue
            for future in in_flight:
                store(future.result())
            in_flight = []
            # Contiguous parts: a new paragraph's candidates travel to one process only.
            size = max(1, -(-len(pairs) // workers))
            for part in (pairs[i : i + size] for i in range(0, len(pairs), size)):
                needed = {p: cache.items[p] for pair in part for p in pair}
                in_flight.append(pool.submit(confirm, part, needed))
        for future in in_flight:
            store(future.result())
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return stored
