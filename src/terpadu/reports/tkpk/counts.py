"""The counts behind a TKPK report, each over the families of one region (a code prefix).

Plain SQL that runs the same on SQLite and PostgreSQL; every read is limited to the region
by ``kode_wilayah LIKE 'prefix%'``. The regional break-downs group by the first digits of
the code (``substr``), so a roll-up costs one query per measure, not one per region.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from sqlalchemy import Engine, text

from terpadu.identity.nik import check_nik_frame
from terpadu.services.institutions import list_institutions
from terpadu.services.workforce import list_workers

#: Months since a family's record last changed, as buckets (upper bound, key).
FRESHNESS: tuple[tuple[int, str], ...] = ((6, "0_6"), (12, "6_12"), (24, "12_24"))
STALE = "24_plus"


def _rows(engine: Engine, sql: str, prefix: str, **params: Any) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(text(sql), {"prefix": prefix + "%", **params}).all())


def _frame(
    engine: Engine, sql: str, prefix: str, schema: dict[str, pl.DataType], **params: Any
) -> pl.DataFrame:
    """The rows of ``sql`` as a frame, read straight into columns (a region's members run to
    millions of rows: no Python tuple per row)."""
    with engine.connect() as conn:
        frame = pl.read_database(
            text(sql),
            conn,
            execute_options={"parameters": {"prefix": prefix + "%", **params}},
            schema_overrides=schema,
        )
    return frame.select(pl.col(name).cast(dtype) for name, dtype in schema.items())


def enrolments(engine: Engine, prefix: str) -> pl.DataFrame:
    """Current enrolments of the region: ``family_id, program, kode_wilayah``."""
    rows = _rows(
        engine,
        "SELECT DISTINCT family_id, program, kode_wilayah FROM enrolment "
        "WHERE is_current = 1 AND kode_wilayah LIKE :prefix",
        prefix,
    )
    schema = {"family_id": pl.Int64, "program": pl.Utf8, "kode_wilayah": pl.Utf8}
    return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row").with_columns(
        pl.col("program").str.to_uppercase()
    )


def members(engine: Engine, prefix: str) -> pl.DataFrame:
    """Active families of the region with their active members: ``family_id, kode_wilayah,
    anggota``."""
    return _frame(
        engine,
        "SELECT f.id AS family_id, f.kode_wilayah, count(p.id) AS anggota FROM family f "
        "LEFT JOIN membership m ON m.family_id = f.id AND m.left_at IS NULL "
        "LEFT JOIN person p ON p.id = m.person_id AND p.status = 'aktif' "
        "WHERE f.status = 'aktif' AND f.kode_wilayah LIKE :prefix GROUP BY f.id, f.kode_wilayah",
        prefix,
        {"family_id": pl.Int64(), "kode_wilayah": pl.Utf8(), "anggota": pl.Int64()},
    )


def person_niks(engine: Engine, prefix: str) -> pl.DataFrame:
    """Active members of the region's active families: ``kode_wilayah, nik`` (null: none)."""
    frame = _frame(
        engine,
        "SELECT f.kode_wilayah, p.nik FROM person p "
        "JOIN membership m ON m.person_id = p.id AND m.left_at IS NULL "
        "JOIN family f ON f.id = m.family_id "
        "WHERE p.status = 'aktif' AND f.status = 'aktif' AND f.kode_wilayah LIKE :prefix",
        prefix,
        {"kode_wilayah": pl.Utf8(), "nik": pl.Utf8()},
    )
    checked = check_nik_frame(frame["nik"], dt.date.today())
    return frame.with_columns(
        (frame["nik"].is_not_null() & checked["error_code"].is_not_null()).alias("nik_invalid")
    )


def pending_duplicates(engine: Engine, prefix: str) -> pl.DataFrame:
    """Linkage pairs waiting for a clerk: ``kode_wilayah`` per pair."""
    rows = _rows(
        engine,
        "SELECT kode_wilayah FROM review_pair WHERE state = 'pending' "
        "AND kode_wilayah LIKE :prefix",
        prefix,
    )
    return pl.DataFrame([tuple(r) for r in rows], schema={"kode_wilayah": pl.Utf8}, orient="row")


def dukcapil_findings(engine: Engine, prefix: str) -> tuple[int | None, pl.DataFrame]:
    """The latest Dukcapil check's id (None: never checked) and its findings other than
    'ok' in the region: ``kode_wilayah, finding`` (one row per finding of a person)."""
    with engine.connect() as conn:
        check = conn.execute(text("SELECT max(id) FROM dukcapil_check")).scalar()
    schema = {"kode_wilayah": pl.Utf8, "finding": pl.Utf8}
    if check is None:
        return None, pl.DataFrame(schema=schema)
    rows = _rows(
        engine,
        "SELECT kode_wilayah, findings FROM dukcapil_result WHERE check_id = :check "
        "AND kode_wilayah LIKE :prefix",
        prefix,
        check=check,
    )
    frame = pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")
    found = (
        frame.with_columns(pl.col("finding").str.split(";"))
        .explode("finding")
        .filter(pl.col("finding").is_not_null() & (pl.col("finding") != "ok"))
    )
    return int(check), found


def freshness(engine: Engine, prefix: str, today: dt.date) -> pl.DataFrame:
    """Active families of the region: ``kode_wilayah, bulan`` (whole months since their
    record last changed, as of ``today``) and ``bucket``."""
    rows = _rows(
        engine,
        "SELECT kode_wilayah, updated_at FROM family WHERE status = 'aktif' "
        "AND kode_wilayah LIKE :prefix",
        prefix,
    )
    months = [(code, _months(when, today) if when is not None else None) for code, when in rows]
    frame = pl.DataFrame(months, schema={"kode_wilayah": pl.Utf8, "bulan": pl.Int64}, orient="row")
    bucket: Any = pl.when(pl.col("bulan").is_null()).then(pl.lit(STALE))
    for upper, key in FRESHNESS:
        bucket = bucket.when(pl.col("bulan") < upper).then(pl.lit(key))
    return frame.with_columns(bucket.otherwise(pl.lit(STALE)).alias("bucket"))


def _months(when: Any, today: dt.date) -> int:
    day = when.date() if isinstance(when, dt.datetime) else dt.date.fromisoformat(str(when)[:10])
    months = (today.year - day.year) * 12 + today.month - day.month
    return max(0, months - (1 if today.day < day.day else 0))


def workers(engine: Engine, prefix: str) -> pl.DataFrame:
    """Active social workers assigned in or over the region: ``kode_wilayah`` (each
    assignment's region, one row per worker and region), ``worker``, ``role``."""
    rows = [
        (code, w.id, w.role)
        for w in list_workers(engine, region=prefix or None)
        for code in (w.regions or [""])
    ]
    schema = {"kode_wilayah": pl.Utf8, "worker": pl.Int64, "role": pl.Utf8}
    return pl.DataFrame(rows, schema=schema, orient="row")


def institutions(engine: Engine, prefix: str) -> pl.DataFrame:
    """Institutions of the region: ``kode_wilayah, kind, capacity, residents``."""
    rows = [
        (i.kode_wilayah, i.kind, i.capacity, i.residents)
        for i in list_institutions(engine, region=prefix or None)
    ]
    schema = {
        "kode_wilayah": pl.Utf8,
        "kind": pl.Utf8,
        "capacity": pl.Int64,
        "residents": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


__all__ = [
    "FRESHNESS",
    "STALE",
    "dukcapil_findings",
    "enrolments",
    "freshness",
    "institutions",
    "members",
    "pending_duplicates",
    "person_niks",
    "workers",
]
