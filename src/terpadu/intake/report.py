"""What an import reports: row accounting per file, and the issues found."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from terpadu.files import REPAIRED, ROW, CleanTable


@dataclass
class FileReport:
    """Row accounting for one file: read = landed + rejected."""

    role: str
    path: Path
    file_format: str
    encoding: str | None
    rows_read: int = 0
    rows_landed: int = 0
    rows_repaired: int = 0
    rows_rejected: int = 0
    rows_warned: int = 0


@dataclass
class ImportReport:
    """What an import did, for the operator and for tests."""

    source: str
    batch_id: int | None
    already_imported: bool
    files: list[FileReport]
    families_new: int = 0
    families_changed: int = 0
    persons_new: int = 0
    persons_changed: int = 0
    persons_without_nik: int = 0
    issues: pl.DataFrame = field(default_factory=pl.DataFrame)

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)


def account(
    report: FileReport, clean: CleanTable, landed: pl.DataFrame, issues: pl.DataFrame
) -> None:
    report.rows_read = clean.values.height
    report.rows_landed = landed.height
    report.rows_rejected = report.rows_read - report.rows_landed
    report.rows_repaired = int(landed[REPAIRED].sum())
    report.rows_warned = warned(landed, issues)


def warned(landed: pl.DataFrame, issues: pl.DataFrame) -> int:
    """Landed rows with at least one warning."""
    warned = issues.filter(pl.col("severity") == "warning")[ROW].unique()
    return landed.filter(pl.col(ROW).is_in(warned.implode())).height


def issue_report(
    issues_k: pl.DataFrame, issues_a: pl.DataFrame, path_k: Path, path_a: Path
) -> pl.DataFrame:
    frames = []
    for issues, path in ((issues_k, path_k), (issues_a, path_a)):
        if issues.height:
            frames.append(
                issues.with_columns(pl.lit(path.name).alias("file")).select(
                    "file", ROW, "column", "value", "severity", "code", "message"
                )
            )
    if not frames:
        return pl.DataFrame(
            schema={
                "file": pl.Utf8,
                ROW: pl.Int64,
                "column": pl.Utf8,
                "value": pl.Utf8,
                "severity": pl.Utf8,
                "code": pl.Utf8,
                "message": pl.Utf8,
            }
        )
    return pl.concat(frames).select("file", ROW, "column", "value", "severity", "code", "message")
