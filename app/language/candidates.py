"""Candidate pairs of agreed language from the fingerprint index, computed in memory.

Pure: the index's storage (`app.language.interfaces.FingerprintIndex`) reads what a batch of
new paragraphs needs (how many paragraphs hold each of their fingerprints, and the paragraphs
listed under those still listing), calls `propose`, and writes back what it returns. The rule
is the index's (`app.language.reuse`): each fingerprint lists the first `max_df` paragraphs (in
id order) holding it; a new paragraph listed under a fingerprint is proposed the earlier
paragraphs listed under it; of those, the `max_candidates` sharing most listed fingerprints
with it, the oldest first among equals. Paragraphs are taken one by one in id order, so the
result does not depend on how they are batched.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass
class Proposal:
    pairs: list[tuple[int, int]]
    """Candidate pairs, the earlier paragraph first."""
    listed: list[tuple[int, int]]
    """(fingerprint, paragraph) listings the batch adds, in that order."""
    counts: dict[int, int]
    """How many paragraphs hold each of the batch's fingerprints, the batch included."""


def _shared_first(item: tuple[int, int]) -> tuple[int, int]:
    return -item[1], item[0]


def propose(
    prints: Iterable[tuple[int, Iterable[int]]],
    counts: Mapping[int, int],
    listings: Mapping[int, Iterable[int]],
    *,
    max_df: int,
    max_candidates: int,
) -> Proposal:
    """The candidates of new paragraphs (`prints`: each one's id and fingerprints, each
    fingerprint once), given the archive's `counts` (paragraphs holding each fingerprint; one
    not held is left out) and `listings` (the paragraphs listed under each fingerprint held by
    fewer than `max_df`)."""
    df = dict(counts)
    lists = {h: list(ids) for h, ids in listings.items()}
    pairs: list[tuple[int, int]] = []
    added: list[tuple[int, int]] = []
    for pid, hashes in sorted(prints):
        shared: dict[int, int] = {}
        for h in hashes:
            held = df.get(h, 0)
            df[h] = held + 1
            if held >= max_df:
                continue  # formula: it lists no more paragraphs and proposes none
            ids = lists.get(h)
            if ids is None:
                ids = lists[h] = []
            listed = False
            for other in ids:
                if other < pid:
                    shared[other] = shared.get(other, 0) + 1
                elif other == pid:
                    listed = True  # already (a listing is never made twice)
            if not listed:
                ids.append(pid)
            added.append((h, pid))
        if shared:
            best = heapq.nsmallest(max_candidates, shared.items(), key=_shared_first)
            pairs.extend((other, pid) for other, _ in best)
    return Proposal(pairs, added, df)
