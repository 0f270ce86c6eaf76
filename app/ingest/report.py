"""What an ingest run tells its operator: one outcome per file, and the totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class FileOutcome:
    path: Path
    status: str
    """added, updated, unchanged, duplicate or failed"""
    statement_id: str | None = None
    reason: str | None = None
    paragraphs: int = 0


@dataclass
class IngestReport:
    outcomes: list[FileOutcome] = field(default_factory=list)
    seconds: float = 0.0
    """The whole run."""
    write_seconds: float = 0.0
    """Parsing and writing the statements, their paragraphs and the search index (committed
    at its end: from then on the new statements are searchable)."""
    analysis_seconds: float = 0.0
    """Agreed language and citations of the new paragraphs, committed batch by batch after."""
    analysed: int = 0
    repairs: int = 0
    """Words split or run together by PDF extraction, repaired in the text search indexes."""
    text_committed: bool = False
    """Whether the run's text is committed (searchable): from then on a failure leaves the
    statements in the archive and only their analysis pending."""

    def by_status(self, status: str) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def failed(self) -> list[FileOutcome]:
        return self.by_status("failed")

    @property
    def paragraphs(self) -> int:
        return sum(o.paragraphs for o in self.outcomes if o.status in ("added", "updated"))

    def summary(self) -> str:
        counts = {s: len(self.by_status(s)) for s in ("added", "updated", "unchanged", "failed")}
        text = ", ".join(f"{n} {s}" for s, n in counts.items())
        duplicates = len(self.by_status("duplicate"))
        if duplicates:
            text += f", {duplicates} second source{'s' if duplicates > 1 else ''} recorded"
        if self.repairs:
            text += f", {self.repairs} extraction artefacts repaired for search"
        return text
