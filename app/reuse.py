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
2. **Confirmation** with an exact measure over the two word sequences: on each side, the words
   lying in a run of at least `MIN_RUN` words that the other paragraph also contains (every
   MIN_RUN-gram compared, so reordered or merged sentences count too). A pair is stored when
   both sides share `MIN_SHARED` words, or the whole of a shorter paragraph is shared.

Incremental: `update` handles only the paragraphs it is given (those of added or changed
statements); rows of deleted paragraphs go with them (ON DELETE CASCADE).
"""

from __future__ import annotations

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
    # fold() walks every character; plain ASCII (most text) only needs casefold.
    folded = text.casefold() if text.isascii() else fold(text)
    return WORD_RE.findall(folded.replace("_", " "))


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


class Shingled:
    """A paragraph's words cut into every MIN_RUN-word n-gram, ready for exact comparison."""

    __slots__ = ("gram_set", "grams", "statement_pk", "words")

    def __init__(self, tokens: Sequence[str], statement_pk: int = 0) -> None:
        self.words = len(tokens)
        self.statement_pk = statement_pk
        self.grams = [
            hash(tuple(tokens[i : i + MIN_RUN])) for i in range(len(tokens) - MIN_RUN + 1)
        ]
        self.gram_set = set(self.grams)

    def covered_by(self, other: Shingled) -> int:
        """How many of these words lie in a run of at least MIN_RUN words that `other` also has."""
        covered = end = 0
        for i, gram in enumerate(self.grams):
            if gram in other.gram_set:
                start = max(i, end)
                end = i + MIN_RUN
                covered += end - start
        return covered


@dataclass(frozen=True)
class Overlap:
    """Shared language between two word sequences a and b."""

    a_shared: int
    """Words of a lying in runs of at least MIN_RUN words that b also contains."""
    b_shared: int
    a_words: int
    b_words: int

    @property
    def shared(self) -> int:
        """Words shared, counted on the side that shares fewer (a repeated run counts once)."""
        return min(self.a_shared, self.b_shared)

    @property
    def a_coverage(self) -> float:
        return self.a_shared / self.a_words if self.a_words else 0.0

    @property
    def b_coverage(self) -> float:
        return self.b_shared / self.b_words if self.b_words else 0.0

    @property
    def similarity(self) -> float:
        """Share of both paragraphs' words in shared runs: 1.0 for identical paragraphs."""
        total = self.a_words + self.b_words
        return (self.a_shared + self.b_shared) / total if total else 0.0

    @property
    def is_reuse(self) -> bool:
        """Enough shared wording to count as the same agreed language."""
        shorter = min(self.a_words, self.b_words)
        return self.shared >= MIN_SHARED or (self.shared >= MIN_RUN and self.shared == shorter)


def compare(a: Shingled, b: Shingled) -> Overlap:
    """The exact shared-run measure between two shingled paragraphs."""
    return Overlap(a.covered_by(b), b.covered_by(a), a.words, b.words)


def overlap(a: Sequence[str], b: Sequence[str]) -> Overlap:
    """The exact shared-run measure between two word sequences."""
    return compare(Shingled(a), Shingled(b))


def _id_table(conn: Connection, name: str, ids: Iterable[int]) -> None:
    conn.execute(text(f"DROP TABLE IF EXISTS temp.{name}"))
    conn.execute(text(f"CREATE TEMP TABLE {name} (id INTEGER PRIMARY KEY)"))
    rows = [{"id": i} for i in ids]
    if rows:
        conn.execute(text(f"INSERT OR IGNORE INTO temp.{name} (id) VALUES (:id)"), rows)


def paragraph_rows(conn: Connection, ids: Iterable[int]) -> Iterator[tuple[int, int, str, str]]:
    """(id, statement_pk, text, plain) of the given paragraphs, fetched in chunks."""
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), 500):
        marks = ",".join(str(int(i)) for i in wanted[start : start + 500])  # ints, not user text
        for row in conn.execute(
            text(f"SELECT id, statement_pk, text, plain FROM paragraph WHERE id IN ({marks})")
        ):
            yield row[0], row[1], row[2], row[3]


def _shingled(conn: Connection, ids: Iterable[int]) -> dict[int, Shingled]:
    return {pid: Shingled(words(plain), spk) for pid, spk, _, plain in paragraph_rows(conn, ids)}


# Candidate pairs: a paragraph of the batch and any paragraph of another statement sharing a
# fingerprint that is not formula (held by at most MAX_DF paragraphs).
CANDIDATES_SQL = """
    WITH new_fp AS (
        SELECT f.hash, f.paragraph_id FROM reuse_fingerprint f
        JOIN temp.reuse_batch n ON n.id = f.paragraph_id
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
"""
INSERT_SQL = """
    INSERT OR REPLACE INTO paragraph_reuse
        (paragraph_id, other_id, shared_words, coverage, other_coverage, similarity)
    VALUES (:p, :o, :s, :c, :oc, :sim)
"""


def _batches(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def update(conn: Connection, *, paragraph_ids: Iterable[int], batch: int = 2000) -> int:
    """Index the given (new) paragraphs and store their reuse pairs with every other paragraph.

    Runs on the caller's connection and transaction, `batch` paragraphs at a time so memory
    stays flat whatever the corpus size; returns the number of pairs stored.
    """
    ids = sorted(set(paragraph_ids))
    pending = set(ids)
    for chunk in _batches(ids, batch):
        prints = [
            (h, pid)
            for pid, _, _, plain in paragraph_rows(conn, chunk)
            for h in fingerprints(words(plain))
        ]
        if prints:
            # Driver-level executemany: the bulk of the writes, without per-row SQL compilation.
            conn.exec_driver_sql(
                "INSERT OR IGNORE INTO reuse_fingerprint (hash, paragraph_id) VALUES (?, ?)",
                prints,
            )
    stored = 0
    for chunk in _batches(ids, batch):
        _id_table(conn, "reuse_batch", chunk)
        # A pair of two pending paragraphs is proposed from both sides; keep it once.
        pairs = {
            (a, b)
            for a, b in conn.execute(text(CANDIDATES_SQL), {"max_df": MAX_DF})
            if b not in pending or a < b
        }
        shingled = _shingled(conn, {p for pair in pairs for p in pair})
        rows = []
        for a, b in sorted(pairs):
            x, y = shingled[a], shingled[b]
            if x.statement_pk == y.statement_pk:
                continue  # a statement repeating itself is not precedent
            m = compare(x, y)
            if not m.is_reuse:
                continue
            stored += 1
            for p, o, own, c, oc in (
                (a, b, m.a_shared, m.a_coverage, m.b_coverage),
                (b, a, m.b_shared, m.b_coverage, m.a_coverage),
            ):
                rows.append({"p": p, "o": o, "s": own, "c": c, "oc": oc, "sim": m.similarity})
        if rows:
            conn.execute(text(INSERT_SQL), rows)
    conn.execute(text("DROP TABLE IF EXISTS temp.reuse_batch"))
    return stored
