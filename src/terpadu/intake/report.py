"""What an import reports: row accounting per file, the issues found, the values repaired.

The problem file an operator gets (:meth:`ImportReport.problem_list`) lists every issue and
every value written again in registry form (a NIK typed with spaces, a region code with
Excel's apostrophe), each as sent and as repaired, so the sender can fix the source too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from sqlalchemy import Engine, text

from terpadu.files import REPAIRED, ROW, CleanTable
from terpadu.files.clean import REPAIR_LIST_SCHEMA

#: The problem file's columns: a repaired value carries what was sent and what it became.
PROBLEM_SCHEMA = pl.Schema(
    {
        "file": pl.Utf8(),
        ROW: pl.Int64(),
        "column": pl.Utf8(),
        "value": pl.Utf8(),
        "repaired": pl.Utf8(),
        "severity": pl.Utf8(),
        "code": pl.Utf8(),
        "message": pl.Utf8(),
    }
)
REPAIRED_CODE = "value_repaired"


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
    # Values of landed rows written again in registry form (PROBLEM_SCHEMA, severity "repaired").
    repairs: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=PROBLEM_SCHEMA))

    def problem_list(self) -> pl.DataFrame:
        """The issues and the repaired values, in the problem file's columns (PROBLEM_SCHEMA)."""
        return problem_list(self.issues, self.repairs)

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


def landed_repairs(clean: CleanTable, landed: pl.DataFrame) -> pl.DataFrame:
    """The repaired values of the rows that landed (a refused row's repair changed nothing)."""
    repairs = clean.repairs if clean.repairs.height else pl.DataFrame(schema=REPAIR_LIST_SCHEMA)
    return repairs.filter(pl.col(ROW).is_in(landed[ROW].implode()))


def repair_report(
    repairs_k: pl.DataFrame, repairs_a: pl.DataFrame, path_k: Path, path_a: Path
) -> pl.DataFrame:
    """Each repaired value as a problem-file row: as sent, as repaired, and why."""
    frames = [
        repairs.with_columns(
            pl.lit(path.name).alias("file"),
            pl.lit("repaired").alias("severity"),
            pl.lit(REPAIRED_CODE).alias("code"),
            # concat_str, not pl.format: the latter panicked beside broadcast literals.
            pl.concat_str(
                [
                    pl.col("column").fill_null(""),
                    pl.lit(" '"),
                    pl.col("value").cast(pl.Utf8).fill_null(""),
                    pl.lit("' ditulis ulang menjadi '"),
                    pl.col("repaired").cast(pl.Utf8).fill_null(""),
                    pl.lit("' (dimuat); perbaiki juga di berkas sumber."),
                ]
            ).alias("message"),
        ).select("file", ROW, "column", "value", "repaired", "severity", "code", "message")
        for repairs, path in ((repairs_k, path_k), (repairs_a, path_a))
        if repairs.height
    ]
    return pl.concat(frames).cast(PROBLEM_SCHEMA) if frames else pl.DataFrame(schema=PROBLEM_SCHEMA)


def problem_list(issues: pl.DataFrame, repairs: pl.DataFrame) -> pl.DataFrame:
    """Issues and repairs in one table, by file and row."""
    if issues.height == 0 and repairs.height == 0:
        return pl.DataFrame(schema=PROBLEM_SCHEMA)
    frames = [f for f in (issues, repairs) if f.height]
    joined = pl.concat(frames, how="diagonal_relaxed")
    if "repaired" not in joined.columns:
        joined = joined.with_columns(pl.lit(None, dtype=pl.Utf8).alias("repaired"))
    return (
        joined.select(*PROBLEM_SCHEMA.names())
        .cast(PROBLEM_SCHEMA)
        .sort("file", ROW, maintain_order=True)
    )


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


def stored_problems(engine: Engine, batch_id: int) -> pl.DataFrame:
    """The problem list of a batch imported before, from its quarantine rows (the same files
    sent again change nothing, and their problem file is the first import's)."""
    sql = text(
        "SELECT f.file_name, q.row_number, q.column_name, q.value, q.severity, q.code, "
        "q.message FROM quarantine q JOIN batch_file f ON f.id = q.file_id "
        "WHERE q.batch_id = :batch ORDER BY f.id, q.row_number, q.id"
    )
    with engine.connect() as conn:
        rows = conn.execute(sql, {"batch": batch_id}).all()
    columns = ["file", ROW, "column", "value", "severity", "code", "message"]
    frame = pl.DataFrame(
        [tuple(r) for r in rows],
        schema={name: PROBLEM_SCHEMA[name] for name in columns},
        orient="row",
    )
    return problem_list(frame, pl.DataFrame(schema=PROBLEM_SCHEMA))
