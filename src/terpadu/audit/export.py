"""The audit log for an auditor: events of a region and a date range as a table."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
from sqlalchemy import Engine, select

from terpadu.access import Disclosure
from terpadu.audit.log import EVENT_TABLE, as_utc, iso_utc
from terpadu.regions import normalize_code

EXPORT_COLUMNS = [
    "EVENT_ID",
    "WAKTU_UTC",
    "PELAKU",
    "PERAN",
    "AKSI",
    "ENTITAS",
    "ID_ENTITAS",
    "KODE_WILAYAH",
    "SEBELUM",
    "SESUDAH",
    "HASH_SEBELUMNYA",
    "HASH",
]


def _start(day: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(day, dt.datetime):
        return as_utc(day)
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def export_events(
    engine: Engine,
    *,
    region: str | None = None,
    start: dt.date | dt.datetime | None = None,
    end: dt.date | dt.datetime | None = None,
) -> pl.DataFrame:
    """Events within ``region`` (the code or below it) from ``start`` to ``end``, inclusive.

    Dates are whole days in UTC. Events with no region (logins, editions) are
    included only when no region is asked for. The hashes are included so that
    the exported rows can be checked against the chain.
    """
    table = EVENT_TABLE
    query = select(
        table.c.id,
        table.c.at,
        table.c.actor,
        table.c.role,
        table.c.action,
        table.c.entity,
        table.c.entity_id,
        table.c.region,
        table.c.before,
        table.c.after,
        table.c.prev_hash,
        table.c.hash,
    ).order_by(table.c.id)
    if region:
        query = query.where(table.c.region.startswith(normalize_code(region), autoescape=True))
    if start is not None:
        query = query.where(table.c.at >= _start(start))
    if end is not None:
        if isinstance(end, dt.datetime):
            query = query.where(table.c.at <= as_utc(end))
        else:
            query = query.where(table.c.at < _start(end) + dt.timedelta(days=1))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    data = [(int(r[0]), iso_utc(r[1]), *r[2:]) for r in rows]
    return pl.DataFrame(
        data,
        schema={c: (pl.Int64 if c == "EVENT_ID" else pl.Utf8) for c in EXPORT_COLUMNS},
        orient="row",
    )


def events_as_seen(frame: pl.DataFrame, shown: Disclosure) -> pl.DataFrame:
    """Exported events as a reader may see them: personal fields inside the before/after
    values masked (a NIK correction's old and new NIK alike), the region cut as the
    reader's role is shown it. The hashes stay; a masked reader checks the chain with
    ``terpadu audit verify``, not by rehashing the masked values."""
    if shown.full:
        return frame

    def scrub(value: str | None) -> str | None:
        if not value:
            return value
        try:
            parsed = json.loads(value)
        except ValueError:
            return shown.text(value)
        return json.dumps(shown.record(parsed), ensure_ascii=False, sort_keys=True)

    values = [
        pl.col(c).map_elements(scrub, return_dtype=pl.Utf8, skip_nulls=True)
        for c in ("SEBELUM", "SESUDAH")
    ]
    return shown.frame(frame.with_columns(values))


__all__ = ["EXPORT_COLUMNS", "events_as_seen", "export_events"]
