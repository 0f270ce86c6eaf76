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


class SettingsError(ValueError):
    """An `ARCHIVE_*` variable holds a value the archive cannot use."""


class Settings(BaseSettings):
    """Where the archive lives and how the server listens."""

    model_config = SettingsConfigDict(env_prefix="ARCHIVE_", frozen=True, extra="ignore")

    db_path: Path = Field(default=DEFAULT_DB, validation_alias="ARCHIVE_DB")
    """The archive's database file."""
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1, le=64)
    page_cache_mb: int = Field(default=32, ge=0, le=65536)
    """Memory each worker may give to rendered pages (0: none); see app/web/pagecache.py."""
    base_url: str = ""
    """The archive's public address, for absolute links (canonical, Open Graph, Atom ids).
    Never taken from a request's Host header, which a client chooses."""

    @field_validator("db_path", mode="before")
    @classmethod
    def _empty_means_default(cls, value: object) -> object:
        return DEFAULT_DB if value in ("", None) else value

    @field_validator("db_path")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser()

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


_VARIABLES = {"db_path": "ARCHIVE_DB"}


def _explain(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "?"
        name = _VARIABLES.get(field, f"ARCHIVE_{field.upper()}")
        message = str(error["msg"]).removeprefix("Value error, ")
        problems.append(f"{name}={error.get('input')!r}: {message}")
    return "; ".join(problems)
