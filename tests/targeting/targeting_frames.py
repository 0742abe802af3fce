"""Hand-made registries in the snapshot layout, evaluated on DuckDB without a database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pyarrow as pa

from terpadu.engine import BatchEngine, DuckDBEngine
from terpadu.engine.family import ASSETS
from terpadu.targeting.allocation import PeriodSpan, evaluate_program
from terpadu.targeting.catalogue import Program
from terpadu.targeting.inputs import empty_flags
from terpadu.targeting.profile import prepare

REF = dt.date(2025, 1, 1)
SPAN = PeriodSpan("2025", REF, 12)
FAMILY_DEFAULTS: dict[str, Any] = {
    "status": "aktif",
    "status_reason": None,
    "kode_wilayah": "3604052001",
    "source_key": None,
    "no_kk": None,
    "alamat": "Jl. Contoh",
    "status_bangunan": 1,
    "luas_lantai": 36.0,
    "jenis_lantai": 2,
    "jenis_dinding": 1,
    "jenis_atap": 2,
    "sumber_air_minum": 3,
    "sumber_penerangan": 1,
    "daya_listrik": 900,
    "bahan_bakar_masak": 3,
    "fasilitas_bab": 1,
    **dict.fromkeys(ASSETS, 0),
    "luas_lahan": 0.0,
    "jumlah_ternak": 0,
    "desil_nasional": None,
    "persentil_nasional": None,
}
PERSON_DEFAULTS: dict[str, Any] = {
    "status": "aktif",
    "nik": None,
    "nama": "Anggota",
    "membership_hub": None,
    "hub_keluarga": 3,
    "jenis_kelamin": 1,
    "partisipasi_sekolah": 2,
    "pendidikan_tertinggi": 3,
    "status_kawin": 2,
    "status_pekerjaan": 2,
    "disabilitas": 0,
    "disabilitas_berat": 0,
    "penyakit_kronis": 0,
    "hamil": 0,
    "tgl_lahir": dt.date(1985, 1, 1),
    "resolved_person_id": None,
}
TEXT = {"status", "status_reason", "kode_wilayah", "source_key", "no_kk", "alamat", "nik", "nama"}
FLOAT = {"luas_lantai", "luas_lahan", "pmt_score", "skor_deprivasi", "persentil_nasional"}


def _table(rows: list[dict[str, Any]]) -> pa.Table:
    columns = list(rows[0])
    types = {
        c: pa.string()
        if c in TEXT
        else pa.float64()
        if c in FLOAT
        else pa.date32()
        if c == "tgl_lahir"
        else pa.int64()
        for c in columns
    }
    return pa.table({c: pa.array([r[c] for r in rows], type=types[c]) for c in columns})


def families(rows: list[dict[str, Any]]) -> pa.Table:
    full = []
    for row in rows:
        merged = {**FAMILY_DEFAULTS, **row}
        merged["source_key"] = merged["source_key"] or f"K{merged['id']:05d}"
        merged["no_kk"] = merged["no_kk"] or f"3604{merged['id']:012d}"
        full.append(merged)
    return _table(full)


def persons(rows: list[dict[str, Any]]) -> pa.Table:
    return _table([{**PERSON_DEFAULTS, **row} for row in rows])


def welfare(rows: list[dict[str, Any]]) -> pa.Table:
    full = [
        {"persentil": r["desil"] * 10, "skor_deprivasi": 0.0, "miskin_multidimensi": 0, **r}
        for r in rows
    ]
    return _table(full).select(
        ["family_id", "desil", "persentil", "pmt_score", "skor_deprivasi", "miskin_multidimensi"]
    )


def quotas(mapping: dict[str, int]) -> pa.Table:
    return pa.table(
        {
            "kode": pa.array(list(mapping), pa.string()),
            "kuota": pa.array(list(mapping.values()), pa.int64()),
        }
    )


def existing(rows: list[tuple[int, str]]) -> pa.Table:
    return pa.table(
        {
            "family_id": pa.array([r[0] for r in rows], pa.int64()),
            "program": pa.array([r[1] for r in rows], pa.string()),
        }
    )


def load(
    batch: BatchEngine,
    fam: pa.Table,
    per: pa.Table,
    wel: pa.Table,
    *,
    flags: pa.Table | None = None,
    enrolled: pa.Table | None = None,
) -> None:
    batch.register_arrow("families", fam)
    batch.register_arrow("persons", per)
    batch.register_table("t_welfare", wel)
    batch.register_table("t_flags", flags if flags is not None else empty_flags())
    batch.register_table("t_existing", enrolled if enrolled is not None else existing([]))
    prepare(batch, SPAN.start)


def evaluate(
    program: Program,
    fam: pa.Table,
    per: pa.Table,
    wel: pa.Table,
    quota: dict[str, int],
    **kw: Any,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    batch = DuckDBEngine()
    try:
        load(batch, fam, per, wel, **kw)
        return evaluate_program(batch, program, quotas(quota), SPAN, prepared=True)
    finally:
        batch.close()
