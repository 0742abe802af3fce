"""Row-level checks that look across columns and rows of a batch.

Column cleaning (clean.py) judges each value alone; here a batch is judged as
a whole: keys unique in a file, members' families present, NIK against the
stated birth date and sex, a NIK used twice, a highest diploma the member is too young for.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from terpadu.education import diploma_too_young_expr
from terpadu.files import ISSUE_SCHEMA, ROW, CleanTable, error_rows


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


def duplicate_key_issues(
    values: pl.DataFrame, key: str, column: str, raw_key: pl.Series
) -> pl.DataFrame:
    """Every row after the first that repeats a key (the first one stands)."""
    frame = values.select(pl.col(ROW), pl.col(key)).with_columns(raw_key.alias("__raw"))
    # Rows are in file order, so "after the first" is "not the first of its key".
    repeated = frame.filter(pl.col(key).is_not_null() & ~pl.col(key).is_first_distinct())
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


def nik_consistency_issues(values: pl.DataFrame) -> pl.DataFrame:
    """Warnings where the NIK's birth date or sex differ from the stated ones."""
    # Cleaning kept only NIKs that passed every check (a real, past date), so the
    # date and sex are read straight from the digits: DDMMYY, women's day + 40.
    # The century is only inferred: day, month and two-digit year are compared.
    nik = pl.col("nik")
    raw_day = nik.str.slice(6, 2).cast(pl.Int32, strict=False)
    frame = values.filter(nik.is_not_null()).select(
        ROW,
        "nik",
        "tgl_lahir",
        "jenis_kelamin",
        (raw_day - pl.when(raw_day > 40).then(40).otherwise(0)).alias("nik_day"),
        nik.str.slice(8, 2).cast(pl.Int32, strict=False).alias("nik_month"),
        nik.str.slice(10, 2).cast(pl.Int32, strict=False).alias("nik_yy"),
        pl.when(raw_day > 40).then(2).otherwise(1).alias("nik_sex"),
    )
    if frame.height == 0:
        return pl.DataFrame(schema=ISSUE_SCHEMA)
    stated = pl.col("tgl_lahir")
    date_off = frame.filter(
        stated.is_not_null()
        & (
            (stated.dt.day().cast(pl.Int32) != pl.col("nik_day"))
            | (stated.dt.month().cast(pl.Int32) != pl.col("nik_month"))
            | ((stated.dt.year() % 100).cast(pl.Int32) != pl.col("nik_yy"))
        )
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


def education_age_issues(values: pl.DataFrame, today: dt.date) -> pl.DataFrame:
    """Warnings where PENDIDIKAN_TERTINGGI is a diploma the member is too young for (by
    TGL_LAHIR at ``today``); the row lands, and targeting takes the school level from the age."""
    born = pl.col("tgl_lahir")
    age = (
        pl.lit(today.year)
        - born.dt.year()
        - (
            (born.dt.month() > today.month)
            | ((born.dt.month() == today.month) & (born.dt.day() > today.day))
        ).cast(pl.Int32)
    )
    off = values.filter(diploma_too_young_expr(age, pl.col("pendidikan_tertinggi")))
    return issues_frame(
        off[ROW],
        "PENDIDIKAN_TERTINGGI",
        off["pendidikan_tertinggi"],
        "warning",
        "education_inconsistent_age",
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
