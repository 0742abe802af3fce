"""Write a checked batch into the registry: insert what is new, record what changed.

Runs inside one transaction: an interrupted import leaves the registry as it
was. Records are matched to earlier imports of the same source by their key
(ID_KELUARGA; ID_ANGGOTA or the derived person key); a changed value updates
the record and leaves a ``value_change`` row with the old value and the new
value's batch, file and row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field

import polars as pl
from sqlalchemy import Connection, Table, column, select, text
from sqlalchemy import table as table_clause

from terpadu.files import ROW
from terpadu.intake.stale import stale_changes, stale_issues, stale_moves
from terpadu.store.bulk import (
    allocate_ids,
    bulk_insert,
    bulk_update,
    has_rows,
    insert_new_rows,
)
from terpadu.store.models import Family, Membership, Person, QuarantineEntry
from terpadu.store.name_search import names_written_aside

KEY_CHUNK = 5_000


@dataclass(frozen=True)
class UpsertResult:
    ids: pl.DataFrame  # source_key → id for every landed record
    new: int
    changed: int
    existing_ids: pl.Series  # ids of landed records that were registered before
    # Values kept because the registry's are newer: one warning per value (terpadu.intake.stale).
    stale: pl.DataFrame = field(default_factory=pl.DataFrame)


def lookup_keys(
    conn: Connection, table: Table, source_id: int, keys: pl.Series, fields: list[str]
) -> pl.DataFrame:
    """Rows of ``table`` from ``source_id`` whose source_key is among ``keys``."""
    names = ["id", "source_key", "version", *fields]
    # A first import from a source looks nothing up (and turns no million keys into objects).
    if keys.len() == 0 or not has_rows(conn, table.name, source_id):
        return _typed_empty(fields)
    columns = [table.c.id, table.c.source_key, table.c.version, *[table.c[f] for f in fields]]
    if keys.len() <= KEY_CHUNK:
        statement = select(*columns).where(
            table.c.source_id == source_id, table.c.source_key.in_(keys.to_list())
        )
    else:
        # Many keys: join against a temporary table instead of huge IN lists.
        conn.exec_driver_sql("CREATE TEMPORARY TABLE IF NOT EXISTS wanted_key (k VARCHAR(200))")
        conn.exec_driver_sql("DELETE FROM wanted_key")
        bulk_insert(conn, "wanted_key", pl.DataFrame({"k": keys.cast(pl.Utf8)}))
        wanted_table = table_clause("wanted_key", column("k"))
        statement = (
            select(*columns)
            .join(wanted_table, wanted_table.c.k == table.c.source_key)
            .where(table.c.source_id == source_id)
        )
    rows = conn.execute(statement).all()
    if not rows:
        return _typed_empty(fields)
    return pl.DataFrame(
        [tuple(r) for r in rows], schema=names, orient="row", infer_schema_length=None
    ).with_columns(pl.col("id").cast(pl.Int64), pl.col("version").cast(pl.Int64))


def _typed_empty(fields: list[str]) -> pl.DataFrame:
    schema = {"id": pl.Int64, "source_key": pl.Utf8, "version": pl.Int64}
    return pl.DataFrame(schema=schema | dict.fromkeys(fields, pl.Utf8))


def _as_text(expr: pl.Expr) -> pl.Expr:
    return expr.cast(pl.Utf8)


def upsert(
    conn: Connection,
    table: Table,
    landed: pl.DataFrame,
    fields: list[str],
    *,
    source_id: int,
    batch_id: int,
    file_id: int,
    now: dt.datetime,
    entity: str,
    extra_columns: dict[str, pl.Expr] | None = None,
    ids_known: Callable[[pl.DataFrame], None] | None = None,
    as_of: dt.date | None = None,
) -> UpsertResult:
    """Insert new records and update changed ones; a changed value that the registry
    holds newer (:mod:`terpadu.intake.stale`; ``as_of``: the date the batch's data was
    collected) is kept, and said so in ``UpsertResult.stale``.

    ``ids_known`` is called with every landed record's id (source_key → id) as
    soon as the new ones are reserved, before anything is written: the caller
    can prepare what refers to them while the rows go in.
    """
    existing = lookup_keys(conn, table, source_id, landed["source_key"], fields)
    incoming = landed.join(
        existing.select("id", "source_key", "version"), on="source_key", how="left"
    )
    new = incoming.filter(pl.col("id").is_null()).drop("id", "version")
    ids = allocate_ids(conn, table.name, new.height)
    new = new.with_columns(ids.alias("id"))
    old = incoming.filter(pl.col("id").is_not_null())
    keys = pl.concat([new.select("source_key", "id"), old.select("source_key", "id")])
    if ids_known is not None:
        ids_known(keys)
    record_columns = {
        "id": pl.col("id"),
        "source_id": pl.lit(source_id, dtype=pl.Int64),
        "source_key": pl.col("source_key"),
        **{f: pl.col(f) for f in fields},
        "extra": pl.col("__extra"),
        "status": pl.lit("aktif"),
        "status_reason": pl.lit(None, dtype=pl.Utf8),
        "version": pl.lit(1, dtype=pl.Int64),
        "batch_id": pl.lit(batch_id, dtype=pl.Int64),
        "file_id": pl.lit(file_id, dtype=pl.Int64),
        "row_number": pl.col(ROW),
        "created_at": pl.lit(now),
        "updated_at": pl.lit(now),
        **(extra_columns or {}),
    }
    records = new.select(**record_columns)
    # A large batch's names for name search are written beside this transaction.
    names: AbstractContextManager[None] = (
        names_written_aside(conn, records) if table is PERSON_TABLE else nullcontext()
    )
    with names:
        insert_new_rows(conn, table, records)

    # Changed records: compare every field as text, old against new.
    changed_count = 0
    stale_warnings = pl.DataFrame()
    if old.height:
        before = existing.select("id", *[_as_text(pl.col(f)).alias(f) for f in fields])
        after = old.select("id", ROW, "version", *[_as_text(pl.col(f)).alias(f) for f in fields])
        both = after.join(before, on="id", suffix="__old")
        changes = pl.concat(
            [
                both.filter(~pl.col(f).eq_missing(pl.col(f"{f}__old"))).select(
                    pl.lit(entity).alias("entity"),
                    pl.col("id").alias("entity_id"),
                    pl.lit(f).alias("field"),
                    pl.col(f"{f}__old").alias("old_value"),
                    pl.col(f).alias("new_value"),
                    pl.lit(batch_id, dtype=pl.Int64).alias("batch_id"),
                    pl.lit(file_id, dtype=pl.Int64).alias("file_id"),
                    pl.col(ROW).alias("row_number"),
                    pl.lit(now).alias("at"),
                )
                for f in fields
            ]
        )
        stale = stale_changes(conn, table, entity, changes, as_of)
        if stale.height:
            stale_warnings = stale_issues(stale, changes, old.select("id", "source_key"))
            changes = changes.join(stale, on=["entity_id", "field"], how="anti")
        if changes.height:
            changed_ids = changes["entity_id"].unique()
            updates = old.filter(pl.col("id").is_in(changed_ids.implode())).select(
                "id",
                *fields,
                (pl.col("version") + 1).alias("version"),
                pl.lit(now).alias("updated_at"),
            )
            if stale.height:
                updates = _keeping(updates, stale, existing, fields)
            bulk_update(conn, table.name, updates)
            bulk_insert(conn, "value_change", changes)
            changed_count = updates.height
    return UpsertResult(keys, new.height, changed_count, old["id"], stale_warnings)


def _keeping(
    updates: pl.DataFrame, stale: pl.DataFrame, existing: pl.DataFrame, fields: list[str]
) -> pl.DataFrame:
    """``updates`` with the registry's value in place of each stale incoming one."""
    kept = [f for f in fields if f in set(stale["field"].to_list())]
    current = existing.select(
        "id", *[pl.col(f).cast(updates.schema[f]).alias(f"{f}__kept") for f in kept]
    )
    joined = updates.join(current, on="id", how="left")
    return joined.with_columns(
        pl.when(pl.col("id").is_in(stale.filter(pl.col("field") == f)["entity_id"].implode()))
        .then(pl.col(f"{f}__kept"))
        .otherwise(pl.col(f))
        .alias(f)
        for f in kept
    ).select(updates.columns)


