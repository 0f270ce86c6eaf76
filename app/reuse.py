"""Agreed language: find paragraphs of other statements that share long runs of words.

Two steps, so the work grows with the number of paragraphs and not with the number of pairs:

1. **Candidates** from a fingerprint index. Every paragraph's folded words are cut into
   overlapping `SHINGLE`-word shingles, each hashed to 64 bits, and *winnowed* (Schleimer,
   Wilkerson & Aiken, "Winnowing: local algorithms for document fingerprinting", 2003): of every
   `WINDOW` consecutive shingle hashes the smallest is kept. Winnowing guarantees that any run of
   at least `SHINGLE + WINDOW - 1` (= `GUARANTEED_RUN`, = `MIN_SHARED`) shared words gives both
   paragraphs at least one common fingerprint, while keeping only about 2/(WINDOW+1) of the
   shingles.
   `reuse_hash` counts how many paragraphs hold each fingerprint; `reuse_fingerprint` lists
   the first `MAX_DF` of them only. A fingerprint held more often is formula, not evidence of a
   particular precedent ("The Security Council calls on all Member States to ..."): like
   passim's max-df it proposes no candidates to later paragraphs, and its list stops growing.
   So every lookup reads at most `MAX_DF` rows per fingerprint.
2. **Confirmation** with an exact measure over the two word sequences: on each side, the words
   lying in a run of at least `MIN_RUN` words that the other paragraph also contains (every
   MIN_RUN-gram compared, so reordered or merged sentences count too). A pair is stored when
   both sides share `MIN_SHARED` words, or the whole of a shorter paragraph is shared. Only the
   `MAX_CANDIDATES` candidates sharing the most fingerprints with a new paragraph (the oldest
   first among equals) are confirmed, which bounds the work per paragraph: language used in
   hundreds of statements links each new use to its closest and oldest precedents. A pair is
   stored once, the lower paragraph id first.

Incremental: `update` handles only the paragraphs it is given (those of added or changed
statements); rows of deleted paragraphs go with them (ON DELETE CASCADE).
"""

from __future__ import annotations

import hashlib
import os
import re
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass

from sqlalchemy import Connection

from app.textutil import fold
from app.workers import process_pool

MIN_RUN = 7
"""The exact measure counts words in shared runs at least this long."""
MIN_SHARED = 12
"""Words two paragraphs must share to be the same agreed language..."""
MIN_COVERAGE = 0.25
"""... and the share of one of the two paragraphs those words must make up."""
SHINGLE = 5
WINDOW = 8
GUARANTEED_RUN = SHINGLE + WINDOW - 1
"""Any shared run this long (= MIN_SHARED) is sure to make the two paragraphs candidates."""
MAX_DF = 100
MAX_CANDIDATES = 20

WORD_RE = re.compile(r"\w+")
_word_hashes: dict[str, int] = {}


def words(text: str) -> list[str]:
    """The folded words of `text` (case, accents, punctuation and *emphasis* marks ignored)."""
    # fold() walks every character; plain ASCII (most text) only needs casefold.
    folded = text.casefold() if text.isascii() else fold(text)
    return WORD_RE.findall(folded.replace("_", " "))


def _word_hash(word: str) -> int:
    value = _word_hashes.get(word)
    if value is None:
        digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
        value = _word_hashes[word] = int.from_bytes(digest, "big", signed=True)
        if len(_word_hashes) > 500_000:  # a vocabulary, not a leak: start afresh
            _word_hashes.clear()
    return value


def _word_hash_list(tokens: Sequence[str]) -> list[int]:
    hashes = list(map(_word_hashes.get, tokens))
    if None in hashes:
        hashes = [_word_hash(t) for t in tokens]
    return hashes  # type: ignore[return-value]


def _ngram_hashes(w: list[int], n: int) -> list[int]:
    """The hash of every run of `n` consecutive word hashes, in order.

    Each word is hashed with BLAKE2b; a run's hash is Python's hash of the tuple of its words'
    hashes, computed in C. Integer and tuple hashing involve no per-process randomisation, so
    the values are the same in every process; `SCHEME` lets a database notice if another Python
    computes them differently."""
    return list(map(hash, zip(*(w[k:] for k in range(n)), strict=False)))


def _winnow(shingles: list[int]) -> set[int]:
    """Of every WINDOW consecutive shingle hashes the smallest."""
    if len(shingles) > WINDOW:
        return set(map(min, *(shingles[k:] for k in range(WINDOW))))
    return set(shingles)


