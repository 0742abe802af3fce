"""Older data never overwrites newer: which of a batch's changes would set a value back.

Asked only for the values a batch would change (after comparing with the
registry), set-wise: one query over ``value_change`` for the records concerned.

- Without a date for the batch's data, a change is stale when the incoming value
  is one the registry already replaced for that record and field (it appears as
  an ``old_value`` in the record's history): a re-saved old file, or an old file
  sent after a correction was approved through verval.
- With the date the data was collected (``import --as-of``), a change is stale
  when the registry's value is newer than that date: the date of the batch that
  set it (its ``as_of``, else the day it was loaded), or of the approval.
  An explicit date after the approval lets the batch through: the sender says
  its data is newer.

Stale values are kept, and each is reported on its row as a warning
(``stale_value_kept``) naming where the newer value came from.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import polars as pl
from sqlalchemy import Connection, Table, text

from terpadu.files import ROW
from terpadu.store.bulk import bulk_insert

STALE_CODE: Final = "stale_value_kept"
# The source under which approved proposals land (terpadu.verval.writer.USULAN_SOURCE).
USULAN_SOURCE: Final = "usulan"
_CHUNK: Final = 5_000
_HISTORY_SCHEMA: Final = {
    "entity_id": pl.Int64,
    "field": pl.Utf8,
    "old_value": pl.Utf8,
    "change_id": pl.Int64,
    "changed_on": pl.Date,
    "batch_id": pl.Int64,
    "source": pl.Utf8,
}


def _history(conn: Connection, entity: str, ids: pl.Series) -> pl.DataFrame:
    """Every recorded change of the records ``ids``, with its batch's date and source."""
    columns = "v.entity_id, v.field, v.old_value, v.id, v.at, b.as_of, v.batch_id, s.name"
    history = "JOIN batch b ON b.id = v.batch_id JOIN source s ON s.id = b.source_id"
    unique = ids.unique()
    if unique.len() <= _CHUNK:
        found = conn.execute(
            text(
                f"SELECT {columns} FROM value_change v {history} "
                f"WHERE v.entity = :e AND v.entity_id IN ({_list(unique)})"
            ),
            {"e": entity},
        )
    else:
        # Many records: join a temporary table rather than send huge IN lists. CROSS JOIN
        # makes SQLite start from the wanted ids and look each up in the entity index
        # (it would otherwise scan the history once per id); PostgreSQL plans it freely.
        conn.exec_driver_sql("CREATE TEMPORARY TABLE IF NOT EXISTS stale_id (k BIGINT)")
        conn.exec_driver_sql("DELETE FROM stale_id")
        bulk_insert(conn, "stale_id", pl.DataFrame({"k": unique.cast(pl.Int64)}))
        found = conn.execute(
            text(
                f"SELECT {columns} FROM stale_id w CROSS JOIN value_change v {history} "
                "WHERE v.entity = :e AND v.entity_id = w.k"
            ),
            {"e": entity},
        )
    rows = [tuple(r) for r in found]
    if not rows:
        return pl.DataFrame(schema=_HISTORY_SCHEMA)
    frame = pl.DataFrame(
        rows,
        schema=[
            "entity_id",
            "field",
            "old_value",
            "change_id",
            "at",
            "as_of",
            "batch_id",
            "source",
        ],
        orient="row",
        infer_schema_length=None,
    )
    return frame.select(
        pl.col("entity_id").cast(pl.Int64),
        pl.col("field").cast(pl.Utf8),
        pl.col("old_value").cast(pl.Utf8),
        pl.col("change_id").cast(pl.Int64),
        pl.coalesce(_as_date(frame, "as_of"), _as_date(frame, "at")).alias("changed_on"),
        pl.col("batch_id").cast(pl.Int64),
        pl.col("source").cast(pl.Utf8),
    )


