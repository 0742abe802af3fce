"""The issue rows of an import: messages, stale values kept, quarantine, members' families."""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from terpadu.files import ROW, CleanTable, RawTable
from terpadu.intake import validate
from terpadu.intake.messages import message
from terpadu.intake.stale import STALE_CODE


def stale_count(issues: pl.DataFrame) -> int:
    return issues.filter(pl.col("code") == STALE_CODE).height if issues.height else 0


def with_stale(issues: pl.DataFrame, stale: pl.DataFrame) -> pl.DataFrame:
    """The file's issues and the warnings for values kept because the registry's are newer."""
    if stale.height == 0:
        return issues
    return pl.concat([issues, stale], how="diagonal_relaxed")


def quarantine_rows(
    issues: pl.DataFrame, clean: CleanTable, batch_id: int, file_id: int, key_column: str | None
) -> pl.DataFrame:
    """Issue rows with their message; error rows carry the whole input row."""
    if issues.height == 0:
        return pl.DataFrame()
    raw = clean.raw
    headers = [h for h in raw.columns if h != ROW]
    error_rows = issues.filter(pl.col("severity") == "error")[ROW].unique()
    raw_json = raw.filter(pl.col(ROW).is_in(error_rows.implode())).select(
        pl.col(ROW), pl.struct(headers).struct.json_encode().alias("raw")
    )
    key_header = next((h for h, c in clean.mapping.items() if c == key_column), None)
    keys = raw.select(
        pl.col(ROW),
        (pl.col(key_header) if key_header else pl.lit(None, dtype=pl.Utf8)).alias("__raw_key"),
    )
    if "record_key" not in issues.columns:  # stale-value warnings bring their record's key
        issues = issues.with_columns(pl.lit(None, dtype=pl.Utf8).alias("record_key"))
    return (
        issues.join(raw_json, on=ROW, how="left")
        .join(keys, on=ROW, how="left")
        .with_columns(pl.coalesce("__raw_key", "record_key").alias("record_key"))
        .select(
            pl.lit(batch_id, dtype=pl.Int64).alias("batch_id"),
            pl.lit(file_id, dtype=pl.Int64).alias("file_id"),
            pl.col(ROW).alias("row_number"),
            pl.col("record_key"),
            pl.col("column").alias("column_name"),
            pl.col("value"),
            pl.col("severity"),
            pl.col("code"),
            pl.col("message"),
            pl.col("raw"),
        )
    )


def keep_issue_rows(clean: CleanTable, issues: pl.DataFrame) -> CleanTable:
    rows = issues[ROW].unique().implode()
    return replace(
        clean, values=clean.values.clear(), raw=clean.raw.filter(pl.col(ROW).is_in(rows))
    )


def without_frame(raw: RawTable) -> RawTable:
    return replace(raw, frame=pl.DataFrame())


def with_messages(issues: pl.DataFrame) -> pl.DataFrame:
    """Each issue with its operator message (formatted once per distinct code, column, value)."""
    keys = issues.select("code", "column", "value").unique()
    texts = [message(c, col, v) for c, col, v in keys.iter_rows()]
    return issues.join(
        keys.with_columns(pl.Series("message", texts, dtype=pl.Utf8)),
        on=["code", "column", "value"],
        how="left",
        nulls_equal=True,
        maintain_order="left",
    )


def memberships(
    landed: pl.DataFrame, person_ids: pl.DataFrame, family_ids: pl.DataFrame
) -> pl.DataFrame:
    """(person_id, family_id, hub_keluarga) of every landed member, with its row and keys."""
    return (
        landed.select(ROW, "source_key", "family_key", "hub_keluarga")
        .join(person_ids.rename({"id": "person_id"}), on="source_key")
        .join(family_ids.rename({"source_key": "family_key", "id": "family_id"}), on="family_key")
        .select("person_id", "family_id", "hub_keluarga", ROW, "source_key", "family_key")
    )


def kept_membership_issues(members: pl.DataFrame, kept: pl.DataFrame) -> pl.DataFrame:
    """A warning on the row of each member the batch would have moved back."""
    return kept.join(members, on="person_id").select(
        pl.col(ROW),
        pl.lit("ID_KELUARGA").alias("column"),
        pl.col("family_key").alias("value"),
        pl.lit("warning").alias("severity"),
        pl.lit(STALE_CODE).alias("code"),
        pl.concat_str(pl.col("message"), pl.lit(" (keanggotaan keluarga)")).alias("message"),
        pl.col("source_key").alias("record_key"),
    )


def family_reference_issues(
    clean: CleanTable, known: pl.Series, rejected_keys: pl.Series
) -> pl.DataFrame:
    """Members whose family was rejected in this batch, or is nowhere to be found."""
    values = clean.values
    orphans = values.filter(
        pl.col("family_key").is_not_null() & ~pl.col("family_key").is_in(known.implode())
    )
    family_header = next(h for h, c in clean.mapping.items() if c == "ID_KELUARGA")
    orphan_raw = clean.raw.filter(pl.col(ROW).is_in(orphans[ROW].implode()))[family_header]
    rejected_family = orphans["family_key"].is_in(rejected_keys.implode())
    return pl.concat(
        [
            validate.issues_frame(
                orphans.filter(rejected_family)[ROW],
                "ID_KELUARGA",
                orphan_raw.filter(rejected_family),
                "error",
                "family_rejected",
            ),
            validate.issues_frame(
                orphans.filter(~rejected_family)[ROW],
                "ID_KELUARGA",
                orphan_raw.filter(~rejected_family),
                "error",
                "family_not_found",
            ),
        ]
    )
