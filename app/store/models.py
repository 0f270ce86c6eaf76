"""The archive's tables: statements, their paragraphs, sources and id aliases.

The full-text index over paragraphs (`paragraph_fts`) is an FTS5 table that
SQLModel does not describe; the migrations create it with its triggers.
"""

from __future__ import annotations

import datetime as dt
import zlib

from sqlalchemy import Column, Computed, Index, String
from sqlmodel import Field, SQLModel


class Statement(SQLModel, table=True):
    """One presidential statement, as parsed from its preferred source."""

    # What a mention of it shows, read without its row (app.language.precedents).
    __table_args__ = (Index("ix_statement_ref", "pk", "date", "id", "symbol"),)

    pk: int | None = Field(default=None, primary_key=True)
    id: str = Field(index=True, unique=True, description="Stable public id used in URLs")
    symbol: str | None = Field(default=None, index=True, unique=True)
    title: str
    date: dt.date = Field(index=True, description="Meeting date, or the date of issue")
    year: int  # found through the (year, date) index
    meeting_number: int | None = Field(default=None, index=True)
    meeting_date: dt.date | None = None
    agenda_item: str | None = None  # found through the (agenda_item, date) index
    distribution_date: dt.date | None = None
    original_language: str | None = None
    intro: str | None = None
    footnotes: str | None = None
    source_name: str
    source_zlib: bytes = Field(
        description="The source file as ingested: its UTF-8 bytes, compressed with zlib"
    )
    content_hash: str = Field(index=True)
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def source_bytes(self) -> bytes:
        """The source file's bytes (UTF-8), exactly as ingested."""
        return zlib.decompress(self.source_zlib)

    @property
    def source_text(self) -> str:
        return self.source_bytes.decode("utf-8")


def pack_source(text: str) -> bytes:
    """What `Statement.source_zlib` stores of a source file's text."""
    return zlib.compress(text.encode("utf-8"), 9)


def unmarked_of(text: str, plain: str) -> str | None:
    """What `Paragraph.unmarked` stores: the plain text where it differs from the text."""
    return None if plain == text else plain


class Paragraph(SQLModel, table=True):
    """A numbered paragraph of a statement; `number` is its permalink (`#p{number}`)."""

    # Where it is, read without its row (app.language.precedents).
    __table_args__ = (Index("ix_paragraph_place", "id", "statement_pk", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    # Found through the unique (statement_pk, number) index.
    statement_pk: int = Field(foreign_key="statement.pk")
    number: int
    text: str = Field(
        description="The paragraph as archived, with *emphasis* marks; extraction damage "
        "repaired (split words rejoined, lost line-end hyphens put back; see `printed`)"
    )
    unmarked: str | None = Field(
        default=None,
        description="The text without its *emphasis* marks, where it has some (None: the same "
        "as `text`)",
    )
    plain: str = Field(
        sa_column=Column(String, Computed("coalesce(unmarked, text)"), nullable=False),
        description="The same words without markup: what search indexes (computed from "
        "`unmarked` and `text`, stored once)",
    )
    printed: str | None = Field(
        default=None,
        description="The paragraph as extracted, before the repairs of extraction damage in "
        "`text` (None when nothing was repaired)",
    )


class Source(SQLModel, table=True):
    """A file that was ingested, and the statement it gave (or was matched to)."""

    id: int | None = Field(default=None, primary_key=True)
    statement_pk: int = Field(foreign_key="statement.pk", index=True)
    path: str = Field(index=True)
    content_hash: str = Field(index=True)
    preferred: bool = Field(description="Whether this source supplies the statement's text")
    note: str | None = None
    ingested_at: dt.datetime


class Alias(SQLModel, table=True):
    """An id that was once published for a statement and now redirects to its current id."""

    alias: str = Field(primary_key=True)
    statement_pk: int = Field(foreign_key="statement.pk", index=True)
    created_at: dt.datetime


class Corrigendum(SQLModel, table=True):
    """A corrigendum to a statement, kept by the symbol it corrects so that it attaches to that
    statement whichever of the two is ingested first."""

    id: int | None = Field(default=None, primary_key=True)
    symbol: str = Field(index=True, unique=True)
    corrects: str = Field(index=True, description="Symbol of the statement it corrects")
    date: dt.date | None = None
    text: str
    source_path: str
    content_hash: str
    ingested_at: dt.datetime


class CatalogueEntry(SQLModel, table=True):
    """A statement known to exist (from a catalogue such as the Dag Hammarskjöld Library's
    tables), whether or not its text is in the archive."""

    symbol: str = Field(primary_key=True)
    year: int  # found through the (year, date) index
    date: dt.date | None = None
    meeting_record: str | None = None
    topic: str | None = None


# --- Agreed language and citations (issue 6): derived at ingest from paragraph text. ---


class ParagraphReuse(SQLModel, table=True):
    """Two paragraphs of different statements sharing long runs of words; stored once, the
    lower paragraph id in `paragraph_id`."""

    __tablename__ = "paragraph_reuse"
    __table_args__ = {"sqlite_with_rowid": False}

    paragraph_id: int = Field(foreign_key="paragraph.id", primary_key=True)
    other_id: int = Field(foreign_key="paragraph.id", primary_key=True, index=True)
    shared_words: int = Field(description="Words in common runs of at least shingles.MIN_RUN words")
    other_shared_words: int = Field(description="The same, counted in the other paragraph")
    coverage: float = Field(description="Share of this paragraph's words in those runs")
    other_coverage: float = Field(description="Share of the other paragraph's words")
    similarity: float = Field(description="Dice coefficient over the shared runs")


class ReuseFingerprint(SQLModel, table=True):
    """A winnowed shingle hash of a paragraph: the index that proposes reuse candidates."""

    __tablename__ = "reuse_fingerprint"
    __table_args__ = {"sqlite_with_rowid": False}

    hash: int = Field(primary_key=True)
    paragraph_id: int = Field(foreign_key="paragraph.id", primary_key=True, index=True)


class ReuseHash(SQLModel, table=True):
    """How many paragraphs hold a fingerprint (past app.language.reuse.MAX_DF it is formula)."""

    __tablename__ = "reuse_hash"

    hash: int = Field(primary_key=True)
    df: int


class ParagraphGrams(SQLModel, table=True):
    """A paragraph's n-gram hashes (`app.language.shingles.Features.grams`): its side of a
    comparison."""

    __tablename__ = "paragraph_grams"

    paragraph_id: int = Field(foreign_key="paragraph.id", primary_key=True)
    words: int
    grams: bytes


class PendingPrints(SQLModel, table=True):
    """A new paragraph's fingerprints, waiting for the analysis to index them."""

    __tablename__ = "pending_prints"

    paragraph_id: int = Field(foreign_key="paragraph.id", primary_key=True)
    prints: bytes


class Citation(SQLModel, table=True):
    """A document a paragraph cites: kind (resolution, prst, document, convention) and key."""

    id: int | None = Field(default=None, primary_key=True)
    paragraph_id: int = Field(foreign_key="paragraph.id", index=True)
    kind: str
    key: str
    label: str
    year: int | None = None


class AnalysedParagraph(SQLModel, table=True):
    """A paragraph whose citations and reuse have been computed (absent: pending)."""

    __tablename__ = "analysed_paragraph"

    paragraph_id: int = Field(foreign_key="paragraph.id", primary_key=True)