def _as_date(frame: pl.DataFrame, name: str) -> pl.Expr:
    """A date or timestamp column as a date (SQLite gives text, PostgreSQL objects)."""
    dtype = frame.schema[name]
    if dtype == pl.Date:
        return pl.col(name)
    if isinstance(dtype, pl.Datetime):
        return pl.col(name).dt.date()
    return pl.col(name).cast(pl.Utf8).str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)


def _list(ids: pl.Series) -> str:
    return ", ".join(str(int(i)) for i in ids.to_list()) or "NULL"


def _created(conn: Connection, table: Table, ids: pl.Series) -> pl.DataFrame:
    """When the records' current values were first set: their creating batch's date."""
    select = (
        f"SELECT r.id, r.created_at, b.as_of, r.batch_id, s.name FROM {table.name} r "
        "JOIN batch b ON b.id = r.batch_id JOIN source s ON s.id = b.source_id "
    )
    rows: list[tuple[object, ...]] = []
    unique = ids.unique().to_list()
    for start in range(0, len(unique), _CHUNK):
        chunk = pl.Series(unique[start : start + _CHUNK])
        found = conn.execute(text(f"{select} WHERE r.id IN ({_list(chunk)})"))
        rows += [tuple(r) for r in found]
    frame = pl.DataFrame(
        rows,
        schema=["entity_id", "at", "as_of", "batch_id", "source"],
        orient="row",
        infer_schema_length=None,
    )
    return frame.select(
        pl.col("entity_id").cast(pl.Int64),
        pl.coalesce(_as_date(frame, "as_of"), _as_date(frame, "at")).alias("changed_on"),
        pl.col("batch_id").cast(pl.Int64),
        pl.col("source").cast(pl.Utf8),
    )


def stale_changes(
    conn: Connection,
    table: Table,
    entity: str,
    changes: pl.DataFrame,
    as_of: dt.date | None,
) -> pl.DataFrame:
    """The changes (``entity_id, field, new_value, row_number``) that would set a value
    back, with the message saying where the newer value came from."""
    empty = pl.DataFrame(
        schema={"entity_id": pl.Int64, "field": pl.Utf8, "row_number": pl.Int64, "message": pl.Utf8}
    )
    if changes.height == 0:
        return empty
    history = _history(conn, entity, changes["entity_id"])
    latest = (
        history.sort("change_id")
        .group_by("entity_id", "field")
        .last()
        .select("entity_id", "field", "changed_on", "batch_id", "source")
    )
    if as_of is None:
        superseded = history.select("entity_id", "field", pl.col("old_value").alias("new_value"))
        stale = changes.join(
            superseded.unique(), on=["entity_id", "field", "new_value"], how="semi"
        ).join(latest, on=["entity_id", "field"], how="left")
    else:
        created = _created(conn, table, changes["entity_id"])
        current = changes.join(latest, on=["entity_id", "field"], how="left")
        undated = current.filter(pl.col("changed_on").is_null()).drop(
            "changed_on", "batch_id", "source"
        )
        current = pl.concat(
            [
                current.filter(pl.col("changed_on").is_not_null()),
                undated.join(created, on="entity_id", how="left"),
            ],
            how="diagonal_relaxed",
        )
        stale = current.filter(pl.col("changed_on") > pl.lit(as_of))
    if stale.height == 0:
        return empty
    return stale.select(
        pl.col("entity_id"),
        pl.col("field"),
        pl.col("row_number").cast(pl.Int64),
        _message(as_of).alias("message"),
    )


def _message(as_of: dt.date | None) -> pl.Expr:
    when = pl.col("changed_on").dt.strftime("%Y-%m-%d").fill_null("?")
    origin = (
        pl.when(pl.col("source") == USULAN_SOURCE)
        .then(pl.concat_str(pl.lit("usulan disetujui "), when))
        .otherwise(
            pl.concat_str(
                pl.lit("batch "),
                pl.col("batch_id").cast(pl.Utf8).fill_null("?"),
                pl.lit(", "),
                when,
            )
        )
    )
    tail = (
        f"; data kiriman ini per {as_of.isoformat()}) — tidak diubah"
        if as_of
        else "; nilai dari kiriman ini sudah pernah diganti) — tidak diubah"
    )
    return pl.concat_str(pl.lit("Nilai di registri lebih baru ("), origin, pl.lit(tail))