def place_members(
    conn: Connection,
    persons: pl.DataFrame,
    *,
    batch_id: int,
    now: dt.datetime,
    known_person_ids: pl.Series,
    as_of: dt.date | None = None,
) -> pl.DataFrame:
    """Open memberships for persons new to a family; close the one they left. A move
    that the registry's membership is newer than (:func:`terpadu.intake.stale.stale_moves`)
    is not made; those persons are returned (``person_id, message``) to be reported.

    ``persons`` has columns person_id, family_id, hub_keluarga;
    ``known_person_ids`` are those registered before this batch (only they
    can have a membership already).
    """
    membership = Membership.__table__
    current: list[tuple[int, int, int]] = []
    ids = known_person_ids.to_list()
    for start in range(0, len(ids), KEY_CHUNK):
        chunk = ids[start : start + KEY_CHUNK]
        current.extend(
            (int(r[0]), int(r[1]), int(r[2]))
            for r in conn.execute(
                select(membership.c.id, membership.c.person_id, membership.c.family_id).where(
                    membership.c.person_id.in_(chunk), membership.c.left_at.is_(None)
                )
            ).all()
        )
    open_now = pl.DataFrame(
        current,
        schema={"membership_id": pl.Int64, "person_id": pl.Int64, "old_family_id": pl.Int64},
        orient="row",
    )
    joined = persons.join(open_now, on="person_id", how="left")
    moved = joined.filter(
        pl.col("membership_id").is_not_null() & (pl.col("old_family_id") != pl.col("family_id"))
    )
    kept = stale_moves(conn, moved.select("person_id", "family_id", "membership_id"), as_of)
    if kept.height:
        joined = joined.join(kept, on="person_id", how="anti")
        moved = moved.join(kept, on="person_id", how="anti")
    if moved.height:
        conn.execute(
            text(
                "UPDATE membership SET left_at = :at, left_reason = :reason, "
                "left_batch_id = :batch WHERE id = :id"
            ),
            [
                {"at": now, "reason": "pindah keluarga", "batch": batch_id, "id": mid}
                for mid in moved["membership_id"].to_list()
            ],
        )
    joining = joined.filter(
        pl.col("membership_id").is_null() | (pl.col("old_family_id") != pl.col("family_id"))
    )
    new_ids = allocate_ids(conn, "membership", joining.height)
    insert_new_rows(
        conn,
        MEMBERSHIP_TABLE,
        joining.select(
            new_ids.alias("id"),
            pl.col("person_id"),
            pl.col("family_id"),
            pl.col("hub_keluarga"),
            pl.lit(now).alias("joined_at"),
            pl.lit(batch_id, dtype=pl.Int64).alias("joined_batch_id"),
        ),
    )
    return kept


FAMILY_TABLE: Table = Family.__table__  # type: ignore[assignment]
PERSON_TABLE: Table = Person.__table__  # type: ignore[assignment]
MEMBERSHIP_TABLE: Table = Membership.__table__  # type: ignore[assignment]
QUARANTINE_TABLE: Table = QuarantineEntry.__table__  # type: ignore[assignment]
