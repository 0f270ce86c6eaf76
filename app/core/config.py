"""Settings, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TEMPLATES_DIR = PROJECT_ROOT / "templates"
STATIC_DIR = PROJECT_ROOT / "static"
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
SEEDS_DIR = PROJECT_ROOT / "seeds"
DEFAULT_DB = PROJECT_ROOT / "archive.db"


@dataclass(frozen=True)
class Settings:
    """Where the database lives and how the server listens.

    Every field comes from an environment variable so that `make run`, CI and a
    production unit file configure the archive the same way.
    """

    db_path: Path
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    page_cache_mb: int = 32
    """Memory each worker may give to rendered pages (0: none); see app/pagecache.py."""
    base_url: str = ""
    """The archive's public address, for absolute links (canonical, Open Graph, Atom ids).
    Never taken from a request's Host header, which a client chooses."""

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            db_path=Path(os.environ.get("ARCHIVE_DB") or DEFAULT_DB).expanduser(),
            host=os.environ.get("ARCHIVE_HOST", "127.0.0.1"),
            port=int(os.environ.get("ARCHIVE_PORT", "8000")),
            workers=int(os.environ.get("ARCHIVE_WORKERS", "1")),
            page_cache_mb=int(os.environ.get("ARCHIVE_PAGE_CACHE_MB", "32")),
            base_url=os.environ.get("ARCHIVE_BASE_URL", ""),
        )

    @property
    def public_url(self) -> str:
        """`base_url`, or else the address the server listens on."""
        return (self.base_url or f"http://{self.host}:{self.port}").rstrip("/")
