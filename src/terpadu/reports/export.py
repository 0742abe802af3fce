"""The persons and families exports (docs/formats.md "Exports").

Column names are a contract with scripts and other agencies: they do not
change. Columns not yet computable (PERSON_ID before linkage, DESIL before
ranking) are present and blank.

``DESIL``/``PERSENTIL`` are Terpadu's ranking, relative to the families in this registry;
``CAKUPAN_DESIL`` says so, with the region it covers (:mod:`terpadu.welfare.scope`).
``DESIL_NASIONAL``/``PERSENTIL_NASIONAL`` are the national DTSEN ranking as imported.
"""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine, text

from terpadu.store.ids import FAMILY_PREFIX, PERSON_PREFIX

PERSON_COLUMNS = [
    "ID_ANGGOTA",
    "ID_KELUARGA",
    "NIK",
    "NAMA",
    "TGL_LAHIR",
    "JENIS_KELAMIN",
    "KODE_WILAYAH",
    "PERSON_ID",
    "STATUS",
    "DESIL",
    "DESIL_NASIONAL",
]
FAMILY_COLUMNS = [
    "ID_KELUARGA",
    "FAMILY_ID",
    "NO_KK",
    "KODE_WILAYAH",
    "JUMLAH_ANGGOTA",
    "PMT_SCORE",
    "PERSENTIL",
    "DESIL",
    "SKOR_DEPRIVASI",
    "DIMENSI_DEPRIVASI",
    "STATUS",
    "DESIL_NASIONAL",
    "PERSENTIL_NASIONAL",
    "CAKUPAN_DESIL",
]


def _status(status: pl.Expr, reason: pl.Expr) -> pl.Expr:
    return (
        pl.when(status == "aktif")
        .then(pl.lit("AKTIF"))
        .otherwise(
            pl.concat_str([pl.lit("NONAKTIF:"), reason.fill_null("lainnya").str.to_uppercase()])
        )
    )


def _query(engine: Engine, sql: str, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True).execute(text(sql))
        parts = []
        while rows := result.fetchmany(200_000):
            parts.append(pl.DataFrame([tuple(r) for r in rows], schema=list(schema), orient="row"))
    if not parts:
        return pl.DataFrame(schema=schema)
    return pl.concat(parts, how="vertical_relaxed").cast(schema)  # type: ignore[arg-type]


def _capitals(*columns: str) -> list[pl.Expr]:
    """Columns under their export names: the same words in capitals."""
    return [pl.col(c).alias(c.upper()) for c in columns]


def _code(prefix: str, column: str) -> pl.Expr:
    return pl.concat_str([pl.lit(prefix), pl.col(column).cast(pl.Utf8).str.zfill(10)])


def export_persons(engine: Engine) -> pl.DataFrame:
    """One row per person registration, with its current (or last) family and its desil."""
    sql = """
        SELECT p.id_anggota, f.source_key, p.nik, p.nama, p.tgl_lahir, p.jenis_kelamin,
               f.kode_wilayah, p.resolved_person_id, p.status, p.status_reason, p.id,
               w.desil, f.desil_nasional
        FROM person p
        LEFT JOIN (
            SELECT person_id, family_id,
                   row_number() OVER (PARTITION BY person_id
                                      ORDER BY (left_at IS NULL) DESC, joined_at DESC, id DESC) AS rn
            FROM membership
        ) m ON m.person_id = p.id AND m.rn = 1
        LEFT JOIN family f ON f.id = m.family_id
        LEFT JOIN family_welfare w ON w.family_id = f.id AND w.is_current = 1
        ORDER BY p.id
    """
    frame = _query(
        engine,
        sql,
        {
            "id_anggota": pl.Utf8(),
            "source_key": pl.Utf8(),
            "nik": pl.Utf8(),
            "nama": pl.Utf8(),
            "tgl_lahir": pl.Utf8(),
            "jenis_kelamin": pl.Int64(),
            "kode_wilayah": pl.Utf8(),
            "resolved_person_id": pl.Int64(),
            "status": pl.Utf8(),
            "status_reason": pl.Utf8(),
            "id": pl.Int64(),
            "desil": pl.Int64(),
            "desil_nasional": pl.Int64(),
        },
    )
    return frame.select(
        pl.col("id_anggota").alias("ID_ANGGOTA"),
        pl.col("source_key").alias("ID_KELUARGA"),
        *_capitals("nik", "nama"),
        pl.col("tgl_lahir").str.slice(0, 10).alias("TGL_LAHIR"),
        *_capitals("jenis_kelamin", "kode_wilayah"),
        pl.when(pl.col("resolved_person_id").is_not_null())
        .then(_code(PERSON_PREFIX, "resolved_person_id"))
        .alias("PERSON_ID"),
        _status(pl.col("status"), pl.col("status_reason")).alias("STATUS"),
        *_capitals("desil", "desil_nasional"),
    )


def export_families(engine: Engine) -> pl.DataFrame:
    """One row per family with its size and, once computed, its welfare ranking."""
    sql = """
        SELECT f.source_key, f.id, f.no_kk, f.kode_wilayah,
               (SELECT count(*) FROM membership m JOIN person p ON p.id = m.person_id
                 WHERE m.family_id = f.id AND m.left_at IS NULL AND p.status = 'aktif') AS jumlah,
               w.pmt_score, w.persentil, w.desil, w.skor_deprivasi, w.dimensi_deprivasi,
               f.status, f.status_reason, f.desil_nasional, f.persentil_nasional
        FROM family f
        LEFT JOIN family_welfare w ON w.family_id = f.id AND w.is_current = 1
        ORDER BY f.id
    """
    frame = _query(
        engine,
        sql,
        {
            "source_key": pl.Utf8(),
            "id": pl.Int64(),
            "no_kk": pl.Utf8(),
            "kode_wilayah": pl.Utf8(),
            "jumlah": pl.Int64(),
            "pmt_score": pl.Float64(),
            "persentil": pl.Int64(),
            "desil": pl.Int64(),
            "skor_deprivasi": pl.Float64(),
            "dimensi_deprivasi": pl.Utf8(),
            "status": pl.Utf8(),
            "status_reason": pl.Utf8(),
            "desil_nasional": pl.Int64(),
            "persentil_nasional": pl.Float64(),
        },
    )
    # Imported here: the welfare package brings NumPy, which every command would load for
    # nothing (the CLI imports the exports at start).
    from terpadu.welfare.scope import desil_scope

    scope = desil_scope(engine).label
    return frame.select(
        pl.col("source_key").alias("ID_KELUARGA"),
        _code(FAMILY_PREFIX, "id").alias("FAMILY_ID"),
        *_capitals("no_kk", "kode_wilayah"),
        pl.col("jumlah").alias("JUMLAH_ANGGOTA"),
        *_capitals("pmt_score", "persentil", "desil", "skor_deprivasi", "dimensi_deprivasi"),
        _status(pl.col("status"), pl.col("status_reason")).alias("STATUS"),
        *_capitals("desil_nasional", "persentil_nasional"),
        pl.when(pl.col("desil").is_not_null()).then(pl.lit(scope)).alias("CAKUPAN_DESIL"),
    )