def fingerprints(tokens: Sequence[str]) -> set[int]:
    """Winnowed shingle hashes of a word sequence: any shared run of GUARANTEED_RUN words
    shares one."""
    return _winnow(_ngram_hashes(_word_hash_list(tokens), SHINGLE))


def _grams(w: list[int]) -> array[int]:
    """Every MIN_RUN-word n-gram's hash, in order, truncated to 32 bits (a false match between
    two paragraphs' few dozen n-grams is then a one-in-a-million event)."""
    return array("I", [h & 0xFFFFFFFF for h in _ngram_hashes(w, MIN_RUN)])


SCHEME = f"{SHINGLE}/{WINDOW}/{MIN_RUN}:" + ",".join(
    str(h) for h in sorted(fingerprints(words("The Security Council reaffirms its commitment")))
)
"""How this Python computes stored hashes: if a database was analysed under another scheme,
its fingerprints and n-grams cannot be compared with new ones, and the analysis starts over."""


@dataclass(frozen=True)
class Features:
    """What agreed-language detection needs of one paragraph, computed once from its text (by
    the ingest's parsing processes) and stored: its fingerprints, and its n-grams for the exact
    comparison with any candidate."""

    words: int
    prints: bytes
    grams: bytes

    @classmethod
    def of(cls, plain: str) -> Features:
        tokens = words(plain)
        w = _word_hash_list(tokens)
        prints = array("q", sorted(_winnow(_ngram_hashes(w, SHINGLE))))
        return cls(len(tokens), prints.tobytes(), _grams(w).tobytes())


class Shingled:
    """A paragraph's MIN_RUN-word n-grams in order, ready for exact comparison (compact: many
    are kept in memory at once)."""

    __slots__ = ("grams", "statement_pk", "words")

    def __init__(self, grams: array[int], statement_pk: int = 0) -> None:
        self.grams = grams
        self.words = len(grams) + MIN_RUN - 1 if grams else 0
        self.statement_pk = statement_pk

    @classmethod
    def of_words(cls, tokens: Sequence[str]) -> Shingled:
        shingled = cls(_grams(_word_hash_list(tokens)))
        shingled.words = len(tokens)
        return shingled

    @classmethod
    def of_blob(cls, blob: bytes, words: int, statement_pk: int) -> Shingled:
        shingled = cls(array("I", blob), statement_pk)
        shingled.words = words
        return shingled

    def covered(self, shared: set[int]) -> int:
        """How many of these words lie in a run of at least MIN_RUN words made of `shared`
        n-grams."""
        if not shared:
            return 0
        grams = self.grams.tolist()
        place = dict(zip(grams, range(len(grams)), strict=True))
        if len(place) == len(grams):
            # A bit for each place a shared n-gram starts, found in C (distinct places, so
            # adding is OR-ing) ...
            starts = sum(map((1).__lshift__, map(place.__getitem__, shared)))
        else:  # an n-gram occurs twice: every place counts
            starts = sum(1 << i for i, gram in enumerate(grams) if gram in shared)
        # ... each spread over the MIN_RUN (= 7) words from it: 1 + 2 + 3 shifts, then counted.
        starts |= starts << 1
        starts |= starts << 2
        starts |= starts << 3
        return starts.bit_count()


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
        """The same agreed language: the whole of the shorter paragraph, or at least MIN_SHARED
        words making up MIN_COVERAGE of one of the two (two paragraphs that merely share a
        formula or two are not the same language)."""
        shorter = min(self.a_words, self.b_words)
        if self.shared >= MIN_RUN and self.shared == shorter:
            return True
        return self.shared >= MIN_SHARED and max(self.a_coverage, self.b_coverage) >= MIN_COVERAGE


def compare(a: Shingled, b: Shingled) -> Overlap:
    """The exact shared-run measure between two shingled paragraphs."""
    shared = set(a.grams).intersection(b.grams)
    return Overlap(a.covered(shared), b.covered(shared), a.words, b.words)


def overlap(a: Sequence[str], b: Sequence[str]) -> Overlap:
    """The exact shared-run measure between two word sequences."""
    return compare(Shingled.of_words(a), Shingled.of_words(b))


def paragraph_rows(conn: Connection, ids: Iterable[int]) -> Iterator[tuple[int, int, str, str]]:
    """(id, statement_pk, text, plain) of the given paragraphs, fetched in chunks."""
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), 500):
        marks = ",".join(str(int(i)) for i in wanted[start : start + 500])  # ints, not user text
        yield from conn.exec_driver_sql(
            f"SELECT id, statement_pk, text, plain FROM paragraph WHERE id IN ({marks})"
        )


