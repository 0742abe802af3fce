"""Runtime settings, read from ``TERPADU_*`` environment variables.

Every setting is declared once here with its default and help text; the docs
(docs/configuration.md) list them and a test keeps the two in step.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Terpadu's configuration."""

    model_config = SettingsConfigDict(env_prefix="TERPADU_", extra="ignore")

    database_url: str = Field(
        default="",
        description=(
            "SQLAlchemy URL of the system of record, e.g. "
            "postgresql+psycopg://user@host/db. Default: a SQLite file var/terpadu.db."
        ),
    )
    data_dir: Path = Field(
        default=Path("var"),
        description="Folder for files Terpadu keeps: models, editions, uploads, reports.",
    )
    language: str = Field(
        default="id", description="Interface language: id (Bahasa Indonesia) or en."
    )
    import_chunk_rows: int = Field(
        default=100_000,
        description="Rows written to the database per round trip during import.",
    )
    import_wait_s: float = Field(
        default=600,
        description=(
            "Seconds an import waits while another import of the same source is loading, "
            "before it is refused."
        ),
    )

    def resolved_database_url(self) -> str:
        """The database URL, defaulting to a SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'terpadu.db').as_posix()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once from the environment)."""
    return Settings()
