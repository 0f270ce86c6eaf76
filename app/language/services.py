"""The fingerprint index for the engine the archive is stored in."""

from __future__ import annotations

from app.language.interfaces import FingerprintIndex
from app.language.postgres import PostgresFingerprints
from app.language.sqlite import SqliteFingerprints
from app.store.engine import Bind, dialect_of
from app.store.services import UnsupportedEngine

_INDEXES: dict[str, FingerprintIndex] = {
    "sqlite": SqliteFingerprints(),
    "postgresql": PostgresFingerprints(),
}


def fingerprint_index(bind: Bind) -> FingerprintIndex:
    """The fingerprint index of the archive behind `bind`."""
    try:
        return _INDEXES[dialect_of(bind)]
    except KeyError:
        raise UnsupportedEngine(f"no fingerprint index for {dialect_of(bind)}") from None