def store_features(conn: Connection, rows: Iterable[tuple[int, Features]]) -> None:
    """Store paragraphs' features: their n-grams for good, their fingerprints until `update`
    has indexed them."""
    rows = list(rows)
    if not rows:
        return
    conn.exec_driver_sql(
        "INSERT OR REPLACE INTO paragraph_grams (paragraph_id, words, grams) VALUES (?, ?, ?)",
        [(pid, f.words, f.grams) for pid, f in rows],
    )
    conn.exec_driver_sql(
        "INSERT OR REPLACE INTO pending_prints (paragraph_id, prints) VALUES (?, ?)",
        [(pid, f.prints) for pid, f in rows],
    )


def forget_features(conn: Connection, ids: Iterable[int]) -> None:
    """Drop stored features of paragraphs whose text changed after they were computed."""
    marks = ",".join(str(int(i)) for i in ids)
    conn.exec_driver_sql(f"DELETE FROM paragraph_grams WHERE paragraph_id IN ({marks})")
    conn.exec_driver_sql(f"DELETE FROM pending_prints WHERE paragraph_id IN ({marks})")


def without_features(conn: Connection, ids: Iterable[int]) -> list[int]:
    """Those of the given paragraphs whose features are not stored."""
    wanted = sorted(set(ids))
    missing = []
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join(str(int(i)) for i in chunk)
        have = {
            row[0]
            for row in conn.exec_driver_sql(
                f"SELECT paragraph_id FROM paragraph_grams WHERE paragraph_id IN ({marks})"
            )
        }
        missing += [i for i in chunk if i not in have]
    return missing


class _ShingledCache:
    """Stored n-grams of paragraphs by id, least recently used dropped first: a popular
    precedent is confirmed against many new paragraphs."""

    def __init__(self, conn: Connection, size: int = 100_000) -> None:
        self.conn = conn
        self.size = size
        self.items: OrderedDict[int, Shingled] = OrderedDict()

    def load(self, ids: Iterable[int]) -> dict[int, Shingled]:
        """The given paragraphs, shingled (those of the last call stay available too)."""
        wanted = set(ids)
        for pid in wanted & self.items.keys():
            self.items.move_to_end(pid)
        missing = sorted(wanted - self.items.keys())
        for start in range(0, len(missing), 500):
            marks = ",".join(str(int(i)) for i in missing[start : start + 500])
            for pid, spk, count, blob in self.conn.exec_driver_sql(
                "SELECT g.paragraph_id, p.statement_pk, g.words, g.grams FROM paragraph_grams g "
                f"JOIN paragraph p ON p.id = g.paragraph_id WHERE g.paragraph_id IN ({marks})"
            ):
                self.items[pid] = Shingled.of_blob(blob, count, spk)
        excess = len(self.items) - max(self.size, len(wanted))
        for _ in range(excess):
            self.items.popitem(last=False)
        return self.items


# A batch's fingerprints are listed in reuse_fingerprint for the first MAX_DF paragraphs (in
# id order) holding each, then counted in reuse_hash. Candidates of a new paragraph: the earlier
# paragraphs listed under the fingerprints it is itself listed under, the MAX_CANDIDATES
# sharing most (the oldest first among equals). Each pair is thus proposed once, from its later
# paragraph, and the result does not depend on how paragraphs are batched. (The count is read
# by a scalar subquery: SQLite 3.40 mis-evaluates a LEFT JOIN on a window subquery filtered on
# its window column.)
POSTINGS_SQL = """
    INSERT OR IGNORE INTO reuse_fingerprint (hash, paragraph_id)
    SELECT hash, paragraph_id FROM (
        SELECT n.hash, n.paragraph_id,
               coalesce((SELECT h.df FROM reuse_hash h WHERE h.hash = n.hash), 0)
               + row_number() OVER (PARTITION BY n.hash ORDER BY n.paragraph_id) AS place
        FROM temp.reuse_new n
    )
    WHERE place <= :max_df
"""
COUNT_SQL = """
    INSERT INTO reuse_hash (hash, df)
    SELECT hash, count(*) FROM temp.reuse_new WHERE true GROUP BY hash
    ON CONFLICT (hash) DO UPDATE SET df = df + excluded.df
"""
CANDIDATES_SQL = """
    SELECT a, b FROM (
        SELECT a, b, row_number() OVER (PARTITION BY a ORDER BY shared DESC, b) AS place
        FROM (
            SELECT n.paragraph_id AS a, f.paragraph_id AS b, count(*) AS shared
            FROM temp.reuse_new n
            JOIN reuse_fingerprint listed
                ON listed.hash = n.hash AND listed.paragraph_id = n.paragraph_id
            JOIN reuse_fingerprint f ON f.hash = n.hash AND f.paragraph_id < n.paragraph_id
            GROUP BY n.paragraph_id, f.paragraph_id
        )
    )
    WHERE place <= :k
"""
INSERT_SQL = """
    INSERT OR REPLACE INTO paragraph_reuse (paragraph_id, other_id, shared_words,
        other_shared_words, coverage, other_coverage, similarity)
    VALUES (?, ?, ?, ?, ?, ?, ?)
"""


