"""Row-level checks that look across columns and rows of a batch.

Column cleaning (clean.py) judges each value alone; here a batch is judged as
a whole: keys unique in a file, members' families present, NIK against the
stated birth date and sex, a NIK used twice.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from terpadu.identity import check_nik_frame
from terpadu.intake.clean import ISSUE_SCHEMA, CleanTable
from terpadu.intake.readers import ROW


def issues_frame(
    rows: pl.Series, column: str, values: pl.Series, severity: str, code: str
) -> pl.DataFrame:
    return pl.DataFrame(
        {
            ROW: rows,
            "column": pl.Series([column] * len(rows), dtype=pl.Utf8),
            "value": values.cast(pl.Utf8),
            "severity": pl.Series([severity] * len(rows), dtype=pl.Utf8),
            "code": pl.Series([code] * len(rows), dtype=pl.Utf8),
        },
        schema=ISSUE_SCHEMA,
    )


def error_rows(issues: pl.DataFrame) -> pl.Series:
    return issues.filter(pl.col("severity") == "error")[ROW].unique()


def duplicate_key_issues(
    values: pl.DataFrame, key: str, column: str, raw_key: pl.Series
) -> pl.DataFrame:
    """Every row after the first that repeats a key (the first one stands)."""
    frame = values.select(pl.col(ROW), pl.col(key)).with_columns(raw_key.alias("__raw"))
    repeated = frame.filter(pl.col(key).is_not_null() & pl.col(key).is_duplicated()).filter(
        pl.col(ROW) != pl.col(ROW).min().over(key)
    )
    return issues_frame(repeated[ROW], column, repeated["__raw"], "error", "duplicate_key")


def person_source_keys(values: pl.DataFrame) -> pl.Expr:
    """The person's key within its source: ID_ANGGOTA, else family + NIK, else family + name + birth date."""
    by_name = pl.concat_str(
        [
            pl.col("family_key"),
            pl.col("nama").str.to_uppercase(),
            pl.col("tgl_lahir").cast(pl.Utf8).fill_null(""),
        ],
        separator="#",
    )
    return (
        pl.when(pl.col("id_anggota").is_not_null())
        .then(pl.col("id_anggota"))
        .when(pl.col("nik").is_not_null())
        .then(pl.concat_str([pl.col("family_key"), pl.col("nik")], separator="#"))
        .otherwise(by_name)
        .alias("source_key")
    )


def nik_consistency_issues(values: pl.DataFrame, today: dt.date) -> pl.DataFrame:
    """Warnings where the NIK's birth date or sex differ from the stated ones."""
    with_nik = values.filter(pl.col("nik").is_not_null())
    if with_nik.height == 0:
        return pl.DataFrame(schema=ISSUE_SCHEMA)
    decoded = check_nik_frame(with_nik["nik"], today)
    frame = with_nik.select(ROW, "nik", "tgl_lahir", "jenis_kelamin").with_columns(
        decoded["nik_birth_date"].alias("nik_date"), decoded["nik_sex"].alias("nik_sex")
    )
    # The NIK's century is only inferred: compare day, month and two-digit year.
    date_off = frame.filter(
        pl.col("tgl_lahir").is_not_null()
        & pl.col("nik_date").is_not_null()
        & (pl.col("tgl_lahir").dt.strftime("%d%m%y") != pl.col("nik_date").dt.strftime("%d%m%y"))
    )
    sex_off = frame.filter(
        pl.col("jenis_kelamin").is_not_null()
        & pl.col("nik_sex").is_not_null()
        & (pl.col("jenis_kelamin").cast(pl.Int16) != pl.col("nik_sex").cast(pl.Int16))
    )
    return pl.concat(
        [
            issues_frame(
                date_off[ROW], "NIK", date_off["nik"], "warning", "nik_birth_date_mismatch"
            ),
            issues_frame(sex_off[ROW], "NIK", sex_off["nik"], "warning", "nik_sex_mismatch"),
        ]
    )


def nik_duplicate_issues(values: pl.DataFrame) -> pl.DataFrame:
    """Warnings where one NIK is used by rows of different persons in the batch."""
    dup = values.filter(
        pl.col("nik").is_not_null() & (pl.col("source_key").n_unique().over("nik") > 1)
    )
    return issues_frame(dup[ROW], "NIK", dup["nik"], "warning", "nik_duplicate_in_batch")


def accept(
    clean: CleanTable, extra_issues: list[pl.DataFrame]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(landed values, all issues) once every check has spoken."""
    issues = pl.concat([clean.issues, *extra_issues]) if extra_issues else clean.issues
    rejected = error_rows(issues)
    landed = clean.values.filter(~pl.col(ROW).is_in(rejected.implode()))
    return landed, issues.sort(ROW)
