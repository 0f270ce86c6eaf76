"""Candidate pairs of agreed language from the fingerprint index, found in memory.

The rule is the index's (`app.language.reuse`): each fingerprint lists the first `max_df`
paragraphs (in id order) holding it; a new paragraph listed under a fingerprint is proposed the
earlier paragraphs listed under it; of those, the `max_candidates` sharing most listed
fingerprints with it, the oldest first among equals. Paragraphs are taken one by one in id
order, so the result does not depend on how they are batched.

`Candidates` applies it for one run of the analysis, inside one transaction: it reads from the
index (`app.language.interfaces.FingerprintIndex`) what a batch's fingerprints hold, counts
the shared fingerprints in memory, and writes back the listings and counts the batch adds.
What it read or wrote stays in memory for the next batches of the run (a fingerprint is read
from the database once), up to `KEEP` fingerprints, past which it starts afresh from the
database, which always holds what it knows.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable

from sqlalchemy import Connection

from app.language.interfaces import FingerprintIndex

KEEP = 1_000_000
"""Fingerprints whose count and listings are kept in memory between batches, at most."""
_LOW = 0xFFFFFFFF


class Candidates:
    def __init__(
        self, conn: Connection, index: FingerprintIndex, *, max_df: int, max_candidates: int
    ) -> None:
        self.conn = conn
        self.index = index
        self.max_df = max_df
        self.max_candidates = max_candidates
        self.counts: dict[int, int] = {}
        """Paragraphs holding each fingerprint (0: none)."""
        self.lists: dict[int, list[int]] = {}
        """Paragraphs listed under each fingerprint held by fewer than `max_df`."""

    def _read(self, hashes: Iterable[int]) -> None:
        """Bring the counts and listings of fingerprints not in memory from the database."""
        hashes = list(hashes)
        unknown = [h for h in hashes if h not in self.counts]
        if not unknown:
            return
        if len(self.counts) + len(unknown) > KEEP:
            self.counts.clear()
            self.lists.clear()
            unknown = hashes
        found = self.index.document_frequencies(self.conn, unknown)
        for h in unknown:
            self.counts[h] = found.get(h, 0)
        listing = [h for h in unknown if found.get(h, 0) < self.max_df]
        for h in listing:
            self.lists[h] = []
        for h, pid in self.index.listings(self.conn, (h for h in listing if h in found)):
            self.lists[h].append(pid)

    def batch(self, chunk: list[int]) -> list[tuple[int, int]]:
        """Index the pending fingerprints of the paragraphs in `chunk` and return their
        candidate pairs (the earlier paragraph first)."""
        prints = sorted(self.index.take_pending_prints(self.conn, chunk))
        held = {h for _, hashes in prints for h in hashes}
        self._read(held)
        counts, lists, max_df = self.counts, self.lists, self.max_df
        before = {h: counts[h] for h in held}
        pairs: list[tuple[int, int]] = []
        listed: list[tuple[int, int]] = []
        for pid, hashes in prints:
            shared: Counter[int] = Counter()
            for h in hashes:
                count = counts[h]
                counts[h] = count + 1
                if count >= max_df:
                    continue  # formula: it lists no more paragraphs and proposes none
                ids = lists[h]
                if ids and max(ids) >= pid:  # not in a run that adds ids in order
                    shared.update(other for other in ids if other < pid)
                    if pid not in ids:
                        ids.append(pid)
                else:
                    shared.update(ids)
                    ids.append(pid)
                listed.append((h, pid))
            if len(shared) > self.max_candidates:
                # Most shared first, then the oldest: one integer per candidate, sorted in C.
                keys = [(-n << 32) | other for other, n in shared.items()]
                pairs += [(k & _LOW, pid) for k in heapq.nsmallest(self.max_candidates, keys)]
            else:
                pairs += [(other, pid) for other in shared]
        self.index.add_listings(
            self.conn,
            sorted(listed),
            updated=sorted((h, counts[h]) for h, n in before.items() if n),
            added=sorted((h, counts[h]) for h, n in before.items() if not n),
        )
        return pairs
