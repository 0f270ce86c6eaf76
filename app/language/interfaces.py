"""What agreed language asks of the storage engine: the fingerprint index's queries.

The algorithm (`app.language.reuse`: candidates from shared fingerprints, confirmed by the
exact measure of `app.language.shingles`) is the same on every engine; where its rows live and
how a batch's candidates are found in one pass is the engine's, behind `FingerprintIndex`
(SQLite's is `app.language.sqlite`), chosen by `app.language.services`.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from typing import ClassVar, Protocol

from sqlalchemy import Connection

from app.language.shingles import Features

Row = tuple[int, int, int, int, float, float, float]
"""A pair as stored: paragraph_id, other_id, shared words on each side, coverages, similarity."""


class FingerprintIndex(Protocol):
    RELATED_HINTS: ClassVar[dict[str, str]]
    """How the reads of related paragraphs reach each one's number and statement: SQL put
    after `paragraph p` and `statement s` in `app.language.precedents.RELATED_SQL`."""

    def paragraph_rows(
        self, conn: Connection, ids: Iterable[int]
    ) -> Iterator[tuple[int, int, str, str]]:
        """(id, statement_pk, text, plain) of the given paragraphs."""
        ...

    def store_features(self, conn: Connection, rows: Iterable[tuple[int, Features]]) -> None:
        """Keep paragraphs' n-grams for good and their fingerprints until indexed."""
        ...

    def forget_features(self, conn: Connection, ids: Iterable[int]) -> None:
        """Drop the stored features of these paragraphs."""
        ...

    def without_features(self, conn: Connection, ids: Iterable[int]) -> list[int]:
        """Those of the given paragraphs whose features are not stored."""
        ...

    def shingled_rows(
        self, conn: Connection, ids: Iterable[int]
    ) -> Iterator[tuple[int, int, int, bytes]]:
        """(paragraph id, statement pk, word count, n-gram blob) of the given paragraphs."""
        ...

    def take_pending_prints(
        self, conn: Connection, ids: Iterable[int]
    ) -> list[tuple[int, array[int]]]:
        """The fingerprints of the given paragraphs not yet indexed, (id, fingerprints), no
        longer pending from now on in the caller's transaction."""
        ...

    def listings(self, conn: Connection, hashes: Iterable[int]) -> list[tuple[int, int]]:
        """(fingerprint, paragraph id) of every paragraph listed under the given fingerprints."""
        ...

    def add_listings(
        self,
        conn: Connection,
        listed: list[tuple[int, int]],
        *,
        updated: list[tuple[int, int]],
        added: list[tuple[int, int]],
    ) -> None:
        """List paragraphs under fingerprints ((fingerprint, paragraph id)), and set how many
        paragraphs hold each fingerprint ((fingerprint, count)): `updated` for fingerprints
        already counted, `added` for the others."""
        ...

    def store_pairs(self, conn: Connection, rows: list[Row]) -> None:
        """Store confirmed pairs of agreed language."""
        ...

    def document_frequencies(self, conn: Connection, hashes: Iterable[int]) -> dict[int, int]:
        """How many paragraphs hold each of the given fingerprints (those no paragraph holds
        are left out)."""
        ...

    def postings(
        self, conn: Connection, hashes: Iterable[int], *, per_hash: int
    ) -> Iterator[tuple[int, int]]:
        """(fingerprint, paragraph id): the paragraphs listed under each given fingerprint, at
        most `per_hash` of each, the lowest ids. A fingerprint held by at most `MAX_DF`
        paragraphs lists every one of them."""
        ...
