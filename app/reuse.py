"""Agreed language: find paragraphs of other statements that share long runs of words.

Two steps, so the work grows with the corpus and not with the number of pairs:

1. **Candidates** from a fingerprint index. Every paragraph's folded words are cut into
   overlapping `SHINGLE`-word shingles, each hashed to 64 bits, and *winnowed* (Schleimer,
   Wilkerson & Aiken, "Winnowing: local algorithms for document fingerprinting", 2003): of every
   `WINDOW` consecutive shingle hashes the smallest is kept. Winnowing guarantees that any run of
   at least `SHINGLE + WINDOW - 1` (= `MIN_RUN`) shared words gives both paragraphs at least one
   common fingerprint, while storing only about 2/(WINDOW+1) of the shingles. Fingerprints live
   in `reuse_fingerprint` (hash, paragraph); two paragraphs are candidates when they share one.
   A fingerprint held by more than `MAX_DF` paragraphs is formula, not evidence of a particular
   precedent ("The Security Council calls on all Member States to ..."): like passim's max-df it
   is not used to propose candidates, which keeps the join linear.
2. **Confirmation** with an exact measure over the two word sequences: the words in common runs
   of at least `MIN_RUN` words (difflib's matching blocks, order-preserving). A pair is stored
   when those runs cover `MIN_SHARED` words, or the whole of a shorter paragraph.

Incremental: `update` handles only the paragraphs it is given (those of added or changed
statements); rows of deleted paragraphs go with them (ON DELETE CASCADE).
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, text

from app.textutil import fold

SHINGLE = 5
WINDOW = 3
MIN_RUN = SHINGLE + WINDOW - 1
MIN_SHARED = 12
MAX_DF = 200

WORD_RE = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The folded words of `text` (case, accents, punctuation and *emphasis* marks ignored)."""
    return WORD_RE.findall(fold(text).replace("_", " "))


def _hash(shingle: Sequence[str]) -> int:
    digest = hashlib.blake2b(" ".join(shingle).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)  # SQLite integers are signed 64-bit


def fingerprints(tokens: Sequence[str]) -> set[int]:
    """Winnowed shingle hashes of a word sequence: any shared run of MIN_RUN words shares one."""
    hashes = [_hash(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1)]
    if len(hashes) <= WINDOW:
        return set(hashes)
    kept: set[int] = set()
    for start in range(len(hashes) - WINDOW + 1):
        kept.add(min(hashes[start : start + WINDOW]))
    return kept


@dataclass(frozen=True)
class Overlap:
    """Shared language between two word sequences a and b."""

    shared: int
    """Words of a in runs of at least MIN_RUN words that b has in the same order."""
    a_words: int
    b_words: int

    @property
    def a_coverage(self) -> float:
        return self.shared / self.a_words if self.a_words else 0.0

    @property
    def b_coverage(self) -> float:
        return self.shared / self.b_words if self.b_words else 0.0

    @property
    def similarity(self) -> float:
        """Dice coefficient over the shared runs: 1.0 for identical paragraphs."""
        total = self.a_words + self.b_words
        return 2 * self.shared / total if total else 0.0

    @property
    def is_reuse(self) -> bool:
        """Enough shared wording to count as the same agreed language."""
        shorter = min(self.a_words, self.b_words)
        return self.shared >= MIN_SHARED or (self.shared >= MIN_RUN and self.shared == shorter)


def overlap(a: Sequence[str], b: Sequence[str]) -> Overlap:
    """The exact shared-run measure between two word sequences."""
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    shared = sum(m.size for m in matcher.get_matching_blocks() if m.size >= MIN_RUN)
    return Overlap(shared, len(a), len(b))


def _pending_table(conn: Connection, paragraph_ids: Iterable[int]) -> None:
    conn.execute(text("DROP TABLE IF EXISTS temp.reuse_pending"))
    conn.execute(text("CREATE TEMP TABLE reuse_pending (id INTEGER PRIMARY KEY)"))
    conn.execute(
        text("INSERT OR IGNORE INTO temp.reuse_pending (id) VALUES (:id)"),
        [{"id": i} for i in paragraph_ids],
    )