Row = tuple[int, int, int, int, float, float, float]
"""A pair as stored: paragraph_id, other_id, shared words on each side, coverages, similarity."""

PARALLEL_FROM = 4000
"""From this many paragraphs, candidates are confirmed in worker processes while the main
process looks up the next batch's candidates; below, the processes cost more than they save."""


def confirm(pairs: Iterable[tuple[int, int]], shingled: Mapping[int, Shingled]) -> list[Row]:
    """The candidate pairs (a < b, of different statements) that are agreed language."""
    rows = []
    for a, b in pairs:
        m = compare(shingled[a], shingled[b])
        if m.is_reuse:
            rows.append((a, b, m.a_shared, m.b_shared, m.a_coverage, m.b_coverage, m.similarity))
    return rows


def _batches(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _candidates(conn: Connection, chunk: list[int], cache: _ShingledCache) -> list[tuple[int, int]]:
    """Index a batch of new paragraphs' fingerprints and return its candidate pairs (a < b,
    paragraphs of different statements), shingled in `cache`."""
    marks = ",".join(str(int(i)) for i in chunk)
    conn.exec_driver_sql("DELETE FROM temp.reuse_new")
    prints = [
        (h, pid)
        for pid, blob in conn.exec_driver_sql(
            f"SELECT paragraph_id, prints FROM pending_prints WHERE paragraph_id IN ({marks})"
        )
        for h in array("q", blob)
    ]
    if prints:
        conn.exec_driver_sql(
            "INSERT INTO temp.reuse_new (hash, paragraph_id) VALUES (?, ?)", prints
        )
    conn.exec_driver_sql(POSTINGS_SQL, {"max_df": MAX_DF})
    conn.exec_driver_sql(COUNT_SQL)
    conn.exec_driver_sql(f"DELETE FROM pending_prints WHERE paragraph_id IN ({marks})")
    found = conn.exec_driver_sql(CANDIDATES_SQL, {"k": MAX_CANDIDATES})
    pairs = [(b, a) for a, b in found]  # stored with the lower id first
    shingled = cache.load({p for pair in pairs for p in pair})
    # A statement repeating itself is not precedent.
    return sorted((a, b) for a, b in pairs if shingled[a].statement_pk != shingled[b].statement_pk)


def update(conn: Connection, *, paragraph_ids: Iterable[int], batch: int = 2000) -> int:
    """Index the given (new) paragraphs, whose features are stored, and store their reuse pairs
    with every other paragraph.

    Runs on the caller's connection and transaction, `batch` paragraphs at a time in id order,
    so memory stays flat whatever the corpus size; returns the number of pairs stored. On
    large runs, worker processes confirm one batch's candidates while this process looks up
    the next batch's (which needs only the fingerprints, already indexed).
    """
    ids = sorted(set(paragraph_ids))
    cache = _ShingledCache(conn)
    conn.exec_driver_sql("DROP TABLE IF EXISTS temp.reuse_new")
    conn.exec_driver_sql("CREATE TEMP TABLE reuse_new (hash INTEGER, paragraph_id INTEGER)")
    workers = min(os.cpu_count() or 1, 8)
    pool = process_pool(workers) if len(ids) >= PARALLEL_FROM and workers > 1 else None
    in_flight: list[Future[list[Row]]] = []
    stored = 0

    def store(rows: list[Row]) -> None:
        nonlocal stored
        if rows:
            conn.exec_driver_sql(INSERT_SQL, rows)
            stored += len(rows)

    try:
        for chunk in _batches(ids, batch):
            pairs = _candidates(conn, chunk, cache)
            if pool is None:
                store(confirm(pairs, cache.items))
                continue
            for future in in_flight:
                store(future.result())
            in_flight = []
            for part in (pairs[i::workers] for i in range(workers)):
                needed = {p: cache.items[p] for pair in part for p in pair}
                in_flight.append(pool.submit(confirm, part, needed))
        for future in in_flight:
            store(future.result())
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    conn.exec_driver_sql("DROP TABLE IF EXISTS temp.reuse_new")
    return stored
