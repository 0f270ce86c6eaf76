"""Settings, read once from the environment (pydantic-settings), and the project's folders.

Every setting is an `ARCHIVE_*` variable so that `make run`, CI and a production unit file
configure the archive the same way. A value that cannot be used is a `SettingsError` naming the
variable and what it must be, which the CLI prints as one line, never a traceback.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TEMPLATES_DIR = PROJECT_ROOT / "templates"
STATIC_DIR = PROJECT_ROOT / "static"
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
SEEDS_DIR = PROJECT_ROOT / "seeds"
DEFAULT_DB = PROJECT_ROOT / "archive.db"


Archive = Path | str
"""Where an archive is: an SQLite file's path, or an SQLAlchemy URL
(`postgresql+psycopg://user@host/db`, `sqlite:///path`)."""

URL_SCHEMES = ("sqlite://", "postgresql://", "postgresql+psycopg://")


def archive_location(value: str | Path) -> Archive:
    """`value` as `ARCHIVE_DB` or `--db` give it: a URL stays a URL (an `sqlite:///` one
    becomes its path), anything else is a file path."""
    text = str(value)
    if text.startswith("sqlite:///"):
        return Path(text.removeprefix("sqlite:///")).expanduser()
    if "://" in text:
        return text
    return Path(text).expanduser()


class SettingsError(ValueError):
    """An `ARCHIVE_*` variable holds a value the archive cannot use."""


class Settings(BaseSettings):
    """Where the archive lives and how the server listens."""

    model_config = SettingsConfigDict(env_prefix="ARCHIVE_", frozen=True, extra="ignore")

    db: str = Field(default=str(DEFAULT_DB), validation_alias="ARCHIVE_DB")
    """The archive: an SQLite file, or a PostgreSQL URL (`postgresql+psycopg://...`)."""
    read_db: str = Field(default="", validation_alias="ARCHIVE_READ_DB")
    """Where the web app reads from, when not from `db`: a PostgreSQL hot standby."""
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1, le=64)
    page_cache_mb: int = Field(default=32, ge=0, le=65536)
    """Memory each worker may give to rendered pages (0: none); see app/web/pagecache.py."""
    base_url: str = ""
    """The archive's public address, for absolute links (canonical, Open Graph, Atom ids).
    Never taken from a request's Host header, which a client chooses."""

    @field_validator("db", mode="before")
    @classmethod
    def _empty_means_default(cls, value: object) -> object:
        return str(DEFAULT_DB) if value in ("", None) else value

    @field_validator("db", "read_db")
    @classmethod
    def _a_known_engine(cls, value: str) -> str:
        if "://" in value and not value.startswith(URL_SCHEMES):
            raise ValueError(f"must be a file path or a URL starting with {', '.join(URL_SCHEMES)}")
        return value

    @property
    def archive(self) -> Archive:
        """The archive the commands write to (and read from, unless `read_archive` differs)."""
        return archive_location(self.db)

    @property
    def read_archive(self) -> Archive:
        """The archive the web app reads: `ARCHIVE_READ_DB` (a replica) or else `ARCHIVE_DB`."""
        return archive_location(self.read_db) if self.read_db else self.archive

    @field_validator("base_url")
    @classmethod
    def _an_address(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @classmethod
    def from_env(cls) -> Settings:
        """The settings from the environment, or a `SettingsError` naming what is wrong."""
        try:
            return cls()
        except ValidationError as exc:
            raise SettingsError(_explain(exc)) from None

    @property
    def public_url(self) -> str:
        """`base_url`, or else the address the server listens on."""
        return (self.base_url or f"http://{self.host}:{self.port}").rstrip("/")


_VARIABLES = {"db": "ARCHIVE_DB", "read_db": "ARCHIVE_READ_DB"}


def _explain(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "?"
        name = _VARIABLES.get(field, f"ARCHIVE_{field.upper()}")
        message = str(error["msg"]).removeprefix("Value error, ")
        problems.append(f"{name}={error.get('input')!r}: {message}")
    return "; ".join(problems)