def _in_chunks(conn: Connection, sql: str, ids: pl.Series) -> list[tuple[object, ...]]:
    """Rows of ``sql`` (with ``{ids}`` for an id list) for every id, a chunk at a time."""
    unique = ids.unique().to_list()
    rows: list[tuple[object, ...]] = []
    for start in range(0, len(unique), _CHUNK):
        chunk = pl.Series(unique[start : start + _CHUNK])
        rows += [tuple(r) for r in conn.execute(text(sql.format(ids=_list(chunk))))]
    return rows


def stale_moves(conn: Connection, moves: pl.DataFrame, as_of: dt.date | None) -> pl.DataFrame:
    """Of the members a batch would move to another family (``person_id, family_id,
    membership_id``: their open membership), those whose membership is newer: without a
    date, a move back into a family they already left; with ``as_of``, a membership
    opened after it. ``person_id`` and the message."""
    empty = pl.DataFrame(schema={"person_id": pl.Int64, "message": pl.Utf8})
    if moves.height == 0:
        return empty
    opened = _in_chunks(
        conn,
        "SELECT m.id, m.joined_at, b.as_of, m.joined_batch_id, s.name FROM membership m "
        "JOIN batch b ON b.id = m.joined_batch_id JOIN source s ON s.id = b.source_id "
        "WHERE m.id IN ({ids})",
        moves["membership_id"],
    )
    current = pl.DataFrame(
        opened,
        schema=["membership_id", "at", "as_of", "batch_id", "source"],
        orient="row",
        infer_schema_length=None,
    )
    current = current.select(
        pl.col("membership_id").cast(pl.Int64),
        pl.coalesce(_as_date(current, "as_of"), _as_date(current, "at")).alias("changed_on"),
        pl.col("batch_id").cast(pl.Int64),
        pl.col("source").cast(pl.Utf8),
    )
    candidates = moves.join(current, on="membership_id", how="left")
    if as_of is None:
        left = _in_chunks(
            conn,
            "SELECT person_id, family_id FROM membership "
            "WHERE left_at IS NOT NULL AND person_id IN ({ids})",
            moves["person_id"],
        )
        earlier = pl.DataFrame(
            left, schema={"person_id": pl.Int64, "family_id": pl.Int64}, orient="row"
        ).unique()
        stale = candidates.join(earlier, on=["person_id", "family_id"], how="semi")
    else:
        stale = candidates.filter(pl.col("changed_on") > pl.lit(as_of))
    return stale.select(pl.col("person_id"), _message(as_of).alias("message"))


def stale_issues(stale: pl.DataFrame, changes: pl.DataFrame, keys: pl.DataFrame) -> pl.DataFrame:
    """The warnings for a report and the quarantine: one per stale value, on its row.

    ``changes``: the compared values (``entity_id, field, new_value``); ``keys``:
    ``id, source_key`` of the records.
    """
    return (
        stale.join(changes.select("entity_id", "field", "new_value"), on=["entity_id", "field"])
        .join(keys.rename({"id": "entity_id"}), on="entity_id", how="left")
        .select(
            pl.col("row_number").alias(ROW),
            pl.col("field").str.to_uppercase().alias("column"),
            pl.col("new_value").alias("value"),
            pl.lit("warning").alias("severity"),
            pl.lit(STALE_CODE).alias("code"),
            pl.col("message"),
            pl.col("source_key").alias("record_key"),
        )
    )


__all__ = ["STALE_CODE", "stale_changes", "stale_issues", "stale_moves"]
