"""Columns as targeting's files show them: public ids, capitals, fixed types."""

from __future__ import annotations

import polars as pl

from terpadu.store.ids import FAMILY_PREFIX, PERSON_PREFIX


def public_id(prefix: str, column: str | pl.Expr) -> pl.Expr:
    """A FAMILY_ID (``KLG``) or PERSON_ID (``ORG``) from an internal id column."""
    ids = pl.col(column) if isinstance(column, str) else column
    return pl.concat_str([pl.lit(prefix), ids.cast(pl.Utf8).str.zfill(10)])


def family_id(column: str = "family_id") -> pl.Expr:
    return public_id(FAMILY_PREFIX, column)


def person_id(column: str | pl.Expr) -> pl.Expr:
    return public_id(PERSON_PREFIX, column)


def exported(column: str, dtype: type[pl.DataType] = pl.Utf8) -> pl.Expr:
    """``column`` as ``dtype`` under its export name (the same word in capitals)."""
    return pl.col(column).cast(dtype).alias(column.upper())


def exported_text(*columns: str) -> list[pl.Expr]:
    return [exported(c) for c in columns]


def programme_columns(program_id: str, period: str) -> list[pl.Expr]:
    """What every row of a programme's file starts with: PROGRAM, PERIODE, FAMILY_ID,
    ID_KELUARGA."""
    return [
        pl.lit(program_id.upper()).alias("PROGRAM"),
        pl.lit(period).alias("PERIODE"),
        family_id().alias("FAMILY_ID"),
        exported("id_keluarga"),
    ]
