"""Runtime settings, read from ``TERPADU_*`` environment variables.

Every setting is declared once here with its default and help text; the docs
(docs/configuration.md) list them and a test keeps the two in step. The layout of
the data folder is spelt out here too (the ``*_dir`` properties), so the faces
(CLI, web) hand domain code the folder it needs instead of domain code joining
paths under a global data folder.
"""

from __future__ import annotations

import datetime as dt
import uuid
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
    # -- input limits (checked before a file is parsed; see docs/formats.md) ----------------
    input_max_bytes: int = Field(
        default=2 * 1024**3,
        description="Largest input file (CSV, XLSX, Parquet) any command reads, in bytes.",
    )
    input_max_columns: int = Field(
        default=500, description="Most columns an input file's header may have."
    )
    input_max_header_chars: int = Field(
        default=200, description="Longest column header of an input file, in characters."
    )
    input_max_cell_chars: int = Field(
        default=10_000, description="Longest value of any cell of an input file, in characters."
    )
    input_max_rows: int = Field(
        default=2_000_000,
        description="Most rows per input file (a CSV's lines, a sheet's rows, a Parquet's rows).",
    )
    input_max_line_bytes: int = Field(
        default=8 * 1024 * 1024,
        description="Longest line of a CSV file, in bytes (a line without line break beyond it "
        "is refused before it is read).",
    )
    xlsx_max_inflated_bytes: int = Field(
        default=1024**3,
        description="Most bytes an XLSX workbook may unpack to (all its zip members together).",
    )
    xlsx_max_ratio: int = Field(
        default=100,
        description="Highest compression ratio of one XLSX zip member (of 1 MiB or more "
        "unpacked); a higher one is a zip bomb.",
    )
    xlsx_max_sheets: int = Field(default=50, description="Most sheets an XLSX workbook may have.")
    xlsx_max_shared_strings_bytes: int = Field(
        default=256 * 1024**2,
        description="Most bytes an XLSX workbook's shared-strings table may unpack to.",
    )
    # -- web limits ------------------------------------------------------------------------
    secure_cookies: bool = Field(
        default=False,
        description=(
            "Mark the cookies Secure and send HSTS (set it when the site is served over HTTPS)."
        ),
    )
    session_max_age_s: int = Field(
        default=12 * 3600,
        description="Seconds a page login stays valid however active it is (absolute timeout).",
    )
    session_idle_s: int = Field(
        default=30 * 60,
        description="Seconds without a request after which a page login ends (idle timeout).",
    )
    token_max_age_s: int = Field(
        default=12 * 3600, description="Seconds an API bearer token stays valid."
    )
    upload_max_bytes: int = Field(
        default=200 * 1024 * 1024, description="Largest file the web import accepts, in bytes."
    )
    lockout_user_address_failures: int = Field(
        default=5,
        description=(
            "Failed logins for one username from one address before each further attempt "
            "must wait (the wait doubles with every failure)."
        ),
    )
    lockout_user_failures: int = Field(
        default=20,
        description="Failed logins for one username from all addresses before waits begin.",
    )
    lockout_address_failures: int = Field(
        default=100,
        description=(
            "Failed logins from one address for any username before waits begin (high: an "
            "office behind one NAT address shares it)."
        ),
    )
    lockout_first_wait_s: int = Field(
        default=30, description="Seconds of the first wait once a threshold is reached."
    )
    lockout_max_wait_s: int = Field(
        default=15 * 60, description="Longest wait between login attempts (the backoff's cap)."
    )
    cli_login_max_age_s: int = Field(
        default=8 * 3600, description="Seconds a CLI login (terpadu login) stays valid."
    )
    login_dir: Path | None = Field(
        default=None,
        description=(
            "Folder of the CLI's login tokens (0700, one 0600 file per database). "
            "Default: $XDG_CONFIG_HOME/terpadu/login, else ~/.config/terpadu/login."
        ),
    )
    failure_window_s: int = Field(
        default=60 * 60, description="Seconds over which failed logins are counted."
    )
    trust_proxy: str = Field(
        default="",
        description=(
            "Addresses (or networks, or *) of reverse proxies whose X-Forwarded-Proto and "
            "X-Forwarded-For are believed; empty: none."
        ),
    )

    # -- keeping personal data and the audit log -----------------------------------------
    batch_retention_days: int = Field(
        default=90,
        ge=1,
        description=(
            "Days the rows and files kept for a finished import (rejected rows, problem "
            "lists) stay before 'terpadu data purge' removes them."
        ),
    )
    audit_key: str = Field(
        default="",
        repr=False,
        description=(
            "Secret key that signs audit anchors (HMAC-SHA256); keep it away from the "
            "database. Or give TERPADU_AUDIT_KEY_FILE."
        ),
    )
    audit_key_file: Path | None = Field(
        default=None,
        description="File holding the audit signing key (used when TERPADU_AUDIT_KEY is empty).",
    )

    # -- social services (complaints) ------------------------------------------------------
    holidays_file: Path | None = Field(
        default=None,
        description=(
            "CSV of the office's holidays (column tanggal: 2026-12-25 or 25/12/2026; "
            "keterangan optional): complaint deadlines skip them, and weekends."
        ),
    )
    complaint_sla: str = Field(
        default="",
        description=(
            "Working days a complaint may stay in each state, over the defaults "
            "received=1,checked=5,visited=3,referred=10,decided=2 (e.g. 'checked=7')."
        ),
    )
    case_review_days: int = Field(
        default=20,
        ge=1,
        le=260,
        description=(
            "Working days from a PPKS case plan or review to the next review when the "
            "caseworker names no date (20: about a month)."
        ),
    )

    # -- reports ---------------------------------------------------------------------------
    boundaries_file: Path | None = Field(
        default=None,
        description=(
            "GeoJSON of region boundaries for the report page's map (features with the "
            "Kemendagri code in the property 'kode'); empty: no map."
        ),
    )

    def resolved_database_url(self) -> str:
        """The database URL, defaulting to a SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'terpadu.db').as_posix()}"

    # -- the data folder's layout (the one place it is written down) -----------------------
    @property
    def pmt_models_dir(self) -> Path:
        """Fitted PMT (welfare) models."""
        return self.data_dir / "models" / "pmt"

    @property
    def linkage_models_dir(self) -> Path:
        """Trained record-linkage (Splink) models."""
        return self.data_dir / "models" / "linkage"

    @property
    def editions_dir(self) -> Path:
        """Published editions (Parquet snapshots and their manifests)."""
        return self.data_dir / "editions"

    @property
    def evidence_dir(self) -> Path:
        """Evidence files attached to proposals, kept by checksum."""
        return self.data_dir / "evidence"

    @property
    def programs_dir(self) -> Path:
        """The user's edited programme definitions (YAML)."""
        return self.data_dir / "programs"

    @property
    def reports_dir(self) -> Path:
        """Workbooks the report commands write by default."""
        return self.data_dir / "reports"

    @property
    def workflow_config_path(self) -> Path:
        """The verval workflow configuration (levels, SLAs)."""
        return self.data_dir / "verval.yaml"

    @property
    def welfare_runs_dir(self) -> Path:
        """Working files of ranking runs."""
        return self.data_dir / "welfare" / "runs"

    @property
    def targeting_runs_dir(self) -> Path:
        """Working files of targeting runs."""
        return self.data_dir / "targeting" / "runs"

    @property
    def targeting_snapshots_dir(self) -> Path:
        """Snapshots of the live registry that targeting reads."""
        return self.data_dir / "targeting" / "snapshots"

    @property
    def spark_checkpoints_dir(self) -> Path:
        """Spark's checkpoint folder."""
        return self.data_dir / "spark-checkpoints"

    @property
    def web_imports_dir(self) -> Path:
        """Files uploaded through the web import, one folder per job."""
        return self.data_dir / "web-imports"

    @property
    def web_runs_dir(self) -> Path:
        """Work started from a page (Dukcapil check, payments, simulation), one folder per job."""
        return self.data_dir / "web-runs"

    @property
    def web_secret_path(self) -> Path:
        """The web's signing key for session cookies and tokens."""
        return self.data_dir / "web_secret.key"

    @property
    def anchors_dir(self) -> Path:
        """Signed checkpoints of the audit chain's head (``terpadu audit anchor``)."""
        return self.data_dir / "audit" / "anchors"

    @property
    def scratch_dir(self) -> Path:
        """Intermediate files of running jobs (rank, link, target): private, removed at the end."""
        return self.data_dir / "scratch"

    @property
    def demo_dir(self) -> Path:
        """Files ``terpadu demo`` generates."""
        return self.data_dir / "demo"


def run_folder(root: Path, prefix: str = "", at: dt.datetime | None = None) -> Path:
    """A new folder name for one run's working files under ``root``: ``prefix``, the time
    (UTC) and a random tag, so runs started in the same second do not share a folder."""
    at = at or dt.datetime.now(dt.UTC)
    return root / f"{prefix}{at:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once from the environment)."""
    return Settings()