def paragraph_rows(conn: Connection, ids: Iterable[int]) -> Iterator[tuple[int, int, str, str]]:
    """(id, statement_pk, text, plain) of the given paragraphs, fetched in chunks."""
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), 500):
        marks = ",".join(str(int(i)) for i in wanted[start : start + 500])  # ints, not user text
        for row in conn.execute(
            text(f"SELECT id, statement_pk, text, plain FROM paragraph WHERE id IN ({marks})")
        ):
            yield row[0], row[1], row[2], row[3]


def _texts(conn: Connection, ids: Iterable[int]) -> dict[int, tuple[int, list[str]]]:
    """statement pk and words of each paragraph id."""
    return {pid: (spk, words(plain)) for pid, spk, _, plain in paragraph_rows(conn, ids)}


def update(conn: Connection, *, paragraph_ids: Iterable[int]) -> int:
    """Index the given (new) paragraphs and store their reuse pairs with every other paragraph.

    Runs on the caller's connection and transaction; returns the number of pairs stored.
    """
    ids = sorted(set(paragraph_ids))
    if not ids:
        return 0
    _pending_table(conn, ids)
    texts = _texts(conn, ids)
    prints = [
        {"h": h, "p": pid} for pid, (_, tokens) in texts.items() for h in fingerprints(tokens)
    ]
    if prints:
        conn.execute(
            text("INSERT OR IGNORE INTO reuse_fingerprint (hash, paragraph_id) VALUES (:h, :p)"),
            prints,
        )
    # Candidate pairs: a new paragraph and any paragraph of another statement sharing a
    # fingerprint that is not formula (held by at most MAX_DF paragraphs).
    rows = conn.execute(
        text(
            """
            WITH new_fp AS (
                SELECT f.hash, f.paragraph_id FROM reuse_fingerprint f
                JOIN temp.reuse_pending n ON n.id = f.paragraph_id
            ),
            rare AS (
                SELECT f.hash FROM reuse_fingerprint f
                WHERE f.hash IN (SELECT hash FROM new_fp)
                GROUP BY f.hash HAVING count(*) <= :max_df
            )
            SELECT DISTINCT a.paragraph_id, b.paragraph_id
            FROM new_fp a
            JOIN rare r ON r.hash = a.hash
            JOIN reuse_fingerprint b ON b.hash = a.hash AND b.paragraph_id != a.paragraph_id
            JOIN paragraph pa ON pa.id = a.paragraph_id
            JOIN paragraph pb ON pb.id = b.paragraph_id
            WHERE pa.statement_pk != pb.statement_pk
            """
        ),
        {"max_df": MAX_DF},
    ).all()
    pairs = {(min(a, b), max(a, b)) for a, b in rows}
    texts.update(_texts(conn, {p for pair in pairs for p in pair} - texts.keys()))
    found = []
    for a, b in sorted(pairs):
        measure = overlap(texts[a][1], texts[b][1])
        if measure.is_reuse:
            found.append((a, b, measure))
    rows_out = [
        {"p": p, "o": o, "s": m.shared, "c": c, "oc": oc, "sim": m.similarity}
        for a, b, m in found
        for p, o, c, oc in ((a, b, m.a_coverage, m.b_coverage), (b, a, m.b_coverage, m.a_coverage))
    ]
    if rows_out:
        conn.execute(
            text(
                "INSERT OR REPLACE INTO paragraph_reuse "
                "(paragraph_id, other_id, shared_words, coverage, other_coverage, similarity) "
                "VALUES (:p, :o, :s, :c, :oc, :sim)"
            ),
            rows_out,
        )
    conn.execute(text("DROP TABLE IF EXISTS temp.reuse_pending"))
    return len(found)
