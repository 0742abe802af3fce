"""Polars frames as the database drivers take them.

SQLite stores dates and timestamps as text and booleans as integers; PostgreSQL's
CSV ``COPY`` reads timestamps with their zone. Both the bulk writers
(``terpadu.store.bulk``) and the SQLite scratch writers (``terpadu.store.sqlite_stage``)
prepare their frames here.
"""

from __future__ import annotations

import polars as pl

SQLITE_TIMESTAMP = "%Y-%m-%d %H:%M:%S%.6f"


def _in_utc(name: str, dtype: pl.Datetime) -> pl.Expr:
    """A timestamp column as UTC wall time (naive values are UTC already)."""
    if dtype.time_zone is None:
        return pl.col(name)
    return pl.col(name).dt.convert_time_zone("UTC").dt.replace_time_zone(None)


def for_sqlite(frame: pl.DataFrame) -> pl.DataFrame:
    casts: list[pl.Expr] = []
    for name, dtype in frame.schema.items():
        if dtype == pl.Date:
            casts.append(pl.col(name).dt.strftime("%Y-%m-%d"))
        elif isinstance(dtype, pl.Datetime):
            casts.append(_in_utc(name, dtype).dt.strftime(SQLITE_TIMESTAMP))
        elif dtype == pl.Boolean:
            casts.append(pl.col(name).cast(pl.Int8))
        else:
            casts.append(pl.col(name))
    return frame.select(casts)


def for_postgres(frame: pl.DataFrame) -> pl.DataFrame:
    casts: list[pl.Expr] = []
    for name, dtype in frame.schema.items():
        if isinstance(dtype, pl.Datetime):
            casts.append(_in_utc(name, dtype).dt.strftime("%Y-%m-%dT%H:%M:%S%.6f+00:00"))
        elif dtype == pl.Boolean:
            casts.append(pl.col(name).cast(pl.Int8))
        else:
            casts.append(pl.col(name))
    return frame.select(casts)


def all_null_columns(frame: pl.DataFrame) -> list[str]:
    return [c for c in frame.columns if frame[c].null_count() == frame.height]
