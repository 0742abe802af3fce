"""The problems found in a file: one row per cell or row, and which rows they reject."""

from __future__ import annotations

import polars as pl

from terpadu.files.form import ROW

# One problem with one cell or row: the row, the column, the value as received, its weight.
ISSUE_SCHEMA = pl.Schema(
    {
        ROW: pl.Int64(),
        "column": pl.Utf8(),
        "value": pl.Utf8(),
        "severity": pl.Utf8(),
        "code": pl.Utf8(),
    }
)


def error_rows(issues: pl.DataFrame) -> pl.Series:
    """The rows with at least one ``error`` (they are rejected; warnings are not)."""
    return issues.filter(pl.col("severity") == "error")[ROW].unique()
